"""Exports as people open them, the Atom feed, search that reads well, and the standalone diff page,
over a database crawled from the replica (state 0, then state 5)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from storage.export_files import safe_text
from storage.exports import clip_cell

ATOM = "{http://www.w3.org/2005/Atom}"


def run(crawled, *args: str) -> bytes:
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_atom_is_strict_xml_with_stable_ids_author_and_html_content(crawled):
    first, second = (run(crawled, "export", "--what", "changes", "--format", "atom") for _ in range(2))
    assert first == second, "an unchanged database gives the same feed"
    root = ET.fromstring(first)
    assert root.find(f"{ATOM}author/{ATOM}name").text == "regwatch"
    entries = root.findall(f"{ATOM}entry")
    assert entries and all(e.find(f"{ATOM}id").text.startswith("tag:regwatch,2026:change/") for e in entries)
    content = entries[0].find(f"{ATOM}content")
    assert content.get("type") == "html" and "<h2" in content.text and '{"' not in content.text
    only = ET.fromstring(run(crawled, "export", "--what", "changes", "--format", "atom", "--category", "penalty"))
    assert {c.get("term") for e in only.findall(f"{ATOM}entry") for c in e.findall(f"{ATOM}category")} >= {"penalty"}


def test_csv_has_a_bom_and_named_detail_columns(crawled):
    data = run(crawled, "export", "--what", "changes", "--format", "csv", "--kind", "list.entry_removed")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "企业 / Enterprise" in text.splitlines()[0] and '{"' not in text
    assert "西宁示例拓源循环科技有限公司" in text


def test_xlsx_has_typed_dates_a_bold_frozen_header_and_a_filter(crawled, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "list.xlsx"
    run(crawled, "export", "--what", "list", "--format", "xlsx", "--as-of", "2019-01-01", "-o", str(out))
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet.cell(1, 1).font.b and sheet.cell(1, 1).value == "企业名称 / Enterprise"
    assert sheet.max_row == 6
    assert isinstance(sheet.cell(2, 6).value, dt.datetime), "列入日期 is a date cell"
    assert sheet.cell(2, 10).hyperlink.target == sheet.cell(2, 10).value
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"], "no formula cells"


def test_json_and_jsonl_agree_and_filters_apply(crawled):
    rows = json.loads(run(crawled, "export", "--what", "changes", "--format", "json"))
    lines = run(crawled, "export", "--what", "changes", "--format", "jsonl").decode().splitlines()
    assert [json.loads(line) for line in lines] == rows
    assert json.loads(run(crawled, "export", "--what", "changes", "--format", "json", "--until", "2000-01-01")) == []
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, "export", "--what", "list", "--format",
                                      "csv", "--as-of", "soon"])
    assert result.exit_code == 1 and "--as-of must be a date" in result.output


def test_spreadsheet_strings_are_neutralised():
    assert safe_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert safe_text("+1") == "'+1" and safe_text("@cmd") == "'@cmd" and safe_text("\tx") == "'\tx"
    assert safe_text("a\x00b\x1bc") == "abc" and safe_text("正常文本") == "正常文本"


def test_table_never_cuts_a_name_in_the_middle():
    summary = "第6批公告名单列入：吉林示例华循电源科技有限公司（公示后确认）"
    clipped = clip_cell(summary, 40)
    assert clipped.endswith("…") and clipped.rstrip("…") in summary
    assert clipped.rstrip("…")[-1] in "：（）" or "吉林示例华循电源科技有限公司" in clipped


@pytest.mark.parametrize(("query", "expect"), [
    ("梯次利用 名单", "名单"),
    ('"湖南邦普循环科技有限公司"', "湖南邦普循环科技有限公司"),
    ("杂质铝含量", "杂质铝含量"),
])
def test_search_snippets_come_from_the_original_text(crawled, query, expect):
    rows = json.loads(run(crawled, "search", *query.split(), "--format", "json"))
    assert rows and all(f"[{expect}]" in r["snippet"] or expect not in r["snippet"] for r in rows)
    assert any(f"[{expect}]" in r["snippet"] for r in rows)
    assert all("]]" not in r["snippet"] and "[[" not in r["snippet"] for r in rows)


def test_a_malformed_query_gets_one_clear_line(crawled):
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, "search", '"unclosed'])
    assert result.exit_code == 1 and "unbalanced quote" in result.output
    result = CliRunner().invoke(cli, ["--db", crawled.config.database, "search", "x" * 500])
    assert result.exit_code == 1 and "too long" in result.output


def test_search_loads_no_jieba(crawled):
    code = ("import sys, sqlite3; from storage.search import search; "
            f"c = sqlite3.connect('file:{crawled.config.database}?mode=ro', uri=True); "
            "hits = search(c, '梯次利用 名单'); print(len(hits), 'jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 0 and out[1] == "False"


def test_diff_html_is_a_standalone_page(crawled):
    db = crawled.db()
    final = next(db.query("select id from documents where doc_number = '工业和信息化部公告2024年第42号'"))["id"]
    draft = next(db.query("select id from documents where title like '%2026年修订征求意见稿%'"))["id"]
    db.close()
    page = run(crawled, "diff", f"id:{final}", f"doc:{draft}", "--format", "html").decode()
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<title>" in page
    assert "工业和信息化部公告2024年第42号" in page and "<mark>1.5%</mark>" in page and "rw-legend" in page
