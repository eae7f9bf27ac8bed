"""Names as the regulator published them: a full-width-bracket name read from a real XLSX
attachment, through the crawl's own assemble and ingest, comes out unchanged in `list`,
`export` and the alert, with its normalised key kept beside it for matching."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crawler.assemble import assemble
from crawler.extract.article import extract_article
from crawler.items import AttachmentItem, DocumentItem
from crawler.sources import load_sources
from diff.names import normalize_name
from notifier.render import Rendering
from regwatch.cli import cli
from replica.files import xlsx_table
from storage.blobs import BlobStore
from storage.db import open_db
from storage.ingest import IngestSettings, ingest

NAME = "骆驼集团资源循环（襄阳）有限公司"
ART = "0123456789abcdef0123456789abcdef"
CRITERIA = "《新能源汽车废旧动力电池综合利用行业规范条件》"
PAGE = f"""<html><head><meta charset="utf-8"></head><body>
<h1 id="con_title">符合{CRITERIA}企业名单（第七批）</h1>
<div id="con_time">2026-11-20 10:00</div>
<div id="con_con"><p>根据{CRITERIA}，经企业申报、省级工业和信息化主管部门推荐、专家审核和网上公示，
现将符合规范条件的企业名单（第七批）予以公告。</p>
<p>附件：<a href="/cms_files/filemanager/attach/202611/list7.xlsx">企业名单（第七批）.xlsx</a></p>
<p>工业和信息化部</p><p>2026年11月18日</p></div></body></html>"""


def store_the_list(database: str, tmp_path) -> None:
    source = load_sources()["miit"]
    url = f"{source.base_url}/zwgk/zcwj/wjfb/gg/art/2026/art_{ART}.html"
    body = PAGE.encode("utf-8")
    item = DocumentItem(source_id="miit", doc_key=f"art_{ART}", art_id=ART, url=url, public_url=url,
                        outcome="ok", http_status=200, body=body)
    item.article = extract_article(body, url, source.article, encoding="utf-8")
    table = xlsx_table("附件：企业名单（第七批）", ("序号", "省份", "企业名称", "类型"),
                       [["1", "湖北省", NAME, "再生利用"], ["2", "湖南省", "示例循环科技有限公司", "梯次利用"]],
                       "2026-11-20 10:00")
    attachment_url = f"{source.base_url}/cms_files/filemanager/attach/202611/list7.xlsx"
    item.attachments = [AttachmentItem(url=attachment_url, public_url=attachment_url, name="企业名单（第七批）.xlsx",
                                       body=table, http_status=200)]
    doc, problems = assemble(item, source, BlobStore(tmp_path / "blobs"))
    assert problems == [] and doc.entries, problems
    db = open_db(database)
    try:
        ingest(db, doc, IngestSettings())
    finally:
        db.close()


def test_a_full_width_name_round_trips_verbatim(tmp_path):
    database = str(tmp_path / "regwatch.db")
    store_the_list(database, tmp_path)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", database, "list", "--as-of", "2026-12-01", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    row = next(r for r in json.loads(listed.output) if r["province"] == "湖北省")
    assert row["enterprise"] == NAME
    assert row["normalized_name"] == normalize_name(NAME) != NAME, "the matching key is kept beside it"

    exported = runner.invoke(cli, ["--db", database, "export", "--what", "list", "--format", "csv"])
    assert exported.exit_code == 0 and NAME in exported.output, exported.output

    db = open_db(database)
    try:
        payloads = [json.loads(r[0]) for r in db.execute(
            "select o.payload from outbox o join changes c on c.id = o.change_id "
            "where c.kind = 'list.entry_added'")]
    finally:
        db.close()
    alert = next(p for p in payloads if NAME in json.dumps(p, ensure_ascii=False))
    assert NAME in Rendering.for_change(alert).text

    verified = runner.invoke(cli, ["--db", database, "verify", "骆驼集团资源循环(襄阳)有限公司", "--as-of",
                                   "2026-12-01", "--format", "json"])
    [answer] = json.loads(verified.output)
    assert (answer["status"], answer["matched_name"]) == ("listed", NAME), "matched by key, shown verbatim"
