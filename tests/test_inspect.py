"""Table-driven: saved replica pages and attachments, read by `regwatch inspect`, give the fields
written beside them in tests/fixtures/replica/expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.reader import ReadError, resolve_url
from crawler.sources import load_sources
from regwatch.cli import cli
from replica.timeline import documents
from tests.conftest import Watcher

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "replica"
CASES = json.loads((FIXTURES / "expected.json").read_text("utf-8"))


def inspect_json(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("case", [c for c in CASES if c["file"].endswith(".html")], ids=lambda c: c["file"])
def test_article_pages(case):
    info = inspect_json(FIXTURES / case["file"])
    assert info["category"] == case["category"]
    assert info["stage"] == case["stage"]
    if case["doc_number"]:
        assert info["doc_number"] == case["doc_number"]
    assert info["published"].replace("T", " ")[:16] == case["published"]
    if case["signed_date"]:
        assert info["signed_date"] == case["signed_date"]


@pytest.mark.parametrize("case", [c for c in CASES if not c["file"].endswith(".html")], ids=lambda c: c["file"])
def test_attachments_print_their_entries(case):
    info = inspect_json(FIXTURES / case["file"])
    assert info["parse"]["status"] == "ok"
    assert info["parse"]["kind"] == case["kind"]
    if case["entries"]:
        got = [(e["enterprise"], e["province"], e["type"]) for e in info["list"]["entries"]]
        assert got == [(e["enterprise"], e["province"], e["type"]) for e in case["entries"]]
    elif case.get("entries_not_white_list"):
        # a look-alike list: its table is read, but a crawl never takes it for the white list
        assert info["list"]["entries"] and all("示例" in e["enterprise"] for e in info["list"]["entries"])
    else:
        assert info["list"] is None


def test_text_output_lists_the_entries():
    result = CliRunner().invoke(cli, ["inspect", str(FIXTURES / "batch1_0.pdf")])
    assert result.exit_code == 0
    assert "list: batch 1, 5 entries" in result.output
    assert "衢州华友钴新材料有限公司" in result.output


def inspect_url(watcher, url: str, *args: str):
    """`regwatch inspect URL` with the watcher's config: the replica stands in for both sites."""
    env = {"REGWATCH_MIIT_BASE_URL": watcher.replica.miit, "REGWATCH_SAMR_BASE_URL": watcher.replica.samr,
           "REGWATCH_DB": str(watcher.workdir / "regwatch.db")}
    return CliRunner(env=env).invoke(cli, ["--config", str(watcher.config.path), "inspect", url, *args])


@pytest.fixture
def quick_watcher(replica, tmp_path):
    return Watcher(replica, tmp_path, "[regwatch]\ndownload_delay = 0\n")


def test_inspect_a_final_list_url_shows_the_list_the_crawl_stored(quick_watcher, replica):
    replica.set_state(2)
    quick_watcher.crawl("miit")
    final = next(d for d in documents(2) if d["category"] == "whitelist" and d["stage"] == "公告"
                 and d["batch"] == 6)
    db = quick_watcher.db()
    try:
        row = db.execute("select id, doc_number from documents where art_id = ?", [final["art_id"]]).fetchone()
        stored = [tuple(r) for r in db.execute(
            "select enterprise, province, type from list_entries where document_id = ? order by id", [row[0]])]
    finally:
        db.close()
    assert len(stored) == len(final["entries"]) == 11
    # the public address, as every stored URL shows it: rewritten to the replica, never fetched from the real site
    public = "https://www.miit.gov.cn" + final["paths"][0]
    replica.clear_requests()
    result = inspect_url(quick_watcher, public, "--format", "json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert (info["category"], info["stage"], info["list_kind"]) == ("whitelist", "公告", "final")
    assert info["doc_number"] == row[1]
    assert [(e["enterprise"], e["province"], e["type"]) for e in info["list"]["entries"]] == stored
    assert info["attachments"] and all(a["status"] == "ok" for a in info["attachments"])
    fetched = [r["path"] for r in replica.requests()]
    assert any(p.endswith(final["paths"][0]) for p in fetched)
    assert any(a["url"].rsplit("/", 1)[-1] in " ".join(fetched) for a in info["attachments"])


def test_inspect_text_output_has_no_python_reprs(quick_watcher, replica):
    proposal = next(d for d in documents(1) if d["category"] == "whitelist" and d["stage"] == "公示")
    replica.set_state(1)
    result = inspect_url(quick_watcher, "http://wap.miit.gov.cn" + proposal["paths"][0])
    assert result.exit_code == 0, result.output
    assert "list: batch 6, 12 entries" in result.output
    for repr_ in ("None", "{'", "['", "[]"):
        assert repr_ not in result.output


def test_inspect_refuses_a_url_of_no_source(quick_watcher):
    result = inspect_url(quick_watcher, "https://example.com/a.html")
    assert result.exit_code == 1
    assert "not a page of any configured source" in result.output


def test_a_url_is_never_fetched_from_the_real_host_while_a_replica_stands_in():
    sources = load_sources({"miit": {"base_url": "http://127.0.0.1:9"}})
    for real in ("https://www.miit.gov.cn/a/art_1.html", "http://wap.miit.gov.cn/a/art_1.html"):
        source, local = resolve_url(real, sources, ["miit"])
        assert (source.id, local) == ("miit", "http://127.0.0.1:9/a/art_1.html")
    # a source whose base_url was "overridden" to a real host is refused rather than reached
    odd = load_sources({"miit": {"base_url": "https://wap.miit.gov.cn"}})
    with pytest.raises(ReadError, match="refusing to reach the real site"):
        resolve_url("https://www.miit.gov.cn/a.html", odd, ["miit"])


def test_a_relative_path_and_a_doc_number_on_the_second_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("notice.txt").write_text(
        "关于公布符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）的公告\n"
        "工业和信息化部公告2026年第33号\n"
        "根据《新能源汽车废旧动力电池综合利用行业规范条件》，现将企业名单（第六批）予以公告。浏览次数：123\n", "utf-8")
    info = inspect_json(Path("notice.txt"))
    assert info["doc_number"] == "工业和信息化部公告2026年第33号"
    assert (info["category"], info["stage"]) == ("whitelist", "公告")
    result = CliRunner().invoke(cli, ["inspect", "notice.txt"])
    assert result.exit_code == 0, result.output
    assert "浏览次数" not in json.dumps(info, ensure_ascii=False)  # noise stripped, as the crawl does


def test_a_saved_page_of_no_source_is_read_with_the_generic_fallback(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>关于公布企业名单的公告</h1><p>工信部联节〔2021〕114号</p>"
                    "<p>正文。</p></body></html>", "utf-8")
    info = inspect_json(page)
    assert info["title"] == "关于公布企业名单的公告"
    assert info["doc_number"] == "工信部联节〔2021〕114号"
    assert info["authority"] is None


def test_inspect_an_xls_file(tmp_path):
    from tests.test_extract_attachments import make_xls

    path = tmp_path / "list.xls"
    row = {"enterprise": "湖南邦普循环科技有限公司", "province": "湖南省", "type": "再生利用"}
    header = ["序号", "省份", "企业名称", "类型"]
    path.write_bytes(make_xls([header, [1, row["province"], row["enterprise"], row["type"]]]))
    info = inspect_json(path)
    assert info["parse"]["kind"] == "xls"
    assert info["list"]["entries"] == [row]


def test_inspect_a_missing_file_is_one_line():
    result = CliRunner().invoke(cli, ["inspect", "no-such-file.pdf"])
    assert result.exit_code == 1
    assert "no such file" in result.output
