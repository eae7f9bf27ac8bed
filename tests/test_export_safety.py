"""Exports are safe to open: no cell a spreadsheet runs as a formula, and no control character
from a page (removed in normalisation, kept only in the raw blob) breaks the XLSX writer."""

from __future__ import annotations

import csv
import io

import pytest

from diff.text import normalize
from regwatch.app import export_data
from storage.exports import neutralise
from storage.ingest import IngestSettings, ingest
from storage.model import IncomingDocument

FORMULAS = ['=HYPERLINK("https://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_normalize_drops_control_characters_but_keeps_lines_and_text():
    assert normalize("名单\x1b[31m第一批\x00\x07\u202e\x85完") == "名单[31m第一批\n完"
    assert normalize("甲\t乙\n丙") == "甲 乙\n丙"


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralise_prefixes_every_formula_start(text):
    assert neutralise(text) == "'" + text
    assert neutralise("工业和信息化部公告") == "工业和信息化部公告"


def _ingest(db, key: str, title: str) -> None:
    doc = IncomingDocument(source_id="miit", authority="MIIT", doc_key=key, url=f"https://x/{key}",
                           fetched_url=f"https://x/{key}", title=title, text="正文", raw_sha256="0" * 64,
                           published_at="2026-01-01", category="criteria")
    ingest(db, doc, IngestSettings())


def test_exports_carry_no_formula_and_survive_control_characters(fresh_db):
    from openpyxl import load_workbook

    for i, title in enumerate(FORMULAS):
        _ingest(fresh_db, f"k{i}", title)
    _ingest(fresh_db, "raw", "标题\x1b带控制字符")  # stored as-is, as rows from before normalisation were
    for what in ("documents", "changes"):
        book = load_workbook(io.BytesIO(export_data(fresh_db, what, "xlsx")))
        cells = [c for row in book.active.iter_rows() for c in row]
        assert cells and not [c.value for c in cells if c.data_type == "f"]
        assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "@"))]
        rows = list(csv.reader(io.StringIO(export_data(fresh_db, what, "csv"))))
        assert not [v for r in rows for v in r if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
