"""The analysts' commands over a database crawled from the replica (state 0, then state 5)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli

CRITERIA = Path(__file__).resolve().parent / "fixtures" / "criteria"


def run(crawled, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_changes_in_every_format(crawled):
    rows = json.loads(run(crawled, "changes", "--format", "json"))
    kinds = {r["kind"] for r in rows}
    assert {"list.proposed", "list.entry_removed", "criteria.changed", "document.new"} <= kinds
    removed = json.loads(run(crawled, "changes", "--kind", "list.entry_removed", "--format", "json"))
    assert removed and all(r["kind"] == "list.entry_removed" for r in removed)
    prefixed = json.loads(run(crawled, "changes", "--kind", "list.*", "--format", "json"))
    assert {r["kind"] for r in prefixed} <= {"list.proposed", "list.entry_added", "list.entry_removed",
                                             "list.entry_changed"}
    table = run(crawled, "changes", "--source", "samr")
    assert "document.new" in table and "list.proposed" not in table
    parsed = list(csv.DictReader(io.StringIO(run(crawled, "changes", "--format", "csv").lstrip("\ufeff"))))
    assert len(parsed) == len(rows) and "kind" in parsed[0]
    assert json.loads(run(crawled, "changes", "--since", "2999-01-01", "--format", "json")) == []


@pytest.mark.parametrize(("query", "title_part"), [
    ("梯次利用产品认证", "梯次利用产品认证"),
    ("行政处罚裁量基准", "裁量基准"),
    ("名单", "企业名单"),
    ("动力电池", "动力电池"),
], ids=["phrase", "penalty", "two-char-word", "inner-word"])
def test_chinese_search(crawled, query, title_part):
    rows = json.loads(run(crawled, "search", query, "--format", "json"))
    assert any(title_part in r["title"] for r in rows)


def test_list_on_a_date_and_formats(crawled):
    today = json.loads(run(crawled, "list", "--format", "json"))
    assert len(today) == 165
    in_2019 = json.loads(run(crawled, "list", "--as-of", "2019-01-01", "--format", "json"))
    assert {r["enterprise"] for r in in_2019} == {"衢州华友钴新材料有限公司", "赣州市豪鹏科技有限公司",
                                                 "荆门市格林美新材料有限公司", "湖南邦普循环科技有限公司",
                                                 "广东光华科技股份有限公司"}
    regen = json.loads(run(crawled, "list", "--type", "再生利用", "--format", "json"))
    assert regen and all("再生利用" in r["type"] for r in regen)
    out = crawled.workdir / "list.xlsx"
    run(crawled, "list", "--format", "xlsx", "-o", str(out))
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet.max_row == 166 and sheet.cell(1, 1).value == "enterprise"
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, "list", "--as-of", "2026-13-45"])
    assert result.exit_code == 2


def test_verify_suppliers(crawled, tmp_path):
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("供应商名称,备注\n湖南邦普循环科技有限公司,\n衢州华友钴新材料有限公司 ,全角空格\n", "utf-8")
    rows = json.loads(run(crawled, "verify", str(suppliers), "西宁示例拓源循环科技有限公司",
                          "宜宾示例晟达电源科技有限责任公司", "邦普循环", "某某不存在的公司", "--format", "json"))
    status = {r["supplier"]: r for r in rows}
    assert status["湖南邦普循环科技有限公司"]["status"] == "listed"
    assert status["湖南邦普循环科技有限公司"]["doc_number"] == "工业和信息化部公告2018年第40号"
    assert status["湖南邦普循环科技有限公司"]["evidence_sha256"]
    assert status["衢州华友钴新材料有限公司"]["status"] == "listed"
    revoked = status["西宁示例拓源循环科技有限公司"]
    assert revoked["status"] == "revoked" and revoked["removed_on"] and revoked["removed_url"]
    assert revoked["url"] == revoked["removed_url"] != revoked["listed_url"], "the revocation, not the 2020 listing"
    dropped = status["宜宾示例晟达电源科技有限责任公司"]
    assert dropped["status"] == "dropped", "in the batch-6 公示, not in its 公告"
    assert dropped["removed_by"] and dropped["removed_on"] and "公示" in dropped["reason"]
    assert status["邦普循环"]["status"] == "probable" and status["邦普循环"]["reason"]
    assert status["邦普循环"]["matched_name"] == "湖南邦普循环科技有限公司"
    assert status["某某不存在的公司"]["status"] == "not_found"


def test_verify_ambiguous_short_names_and_site_suffixes(crawled):
    rows = json.loads(run(crawled, "verify", "华友", "广东光华科技股份有限公司（汕头）",
                          "贵阳示例新程资源循环利用有线公司", "--format", "json"))
    huayou, site, renamed = rows
    assert huayou["status"] == "probable"
    assert "江苏华友能源" in huayou["candidates"] and "衢州华友钴新材料有限公司" in huayou["candidates"]
    assert "2" in huayou["reason"] and "confirm" in huayou["reason"]
    assert site["status"] == "listed" and site["matched_name"] == "广东光华科技股份有限公司"
    assert "汕头" in site["reason"]
    assert renamed["status"] == "listed" and renamed["matched_name"] == "贵阳示例新程资源循环利用有限公司"
    assert renamed["how"] == "renamed"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "json", "table"])
def test_verify_output_keeps_every_field(crawled, fmt, tmp_path):
    from regwatch.verify import FIELDS

    out = tmp_path / f"verify.{fmt}"
    run(crawled, "verify", "西宁示例拓源循环科技有限公司", "Hunan Brunp Recycling Technology", "--format", fmt,
        "-o", str(out))
    checked = json.loads(run(crawled, "verify", "西宁示例拓源循环科技有限公司", "--format", "json"))
    revocation = checked[0]["removed_url"]
    if fmt == "csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: Excel on a Chinese Windows reads UTF-8
        rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
        assert tuple(rows[0]) == FIELDS
        assert rows[0]["removed_url"] == revocation and rows[0]["how"] == "exact" and rows[0]["removed_by"]
        assert rows[1]["status"] == "probable" and "brand" in rows[1]["reason"]
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out).active
        assert tuple(c.value for c in sheet[1]) == FIELDS and sheet.max_row == 3
    elif fmt == "html":
        page = out.read_text("utf-8")
        assert all(f"<th>{f}</th>" in page for f in FIELDS) and revocation in page
    elif fmt == "json":
        assert set(json.loads(out.read_text("utf-8"))[0]) == set(FIELDS)
    else:
        table = out.read_text("utf-8")
        assert "revoked" in table and revocation[:40] in table


@pytest.mark.integration  # crawls the replica
def test_verify_a_proposed_enterprise(replica, tmp_path):
    from tests.conftest import Watcher

    watcher = Watcher(replica, tmp_path)
    replica.set_state(1)
    watcher.crawl()
    result = CliRunner().invoke(cli, ["--db", watcher.config.database, "verify", "吉林示例华循电源科技有限公司",
                                      "--format", "json"])
    assert json.loads(result.output)[0]["status"] == "proposed"


def test_exports(crawled):
    atom = run(crawled, "export", "--what", "changes", "--format", "atom")
    root = ET.fromstring(atom.encode())
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and entries[0].find("{http://www.w3.org/2005/Atom}title").text
    docs = json.loads(run(crawled, "export", "--what", "documents", "--format", "json"))
    assert any(d["category"] == "penalty" for d in docs)
    listing = list(csv.DictReader(io.StringIO(run(crawled, "export", "--what", "list", "--format", "csv"))))
    assert len(listing) == 165


def test_diff_of_the_real_criteria_pair_reports_the_changed_thresholds():
    old = CRITERIA / "criteria_2024_regen_clause_DRAFT_20240814_simplified.txt"
    new = CRITERIA / "criteria_2024_regen_clause_FINAL_20241224_simplified.txt"
    text = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert text.exit_code == 0, text.output
    assert "1.5%" in text.output
    data = json.loads(CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"]).output)
    dumped = json.dumps(data, ensure_ascii=False)
    assert '["1%", "1.5%"]' in dumped and "97%" in dumped and "电极粉料" in dumped
    assert '"90%", ' not in dumped, "锂 90% is unchanged"
    html = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "html"]).output
    assert "<ins" in html and "<del" in html


def test_diff_of_stored_documents(crawled):
    from storage.db import open_db

    db = open_db(crawled.config.database)
    final = next(db.query("select id from documents where doc_number = '工业和信息化部公告2024年第42号'"))["id"]
    draft = next(db.query("select id from documents where title like '%2026年修订征求意见稿%'"))["id"]
    db.close()
    out = run(crawled, "diff", f"doc:{final}", f"doc:{draft}", "--format", "json")
    assert "95%" in out and "1.5%" in out
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, "diff", "doc:99999", f"doc:{draft}"])
    assert result.exit_code == 1 and "no stored document" in result.output


def test_sources_show_health(crawled):
    rows = json.loads(run(crawled, "sources", "--format", "json"))
    assert {r["id"]: r["health"] for r in rows} == {"miit": "ok", "samr": "ok"}


def test_watch_import_list_confirm_remove(crawled, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Supplier ID", "企业名称", "English name", "Contract", "Owner email"])
    book.active.append(["V-1", "湖南邦普循环科技有限公司", "", "C-1", "a@example.com"])
    book.active.append(["V-2", "", "Hunan Brunp Recycling Technology", "C-2", "b@example.com"])
    book.active.append(["V-3", "华友", "", "C-3", ""])
    book.active.append(["V-4", "某某不存在的公司", "", "", ""])
    path = tmp_path / "suppliers.xlsx"
    book.save(path)
    out = run(crawled, "watch", "import", str(path))
    assert "watching 4 supplier(s)" in out and "2 probable" in out
    rows = {r["supplier_id"]: r for r in json.loads(run(crawled, "watch", "list", "--format", "json"))}
    assert rows["V-1"]["resolution"] == "resolved" and rows["V-1"]["status"] == "listed"
    assert rows["V-2"]["resolution"] == "probable" and "brand" in rows["V-2"]["reason"]
    assert rows["V-2"]["contract_ref"] == "C-2" and rows["V-2"]["owner_email"] == "b@example.com"
    assert rows["V-4"]["resolution"] == "unresolved"
    confirmed = run(crawled, "watch", "confirm", str(rows["V-2"]["id"]), "湖南邦普循环科技有限公司", "--by", "li.wei")
    assert "confirmed" in confirmed and "li.wei" in confirmed
    run(crawled, "watch", "confirm", str(rows["V-3"]["id"]), "--reject", "--by", "li.wei")
    again = {r["supplier_id"]: r for r in json.loads(run(crawled, "watch", "list", "--format", "json"))}
    assert again["V-2"]["resolution"] == "confirmed" and again["V-2"]["confirmed_by"] == "li.wei"
    assert again["V-2"]["confirmed_at"] and again["V-2"]["enterprise"] == "湖南邦普循环科技有限公司"
    assert again["V-3"]["resolution"] == "rejected" and again["V-3"]["confirmed_by"] == "li.wei"
    # importing the same file again updates by supplier id instead of duplicating
    run(crawled, "watch", "import", str(path))
    third = {r["supplier_id"]: r for r in json.loads(run(crawled, "watch", "list", "--format", "json"))}
    assert len(third) == 4 and third["V-2"]["resolution"] == "confirmed", "a decision outlives a re-import"
    assert "removed 4" in run(crawled, "watch", "remove", *(str(r["id"]) for r in again.values()))
    bad = CliRunner().invoke(cli, ["--db", crawled.config.database, "watch", "confirm", "999", "X"])
    assert bad.exit_code == 1 and "no watched supplier" in bad.output


def test_diff_reads_files_as_the_crawl_does(tmp_path):
    """Noise (a visit counter, 打印本页) is stripped before comparing, as for a crawled page, and a
    saved page is compared by its main text, not its chrome."""
    clause = "一、再生利用企业\n（一）电极粉料回收率不低于98%，杂质铝含量低于1.5%。\n"
    (tmp_path / "old.txt").write_text(clause + "浏览次数：12\n", "utf-8")
    (tmp_path / "new.html").write_text(
        "<html><body><div id='con_con'><p>一、再生利用企业</p><p>（一）电极粉料回收率不低于98%，杂质铝含量低于1%。</p>"
        "<p>浏览次数：3456 打印本页</p></div></body></html>", "utf-8")
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "old.txt"), str(tmp_path / "new.html"),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    dumped = json.dumps(json.loads(result.output), ensure_ascii=False)
    assert '["1%", "1.5%"]' in dumped or '["1.5%", "1%"]' in dumped
    assert "浏览次数" not in dumped and "打印本页" not in dumped
