"""The replica sites over real HTTP: shells, build/unit, search, articles, attachments, states, faults."""

from __future__ import annotations

import http.client
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pdfplumber
import pytest

from replica import timeline
from replica.criteria import split_clauses
from replica.sites import BUILD_UNIT_PATH, MIIT, SAMR, SEARCH_PATH, SITES
from replica.testing import ReplicaError, ReplicaProcess

BROWSER = "Mozilla/5.0 (compatible; regwatch-test)"
ROOT = Path(__file__).resolve().parent.parent
BOTH_SPELLINGS = {"梯次利用和再生利用", "梯次利用、再生利用", "梯次利用/再生利用"}


# --- helpers ----------------------------------------------------------------------------------


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)

    def html(self):
        return lxml.html.fromstring(self.body)


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET", ua: str | None = BROWSER) -> Answer:
    sent = dict(headers or {})
    if ua is not None:
        sent.setdefault("User-Agent", ua)
    request = urllib.request.Request(url, headers=sent, method=method, data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, dict(exc.headers), exc.read())


def unit_url(base: str, site, page_id: str, param_json: dict | None = None) -> str:
    params = {
        "parseType": site.parse_type, "webId": site.web_id, "tplSetId": site.tpl_set_id, "pageType": "column",
        "tagId": site.tag_id, "editType": "null", "pageId": page_id,
    }
    if param_json is not None:
        params["paramJson"] = json.dumps(param_json)
    return f"{base}{BUILD_UNIT_PATH}?{urllib.parse.urlencode(params)}"


def unit_rows(base: str, site, column, param_json: dict | None = None) -> tuple[list[tuple[str, str, str]], dict]:
    answer = fetch(unit_url(base, site, column.page_id, param_json), {"Referer": f"{base}{column.path}index.html"})
    assert answer.status == 200
    envelope = answer.json()
    fragment = lxml.html.fromstring(f"<div>{envelope['data']['html']}</div>")
    if site.key == "miit":
        rows = [(a.get("href"), a.get("title"), a.getparent().find("span").text)
                for a in fragment.cssselect("li.cf a.fl")]
        pager = fragment.cssselect("div.pagination")[0]
        info = {"count": int(pager.get("count")), "pageNo": int(pager.get("pageno")), "rows": int(pager.get("rows"))}
    else:
        links = fragment.cssselect(".Three_zhnlist_02 li.nav04Left02_content a")
        dates = [li.text for li in fragment.cssselect("li.nav04Left02_contenttime")]
        rows = [(a.get("href"), a.get("title"), d) for a, d in zip(links, dates, strict=True)]
        info = {"count": int(fragment.cssselect("[count]")[0].get("count"))}
    return rows, info


def docs_at(state: int) -> dict[str, dict]:
    return {d["key"]: d for d in timeline.documents(state)}


def canonical_type(cell: str | None) -> str:
    text = (cell or "").strip()
    return "梯次利用和再生利用" if text in BOTH_SPELLINGS else text


def list_from_attachment(data: bytes, ext: str) -> tuple[list[dict[str, str]], dict]:
    """Rows of an enterprise-list attachment, with merged/spanned province cells filled down."""
    facts: dict = {}
    if ext == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        facts["merged"] = [str(r) for r in sheet.merged_cells.ranges]
        table = [[None if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    elif ext == "docx":
        document = docx.Document(io.BytesIO(data))
        grid = document.tables[0]
        facts["merged"] = [tc for tc in grid._tbl.iter_tcs() if tc.tcPr is not None and tc.tcPr.vMerge is not None]
        table = [[cell.text for cell in row.cells] for row in grid.rows]
    else:
        pdf = pdfplumber.open(io.BytesIO(data))
        facts["pages"] = len(pdf.pages)
        table = [row for page in pdf.pages for t in page.extract_tables() for row in t]
        facts["none_cells"] = sum(1 for row in table for cell in row if cell is None)
    header = next(row for row in table if row and row[0] == "序号")
    province = next(i for i, h in enumerate(header) if h in ("省份", "地区"))
    name = next(i for i, h in enumerate(header) if h in ("企业名称", "单位名称"))
    kind = next((i for i, h in enumerate(header) if h in ("类型", "企业类型", "类别")), None)
    entries, last_province = [], ""
    for row in table:
        if not row or not (row[0] or "").isdigit():
            continue
        last_province = row[province] or last_province
        entries.append({
            "enterprise": row[name].replace("\n", ""),
            "province": last_province,
            "type": canonical_type(row[kind]) if kind is not None else "unspecified",
        })
    return entries, facts


def attachment(replica, doc: dict, index: int = 0) -> Answer:
    base = replica.miit if doc["site"] == "miit" else replica.samr
    return fetch(base + doc["attachments"][index]["url_path"])


# --- start-up ---------------------------------------------------------------------------------


def test_module_prints_exactly_three_lines_and_stops_on_sigterm():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "replica", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline(), proc.stdout.readline()]
        assert lines[0] == f"miit http://127.0.0.1:{port}\n"
        assert re.fullmatch(r"samr http://127\.0\.0\.1:\d+\n", lines[1])
        assert re.fullmatch(r"province http://127\.0\.0\.1:\d+\n", lines[2])
        assert fetch(lines[1].split()[1] + "/robots.txt").status == 200
        assert fetch(lines[2].split()[1] + "/gxt/xxgk_71033/tzgg/index.html").status == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        proc.stdout.close()


def test_scale_1000_starts_in_seconds_and_pages():
    started = time.monotonic()
    with ReplicaProcess().start(scale=1000) as big:
        elapsed = time.monotonic() - started
        column = MIIT.column("/xwfb/bldhd/")
        rows, info = unit_rows(big.miit, MIIT, column, {"pageNo": 3, "pageSize": "24"})
        assert info["count"] == 1000 + 3  # the fillers and the three 部领导活动 articles of state 0
        assert len(rows) == 24 and info["pageNo"] == 3
        article = fetch(big.miit + urllib.parse.urlsplit(rows[5][0]).path)
        assert article.status == 200 and article.html().cssselect("h1#con_title")[0].text == rows[5][1]
    assert elapsed < 10


# --- column shells and build/unit -------------------------------------------------------------


@pytest.mark.parametrize("site,column", [(s, c) for s in SITES.values() for c in s.columns],
                         ids=lambda v: getattr(v, "key", None) or getattr(v, "path", ""))
def test_column_shell_carries_query_data(replica, site, column):
    base = replica.miit if site.key == "miit" else replica.samr
    page = fetch(f"{base}{column.path}index.html")
    assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    script = page.html().cssselect("script[querydata]")[0]
    assert script.get("src") == "/cms_files/default/script/AuthorizedRead/unitbuild.js?v=3.1.3-GXB"
    assert script.get("url") == BUILD_UNIT_PATH
    query = json.loads(script.get("querydata").replace("'", '"'))
    assert query == {"parseType": site.parse_type, "webId": site.web_id, "tplSetId": site.tpl_set_id,
                     "pageType": "column", "tagId": site.tag_id, "editType": "null", "pageId": column.page_id}
    assert re.fullmatch(r"[0-9a-f]{32}", query["pageId"])
    assert not page.html().cssselect("li.cf, li.nav04Left02_content")  # a shell has no rows
    if site.key == "samr":
        assert page.html().cssselect('meta[name="ColId"]')[0].get("content") == column.page_id
    assert fetch(base + "/cms_files/default/script/AuthorizedRead/unitbuild.js?v=3.1.3-GXB").status == 200
    assert fetch(base + "/cms_files/filemanager/script/ajax/page/page.js").status == 200


def test_known_page_ids_are_the_real_ones():
    assert MIIT.column("/xwfb/bldhd/").page_id == "d3e2bede1bc045e2875fc7161c01db7d"
    assert SAMR.column("/zw/zjwj/").page_id == "5a1c443ecf8c471bb9577ba1ae5d2883"
    assert SAMR.column("/xw/zj/").page_id == "39cd9de1f309431483ef3008309f39ca"
    assert SAMR.parse_type == "bulidstatic" and MIIT.parse_type == "buildstatic"


def test_build_unit_envelope_paging_and_link_quirks(replica):
    replica.set_state(5)
    column = MIIT.column("/jgsj/jns/wjfb/")
    answer = fetch(unit_url(replica.miit, MIIT, column.page_id), {"Referer": replica.miit + "/jgsj/jns/wjfb/"})
    envelope = answer.json()
    assert answer.headers["Content-Type"].startswith("application/json")
    assert envelope["code"] == "200" and envelope["success"] is True and envelope["roles"] == []
    assert set(envelope) >= {"roles", "permissions", "code", "success", "message", "data"}
    expected = {d["art_id"] for d in timeline.documents(5) if ["miit", column.path] in d["listed_in"]}
    first, info = unit_rows(replica.miit, MIIT, column)
    assert info == {"count": len(expected), "pageNo": 1, "rows": 24}
    seen, page_no = [], 1
    while True:  # page with pageSize as a string, like one real spider does
        rows, info = unit_rows(replica.miit, MIIT, column, {"pageNo": page_no, "pageSize": "4"})
        if not rows:
            break
        assert info["pageNo"] == page_no and info["rows"] == 4 and len(rows) <= 4
        seen += rows
        page_no += 1
    assert seen == first and page_no == -(-len(expected) // 4) + 1
    assert {re.search(r"art_([0-9a-f]{32})", href).group(1) for href, _, _ in seen} == expected
    dates = [d for _, _, d in seen]
    assert dates != sorted(dates, reverse=True), "rows must not be strictly newest-first"
    hrefs = [h for h, _, _ in seen]
    assert any(h.startswith("http://www.miit.gov.cn/") for h in hrefs)
    assert any(h.startswith("http://wap.miit.gov.cn/") for h in hrefs)
    gg_rows, _ = unit_rows(replica.miit, MIIT, MIIT.column("/zwgk/zcwj/wjfb/gg/"))
    assert any(h.startswith("/zwgk/") for h, _, _ in gg_rows), "one row is root-relative"
    links = lxml.html.fromstring(envelope["data"]["html"]).cssselect("a.fl")
    truncated = [a for a in links if a.text != a.get("title")]
    assert truncated and all(a.get("title").startswith(a.text.removesuffix("...")) for a in truncated)


def test_build_unit_refuses_post_and_unknown_page_id(replica):
    column = MIIT.column("/jgsj/jns/gzdt/")
    post = fetch(unit_url(replica.miit, MIIT, column.page_id), method="POST")
    assert post.status == 500 and post.json() == {"message": "不支持的HTTP方法"}
    unknown = fetch(unit_url(replica.miit, MIIT, "0" * 32)).json()
    assert unknown["success"] is False and unknown["code"] != "200"
    bad = fetch(unit_url(replica.miit, MIIT, column.page_id) + "&paramJson=%7Bnot-json").json()
    assert bad["success"] is False


def test_samr_fragment_rows_and_count(replica):
    replica.set_state(5)
    column = SAMR.column("/zw/zjwj/")
    rows, info = unit_rows(replica.samr, SAMR, column)
    expected = [d for d in timeline.documents(5) if ["samr", column.path] in d["listed_in"]]
    assert info["count"] == len(expected) == len(rows)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for _, _, d in rows)
    assert {t for _, t, _ in rows} == {d["title"] for d in expected}


def test_miit_work_news_links_the_samr_joint_notice(replica):
    rows, _ = unit_rows(replica.miit, MIIT, MIIT.column("/jgsj/jns/gzdt/"))
    joint = docs_at(0)["samr-joint-enforcement-2026"]
    assert f"https://www.samr.gov.cn{joint['paths'][0]}" in [h for h, _, _ in rows]


# --- search -----------------------------------------------------------------------------------


def test_search_api_shape_and_matching(replica):
    replica.set_state(2)
    query = urllib.parse.urlencode({"websiteid": "110000000000000", "scope": "basic", "q": "废旧动力 企业名单",
                                    "pg": 5, "p": 1, "cateid": 57, "pos": "title_text,infocontent"})
    first = fetch(f"{replica.miit}{SEARCH_PATH}?{query}").json()
    assert first["success"] is True and first["code"] == 200
    result = first["data"]["searchResult"]
    hits = [r.get("data") or r["groupData"][0]["data"] for r in result["dataResults"]]
    assert len(hits) == 5 and result["totalHits"] > 5
    assert any("groupData" in r for r in result["dataResults"]) and any("data" in r for r in result["dataResults"])
    deploy = [h["deploytime"] for h in hits]
    assert all(isinstance(d, str) and d.isdigit() and len(d) == 13 for d in deploy)
    assert deploy == sorted(deploy, key=int, reverse=True)
    published = {d["paths"][0]: d["published"] for d in timeline.documents(2)}
    for hit in hits:
        beijing = datetime.fromtimestamp(int(hit["deploytime"]) / 1000, timezone(timedelta(hours=8)))
        assert beijing.strftime("%Y-%m-%d %H:%M") == published[hit["url"]]
        assert hit["url"].startswith("/") and "art_" in hit["url"]
        extends = json.loads(hit["infoextends"])
        fields = {f["fieldName"]: f["fieldValue"] for f in json.loads(extends["infoContent"])}
        text = hit["title_text"] + re.sub(r"<[^>]+>", "", fields["content"])
        assert "废旧动力" in text and "企业名单" in text
    second = fetch(f"{replica.miit}{SEARCH_PATH}?{query.replace('p=1', 'p=2')}").json()
    second_hits = [r.get("data") or r["groupData"][0]["data"] for r in second["data"]["searchResult"]["dataResults"]]
    assert not {h["url"] for h in hits} & {h["url"] for h in second_hits}
    nothing = fetch(f"{replica.miit}{SEARCH_PATH}?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D").json()
    assert nothing["data"]["searchResult"]["totalHits"] == 0


def test_search_sees_only_the_current_state(replica):
    url = f"{replica.miit}{SEARCH_PATH}?" + urllib.parse.urlencode({"q": "第六批 废旧动力电池", "pg": 20, "p": 1})
    assert fetch(url).json()["data"]["searchResult"]["totalHits"] == 0
    replica.set_state(1)
    urls = [r.get("data", {}).get("url") or r["groupData"][0]["data"]["url"]
            for r in fetch(url).json()["data"]["searchResult"]["dataResults"]]
    assert urls == [docs_at(1)["batch6-gongshi"]["paths"][0]]


# --- articles ---------------------------------------------------------------------------------


def _meta(tree, name: str) -> str:
    return tree.cssselect(f'meta[name="{name}"]')[0].get("content")


@pytest.mark.parametrize("key", sorted(docs_at(5)))
def test_article_selectors_and_meta(replica, key):
    replica.set_state(5)
    doc = docs_at(5)[key]
    site = SITES[doc["site"]]
    base = replica.miit if site.key == "miit" else replica.samr
    bodies = set()
    for path, column in zip(doc["paths"], doc["columns"], strict=True):
        page = fetch(base + path)
        assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
        tree = page.html()
        assert _meta(tree, "ArticleTitle") == doc["title"]
        assert _meta(tree, "PubDate") == doc["pubdate_meta"]
        assert _meta(tree, "ColumnName") == site.column(column).name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", _meta(tree, "MakeTime"))
        if site.key == "miit":
            assert tree.cssselect("h1#con_title")[0].text == doc["title"]
            assert tree.cssselect(".cinfo > span#con_time")[0].text == f"发布时间：{doc['published']}"
            assert tree.cssselect(".cinfo > span")[1].text == f"来源：{_meta(tree, 'ContentSource')}"
            assert _meta(tree, "SiteIDCode") == "bm07000001" and _meta(tree, "Url") == path
            body = tree.cssselect("div#con_con.ccontent")[0]
            assert "网站标识码bm07000001" in page.text and "浏览次数：" in page.text and "打印本页" in page.text
        else:
            assert tree.cssselect("div.Three_xilan_01 h1")[0].text == doc["title"]
            assert _meta(tree, "ColId") == site.column(column).page_id
            body = tree.cssselect("div.Three_xilan_07")[0]
            assert body.getnext().get("class") == "dw"
        links = [a.get("href") for a in body.cssselect("a")]
        assert links == [a["url_path"] for a in doc["attachments"]]
        if doc["doc_number"] and doc["category"] != "irrelevant":
            assert doc["doc_number"].split("公告")[-1] in body.text_content()
        bodies.add(lxml.html.tostring(body))
    assert len(bodies) == 1, "the same article under two columns has one body"


def test_pub_date_differs_from_con_time_by_a_day(replica):
    batch5 = docs_at(0)["batch5-gonggao"]
    assert batch5["pubdate_meta"][:10] != batch5["published"][:10]
    tree = fetch(replica.miit + batch5["paths"][0]).html()
    assert _meta(tree, "PubDate") == "2024-01-18 09:12"
    assert tree.cssselect("#con_time")[0].text == "发布时间：2024-01-17 16:30"


def test_wap_host_and_https_identity_serve_the_same_page(replica):
    batch2 = docs_at(0)["batch2-gonggao"]
    www = fetch(replica.miit + batch2["paths"][0]).html().cssselect("#con_con")[0]
    wap = fetch(replica.miit + batch2["paths"][0], {"Host": "wap.miit.gov.cn"}).html().cssselect("#con_con")[0]
    assert lxml.html.tostring(www) == lxml.html.tostring(wap)


def test_unpublished_or_misplaced_articles_are_404(replica):
    later = docs_at(2)["batch6-gonggao"]
    assert fetch(replica.miit + later["paths"][0]).status == 404
    assert fetch(replica.miit + later["attachments"][0]["url_path"]).status == 404
    batch1 = docs_at(0)["batch1-gonggao"]
    assert fetch(replica.miit + batch1["paths"][0].replace("/jgsj/jns/wjfb/", "/xwfb/bldhd/")).status == 404
    assert fetch(replica.samr + batch1["paths"][0]).status == 404, "a MIIT article is not on SAMR"
    assert fetch(replica.miit + "/robots.txt").status == 403
    assert "Allow: /" in fetch(replica.samr + "/robots.txt").text


# --- attachments ------------------------------------------------------------------------------

LIST_KEYS = ["batch1-gonggao", "batch2-gonggao", "batch3-gonggao", "batch4-gongshi", "batch4-gonggao",
             "batch5-gonggao", "batch6-gongshi", "batch6-gonggao"]


@pytest.mark.parametrize("key", LIST_KEYS)
def test_list_attachments_hold_the_declared_entries(replica, key):
    replica.set_state(2)
    doc = docs_at(2)[key]
    answer = attachment(replica, doc)
    assert answer.status == 200 and "ETag" in answer.headers and "Last-Modified" in answer.headers
    entries, facts = list_from_attachment(answer.body, doc["attachments"][0]["ext"])
    assert entries == doc["entries"]
    if key == "batch1-gonggao":
        assert {e["type"] for e in entries} == {"unspecified"}
    if key == "batch5-gonggao":
        assert facts["pages"] >= 2 and facts["none_cells"] > 0, "split over pages, with spanned cells"
    if key == "batch4-gonggao":
        assert facts["merged"], "province cells are merged"
    if key == "batch3-gonggao":
        assert facts["merged"] == ["A1:D1"]


def test_batch6_final_list_holds_exactly_the_declared_enterprises(replica):
    replica.set_state(2)
    doc = docs_at(2)["batch6-gonggao"]
    assert doc["attachments"][0]["ext"] == "xlsx"  # opened with openpyxl, as the issue asks
    names = {e["enterprise"] for e in list_from_attachment(attachment(replica, doc).body, "xlsx")[0]}
    proposed = {e["enterprise"] for e in docs_at(2)["batch6-gongshi"]["entries"]}
    assert names == {e["enterprise"] for e in doc["entries"]} and len(names) == len(proposed) - 1
    assert timeline.BATCH6_DROPPED not in names and timeline.BATCH6_DROPPED in proposed
    assert timeline.BATCH6_CORRECTION["new_name"] in names and timeline.BATCH6_CORRECTION["old_name"] in proposed
    assert timeline.BATCH6_CORRECTION["old_name"] not in names


def _docx_lines(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs if p.text.strip()]


def test_criteria_draft_changes_exactly_two_clauses(replica):
    replica.set_state(3)
    docs = docs_at(3)
    final = split_clauses(_docx_lines(attachment(replica, docs["criteria-2024"]).body))
    draft = split_clauses(_docx_lines(attachment(replica, docs["criteria-2026-draft"]).body))
    assert [c.path for c in final] == [c.path for c in draft]
    changed = [(old, new) for old, new in zip(final, draft, strict=True) if old.text != new.text]
    declared = timeline.expected_changes(3)[-1]["clauses"]
    assert [list(old.path) for old, _ in changed] == [c["path"] for c in declared]
    for (old, new), clause in zip(changed, declared, strict=True):
        assert clause["old_value"] in old.text and clause["new_value"] in new.text
        assert old.label == clause["clause"]


def test_criteria_pdf_extracts_chinese_text(replica):
    doc = docs_at(0)["criteria-2024"]
    assert [a["ext"] for a in doc["attachments"]] == ["docx", "pdf"]
    pdf = pdfplumber.open(io.BytesIO(attachment(replica, doc, 1).body))
    text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）" in text
    assert "杂质铝含量低于1.5%" in text and "工艺废水循环利用率应达90%以上" in text


def test_samr_attachment_folder_is_not_zero_padded(replica):
    replica.set_state(5)
    doc = docs_at(5)["samr-penalty-schedule"]
    path = doc["attachments"][0]["url_path"]
    assert re.fullmatch(r"/cms_files/filemanager/1647978232/attach/202611/[0-9a-f]{32}\.pdf", path)
    batch1 = docs_at(0)["batch1-gonggao"]["attachments"][0]["url_path"]
    assert "/attach/20189/" in batch1
    table = pdfplumber.open(io.BytesIO(attachment(replica, doc).body)).pages[0].extract_tables()[0]
    assert table[0] == ["序号", "违法行为", "法律依据", "裁量阶次", "处罚标准"] and len(table) == 8


# --- conditional requests ---------------------------------------------------------------------


def test_conditional_requests_get_304(replica):
    doc = docs_at(0)["batch5-gonggao"]
    url = replica.miit + doc["paths"][0]
    first, second = fetch(url), fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert second.headers["ETag"] == etag and first.body != second.body, "the counter moves, the ETag does not"
    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-Modified-Since": modified}).status == 304
    assert fetch(url, {"If-None-Match": '"other"'}).status == 200
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"}).status == 200
    att_url = replica.miit + doc["attachments"][0]["url_path"]
    att = fetch(att_url)
    assert fetch(att_url, {"If-None-Match": att.headers["ETag"]}).status == 304
    assert fetch(att_url, {"If-Modified-Since": att.headers["Last-Modified"]}).status == 304
    log = replica.requests()
    assert any(e["if_none_match"] and e["status"] == 304 for e in log)
    assert any(e["if_modified_since"] and e["status"] == 304 for e in log)
    replica.set_state(5)  # chrome changes and the PDF is re-exported
    assert fetch(url, {"If-None-Match": etag}).status == 200
    assert fetch(att_url, {"If-None-Match": att.headers["ETag"]}).status == 200


# --- the timeline -----------------------------------------------------------------------------


@pytest.mark.parametrize("state", range(timeline.MAX_STATE + 1))
def test_each_state_serves_exactly_its_documents(replica, state):
    replica.set_state(state)
    visible = timeline.documents(state)
    assert {d["key"] for d in visible} == {k for k, d in docs_at(5).items() if d["state"] <= state}
    for doc in visible:
        base = replica.miit if doc["site"] == "miit" else replica.samr
        assert fetch(base + doc["paths"][0]).status == 200
    if state < timeline.MAX_STATE:
        for key in timeline.STATE_DOCUMENTS[state + 1]:
            later = docs_at(5)[key]
            base = replica.miit if later["site"] == "miit" else replica.samr
            assert fetch(base + later["paths"][0]).status == 404
    by_art = {d["art_id"]: d for d in visible}
    for change in timeline.expected_changes(state):
        if change["kind"] == "document.new":
            assert by_art[change["art_id"]]["state"] == state and change["category"] != "irrelevant"


def test_expected_changes_per_state():
    kinds = {s: [c["kind"] for c in timeline.expected_changes(s)] for s in range(6)}
    assert kinds[0] == []
    assert kinds[1] == ["document.new", "list.proposed"]
    assert sorted(set(kinds[2])) == ["document.new", "list.entry_added", "list.entry_changed", "list.entry_removed"]
    assert kinds[2].count("list.entry_added") == 10
    assert kinds[3] == ["document.new", "criteria.changed"]
    assert kinds[4] == ["document.new", "document.new", "list.entry_removed", "list.entry_removed"]
    assert kinds[5] == ["document.new"]
    categories = [c["category"] for s in range(1, 6) for c in timeline.expected_changes(s) if "category" in c]
    assert categories == ["whitelist", "whitelist", "criteria", "inspection", "whitelist", "penalty"]
    proposed = timeline.expected_changes(1)[1]
    assert len(proposed["enterprises"]) == 12 and proposed["deadline"] == "2026-10-22"
    removed = [c for c in timeline.expected_changes(4) if c["kind"] == "list.entry_removed"]
    assert all(c["reason"] for c in removed) and {c["batch"] for c in removed} == {2, 5}
    with pytest.raises(ValueError):
        timeline.expected_changes(6)


def test_current_list_follows_the_timeline():
    counts = [len(timeline.current_list(s)) for s in range(6)]
    assert counts == [156, 156, 167, 167, 165, 165]
    revoked = {r["enterprise"] for r in timeline.REVOCATIONS}
    assert revoked <= {e["enterprise"] for e in timeline.current_list(3)}
    assert not revoked & {e["enterprise"] for e in timeline.current_list(4)}
    assert {e["type"] for e in timeline.current_list(0) if e["batch"] == 1} == {"unspecified"}
    real = {e["enterprise"] for e in timeline.current_list(5) if "示例" not in e["enterprise"]}
    assert len(real) == 5 + 23 and not revoked & real, "only synthetic enterprises are ever revoked"


def test_lookalikes_and_headline_conflicts_are_declared():
    docs = docs_at(5)
    lookalikes = [d for d in docs.values() if "企业名单（第" in d["title"] and d["category"] == "irrelevant"]
    assert all(any(w in d["title"] for w in ("锂离子电池", "铅蓄电池", "试点")) for d in lookalikes)
    assert len(lookalikes) == 3 and all(d["entries"] == [] for d in lookalikes)
    assert "公示" in docs["batch3-gonggao"]["title"] and docs["batch3-gonggao"]["stage"] == "公告"
    assert "公布" in docs["batch4-gongshi"]["title"] and docs["batch4-gongshi"]["stage"] == "公示"


def test_state_five_is_only_noise_outside_the_penalty_schedule(replica):
    replica.set_state(4)
    batch5 = docs_at(4)["batch5-gonggao"]
    page4 = fetch(replica.miit + batch5["paths"][0])
    pdf4 = attachment(replica, batch5).body
    replica.set_state(5)
    page5 = fetch(replica.miit + batch5["paths"][0])
    pdf5 = attachment(replica, batch5).body
    body = [lxml.html.tostring(p.html().cssselect("#con_con")[0]) for p in (page4, page5)]
    assert body[0] == body[1]
    assert page4.html().cssselect(".footer")[0].text_content() != page5.html().cssselect(".footer")[0].text_content()
    assert pdf4 != pdf5
    texts = [[pg.extract_text() for pg in pdfplumber.open(io.BytesIO(b)).pages] for b in (pdf4, pdf5)]
    assert texts[0] == texts[1]
    assert [n["what"] for n in timeline.noise(5)] == ["page chrome", "attachment re-exported"]


# --- faults -----------------------------------------------------------------------------------


def test_ua_check(replica):
    url = replica.miit + "/jgsj/jns/wjfb/index.html"
    column = MIIT.column("/jgsj/jns/wjfb/")
    replica.set_fault("ua_check")
    assert fetch(url, ua="python-requests/2.32").status == 403
    assert fetch(url, ua=None).status == 403
    assert fetch(url).status == 200
    assert fetch(unit_url(replica.miit, MIIT, column.page_id)).status == 403, "no Referer"
    assert fetch(unit_url(replica.miit, MIIT, column.page_id), {"Referer": url}).status == 200
    replica.set_fault("ua_check", on=False)
    assert fetch(url, ua="python-requests/2.32").status == 200


def test_jsl521_challenge(replica):
    url = replica.miit + "/zwgk/wjgs/index.html"
    replica.set_fault("jsl521", paths="/zwgk/")
    answer = fetch(url)
    assert answer.status == 521 and "document.cookie=" in answer.text and "__jsl_clearance_s" in answer.text
    assert "__jsluid_s=" in answer.headers["Set-Cookie"]
    assert fetch(replica.miit + "/jgsj/jns/wjfb/index.html").status == 200, "only the matching paths"
    replica.set_fault("jsl521", on=False)
    assert fetch(url).status == 200


def test_ruishu412_challenge(replica):
    replica.set_fault("ruishu412", host="samr")
    answer = fetch(replica.samr + "/zw/zjwj/index.html")
    assert answer.status == 412 and "$_ts" in answer.text
    assert fetch(replica.miit + "/jgsj/jns/wjfb/index.html").status == 200, "only the samr host"
    replica.clear_faults()
    assert fetch(replica.samr + "/zw/zjwj/index.html").status == 200


def test_error5xx_burst_then_normal(replica):
    url = replica.miit + "/jgsj/jns/gzdt/index.html"
    replica.set_fault("error5xx", count=2, status=502)
    assert [fetch(url).status for _ in range(3)] == [502, 502, 200]
    assert replica.stats()["faults"] == {}
    replica.set_fault("error5xx")
    assert [fetch(url).status for _ in range(4)] == [503, 503, 503, 200]


def test_slow_delays_only_matching_paths(replica):
    replica.set_fault("slow", delay=0.4, paths="*/gzdt/index.html")
    started = time.monotonic()
    assert fetch(replica.miit + "/jgsj/jns/gzdt/index.html").status == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    fetch(replica.miit + "/jgsj/jns/wjfb/index.html")
    assert time.monotonic() - started < 0.4
    replica.set_fault("slow", on=False)
    started = time.monotonic()
    fetch(replica.miit + "/jgsj/jns/gzdt/index.html")
    assert time.monotonic() - started < 0.4


def test_truncate_transport_and_content(replica):
    doc = docs_at(0)["batch3-gonggao"]
    path = doc["attachments"][0]["url_path"]
    full = fetch(replica.miit + path).body
    replica.set_fault("truncate", paths=path)
    host, port = urllib.parse.urlsplit(replica.miit).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path, headers={"User-Agent": BROWSER})
    response = conn.getresponse()
    assert int(response.headers["Content-Length"]) == len(full)
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    conn.close()
    replica.set_fault("truncate", mode="content", paths=path)
    cut = fetch(replica.miit + path)
    assert cut.status == 200 and int(cut.headers["Content-Length"]) == len(cut.body) == len(full) // 2
    with pytest.raises(Exception):  # noqa: B017 - any parser error: the file is garbage
        openpyxl.load_workbook(io.BytesIO(cut.body))
    replica.set_fault("truncate", on=False)
    assert fetch(replica.miit + path).body == full


def test_gbk_page_with_utf8_header(replica):
    doc = docs_at(0)["batch1-gonggao"]
    replica.set_fault("gbk")
    answer = fetch(replica.miit + doc["paths"][0])
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    text = answer.body.decode("gbk")
    assert "charset=gbk" in text and doc["title"] in text
    assert fetch(replica.miit + "/jgsj/jns/wjfb/index.html").text, "shells stay UTF-8"
    replica.set_fault("gbk", on=False)
    assert doc["title"] in fetch(replica.miit + doc["paths"][0]).text


def test_redesign_breaks_selectors_but_not_status(replica):
    doc = docs_at(0)["batch1-gonggao"]
    column = MIIT.column("/jgsj/jns/wjfb/")
    replica.set_fault("redesign")
    page = fetch(replica.miit + doc["paths"][0])
    assert page.status == 200 and not page.html().cssselect("#con_title, #con_time, #con_con")
    assert doc["title"] in page.text
    html = fetch(unit_url(replica.miit, MIIT, column.page_id)).json()["data"]["html"]
    assert "li class=\"cf\"" not in html and "count=" not in html and doc["title"] in html
    samr_doc = docs_at(0)["samr-certification-2023"]
    assert not fetch(replica.samr + samr_doc["paths"][0]).html().cssselect("div.Three_xilan_07")
    replica.set_fault("redesign", on=False)
    assert fetch(replica.miit + doc["paths"][0]).html().cssselect("#con_con")


def test_not_found_and_gone(replica):
    doc = docs_at(0)["batch2-gonggao"]
    url = replica.miit + doc["paths"][0]
    replica.set_fault("not_found", paths=doc["art_id"])
    assert fetch(url).status == 404
    replica.set_fault("not_found", paths=doc["art_id"], gone=True)
    assert fetch(url).status == 410
    assert fetch(replica.miit + doc["paths"][1]).status == 410, "both column paths of the article"
    replica.set_fault("not_found", on=False)
    assert fetch(url).status == 200


def test_unknown_fault_or_option_is_refused(replica):
    with pytest.raises(ReplicaError, match="known"):
        replica.set_fault("meltdown")
    with pytest.raises(ReplicaError, match="allowed"):
        replica.set_fault("slow", seconds=3)
    with pytest.raises(ReplicaError, match="host"):
        replica.set_fault("slow", host="gov.cn")
    with pytest.raises(ReplicaError):
        replica.set_state(9)


# --- admin ------------------------------------------------------------------------------------


def test_admin_counts_log_and_reset(replica):
    column = MIIT.column("/jgsj/jns/wjfb/")
    fetch(replica.miit + "/jgsj/jns/wjfb/index.html")
    fetch(unit_url(replica.miit, MIIT, column.page_id), {"Referer": replica.miit + "/jgsj/jns/wjfb/index.html"})
    fetch(replica.samr + "/xw/zj/index.html", ua="custom-agent")
    stats = replica.stats()
    assert stats["requests"]["miit"] == {"/jgsj/jns/wjfb/index.html": 1, BUILD_UNIT_PATH: 1}
    assert stats["requests"]["samr"] == {"/xw/zj/index.html": 1} and stats["total_requests"] == 3
    log = replica.requests()
    assert [e["status"] for e in log] == [200, 200, 200]
    assert log[1]["referer"].endswith("/jgsj/jns/wjfb/index.html") and "pageId=" in log[1]["path"]
    assert log[2]["user_agent"] == "custom-agent" and log[2]["site"] == "samr"
    samr_status = json.loads(fetch(replica.samr + "/__admin/status").body)
    assert samr_status["site"] == "samr" and samr_status["total_requests"] == 3, "one state for both sites"
    replica.clear_requests()
    assert replica.requests() == [] and replica.stats()["total_requests"] == 0
    replica.set_state(3)
    replica.set_fault("slow", delay=0.1)
    replica.reset()
    assert replica.stats() == {"site": "miit", "state": 0, "scale": 0, "faults": {},
                               "requests": {"miit": {}, "samr": {}, "province": {}}, "total_requests": 0}


def test_loopback_check():
    from replica.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.4.5.6")
    assert not is_loopback("192.168.1.10") and not is_loopback("10.0.0.1")
