"""The web UI in real headless Chromium, against `regwatch serve` over a database crawled from the
replica's whole timeline. `make test` installs chromium and chromium-driver when they are missing."""

from __future__ import annotations

import hashlib
import urllib.request
from urllib.parse import quote

import pytest

from replica.timeline import current_list
from tests.browser import ServeProcess, chromium_paths, crawl_timeline, start_chromium

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(chromium_paths() is None, reason="chromium is installed by `make test`")]

AS_OF_BETWEEN = "2026-11-01"  # after the batch-6 公告 (state 2), before the revocations (state 4)


@pytest.fixture(scope="module")
def site(replica_server, tmp_path_factory):
    from tests.conftest import Watcher

    workdir = tmp_path_factory.mktemp("web")
    watcher = Watcher(replica_server, workdir)
    crawl_timeline(watcher)
    replica_server.reset()
    server = ServeProcess(watcher.config.database, watcher.config.blobs).start()
    driver = start_chromium(workdir / "chromium-profile")
    try:
        yield server, driver, watcher
    finally:
        driver.quit()
        server.stop()
    assert server.proc is None


def _texts(driver, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def _no_json_blob(driver) -> None:
    body = driver.find_element("tag name", "body").text
    assert '{"' not in body and '[{' not in body, "a JSON blob is shown on the page"


def test_list_page_as_of_a_date_between_two_states(site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    server, driver, _ = site
    driver.get(f"{server.base}/-/regwatch/list")
    assert set(_texts(driver, "#list td.enterprise")) == {e["enterprise"] for e in current_list(5)}
    picker = driver.find_element(By.ID, "as_of")
    driver.execute_script("arguments[0].value = arguments[1]", picker, AS_OF_BETWEEN)
    old_table = driver.find_element(By.ID, "list")
    driver.find_element(By.ID, "apply").click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old_table))
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "list")))
    assert f"as_of={AS_OF_BETWEEN}" in driver.current_url
    shown = _texts(driver, "#list td.enterprise")
    expected = {e["enterprise"] for e in current_list(3)}
    assert len(shown) == len(expected) and set(shown) == expected
    assert expected != {e["enterprise"] for e in current_list(5)}, "the date must fall between two lists"
    _no_json_blob(driver)


def test_change_page_of_the_batch6_final_list(site):
    server, driver, watcher = site
    db = watcher.db()
    change_id = next(db.query("select c.id from changes c join documents d on d.id = c.document_id "
                              "where c.kind = 'list.entry_removed' and d.batch = 6 and d.stage = '公告'"))["id"]
    db.close()
    driver.get(f"{server.base}/-/regwatch/change/{change_id}")
    page = driver.find_element("tag name", "body").text
    assert "宜宾示例晟达电源科技有限责任公司" in page, "the dropped enterprise"
    assert "贵阳示例新程资源循环利用有限公司" in page and "贵阳示例新程资源循环利用有线公司" in page, "the renamed one"
    assert "工业和信息化部公告2026年第33号" in page
    _no_json_blob(driver)


@pytest.mark.parametrize("query", ["杂质铝含量", "梯次利用"])
def test_search_finds_the_documents(site, query):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    server, driver, watcher = site
    driver.get(f"{server.base}/-/regwatch/search")
    box = driver.find_element(By.ID, "q")
    box.send_keys(query)
    box.submit()
    WebDriverWait(driver, 20).until(expected_conditions.presence_of_element_located((By.ID, "hit-count")))
    titles = _texts(driver, "#results .title")
    marks = _texts(driver, "#results mark")
    db = watcher.db()
    containing = {r["title"] for r in db.query(
        "select d.title from documents d join versions v on v.id = d.current_version_id where v.text like :q "
        "or d.title like :q or exists (select 1 from attachments a where a.version_id = v.id and a.text like :q)",
        {"q": f"%{query}%"})}
    db.close()
    assert containing and containing <= set(titles)
    assert query in marks, "the match is highlighted in a snippet cut from the original text"
    _no_json_blob(driver)


def test_evidence_download_matches_its_sha256(site):
    from selenium.webdriver.common.by import By

    server, driver, watcher = site
    db = watcher.db()
    change_id = next(db.query("select id from changes where kind = 'list.proposed'"))["id"]
    db.close()
    driver.get(f"{server.base}/-/regwatch/change/{change_id}")
    links = driver.find_elements(By.CSS_SELECTOR, "#evidence a.blob")
    assert len(links) >= 2, "the raw page and the attachment"
    for link in links:
        with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as response:
            data = response.read()
        assert hashlib.sha256(data).hexdigest() == link.get_attribute("data-sha256")


def test_timeline_sources_and_enterprise_pages(site):
    server, driver, _ = site
    driver.get(f"{server.base}/-/regwatch/changes?kind=list.entry_removed")
    sentences = _texts(driver, "#changes .rw-sentence")
    # the shared words (storage.vocab.Outcome): revoked, dropped after 公示, withdrawn from proposal
    assert sentences and all(any(w in s for w in ("撤销", "公示后未列入", "撤出公示")) for s in sentences)
    _no_json_blob(driver)
    driver.get(f"{server.base}/-/regwatch/sources")
    assert _texts(driver, "#sources .rw-health-ok")
    assert "built-in method" not in driver.find_element("tag name", "body").text
    driver.get(f"{server.base}/-/regwatch/enterprise?name={quote('西宁示例拓源循环科技有限公司')}")
    assert any("revoked" in t or "撤销" in t for t in _texts(driver, "#history td"))
    driver.get(f"{server.base}/regwatch/changes_flat")
    _no_json_blob(driver)


def test_plain_datasette_search_uses_the_same_function(site):
    import json

    server, _, _ = site
    url = f"{server.base}/regwatch/search.json?q={quote('杂质铝含量')}&_shape=array"
    with urllib.request.urlopen(url, timeout=10) as response:
        rows = json.loads(response.read())
    assert rows and all("[杂质铝含量]" in r["snippet"] for r in rows)
