"""Every cap on what a page or attachment may cost to read, in one place, and the cheap checks
that enforce them before anything large is allocated.

A file past a cap is refused with `LimitExceeded` (a reason a person can act on); the caller
records it as `failed` and marks the source degraded, never as an empty document. The caps sit
far above what the regulators publish (a white list is a few hundred rows) and far below what
hangs a crawl (see the README's "Reliability" section for the measured costs).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable

__all__ = [
    "MAX_CELLS",
    "MAX_COLS",
    "MAX_COLSPAN",
    "MAX_DOCX_SPAN",
    "MAX_HTML_BYTES",
    "MAX_HTML_DEPTH",
    "MAX_MERGED_CELLS",
    "MAX_PDF_PAGES",
    "MAX_ROWSPAN",
    "MAX_TEXT_CHARS",
    "PARSE_MEMORY_BYTES",
    "PARSE_SECONDS",
    "LimitExceeded",
    "check_depth",
    "check_ooxml",
    "check_text",
    "grid_guard",
]

# --- time and memory of one parse (the worker process, crawler/extract/sandbox.py) ------------
PARSE_SECONDS = 60.0  # wall clock for one page or attachment
PARSE_MEMORY_BYTES = 1_500_000_000  # address space of the worker (RLIMIT_AS)

# --- sizes -----------------------------------------------------------------------------------
MAX_HTML_BYTES = 8_000_000  # an article page or an HTML attachment (real ones are < 1 MB)
MAX_TEXT_CHARS = 3_000_000  # extracted text of one page or attachment
MAX_HTML_DEPTH = 250  # lxml stops building the tree at 255 levels and drops the rest silently
MAX_PDF_PAGES = 500

# --- tables ----------------------------------------------------------------------------------
MAX_ROWSPAN = 1000  # HTML rowspan / colspan past these are clamped (browsers do the same)
MAX_COLSPAN = 1000
MAX_COLS = 1000  # expanded width of one table (HTML, DOCX) or sheet (XLSX, XLS)
MAX_CELLS = 300_000  # expanded cells of one table, or declared bounding box of one sheet
MAX_MERGED_CELLS = 300_000  # cells covered by the merged ranges of one sheet
MAX_DOCX_SPAN = 64  # gridSpan / gridBefore / gridAfter; Word itself allows 63 columns

_XML_HEAD = 4096
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class LimitExceeded(Exception):
    """A page or file is past one of the caps above; the message says which and by how much."""


def check_text(text: str, what: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise LimitExceeded(f"{what} has {len(text):,} characters of text (limit {MAX_TEXT_CHARS:,})")
    return text


def check_depth(root, what: str = "HTML") -> None:
    """Refuse a tree nested so deep that the parser has already dropped part of it."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest >= MAX_HTML_DEPTH:
                raise LimitExceeded(f"{what} is nested {deepest}+ levels deep (limit {MAX_HTML_DEPTH}); "
                                    "text past that depth would be lost")
        stack.extend((child, depth + 1) for child in el)


def grid_guard(width: int, cells: int, what: str) -> None:
    if width > MAX_COLS:
        raise LimitExceeded(f"{what} expands to {width:,} columns (limit {MAX_COLS:,})")
    if cells > MAX_CELLS:
        raise LimitExceeded(f"{what} expands to {cells:,} cells (limit {MAX_CELLS:,})")


# --- spreadsheet references --------------------------------------------------------------------

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def cell_position(ref: str) -> tuple[int, int] | None:
    """'XFD1048576' → (1048576, 16384); None when it is not a cell reference."""
    match = _REF.match(ref.strip().upper())
    if not match:
        return None
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def range_area(ref: str) -> int:
    """Cells in 'A1:CV100000' (1 for a single cell, 0 when unreadable)."""
    first, _, last = ref.partition(":")
    a, b = cell_position(first), cell_position(last or first)
    if a is None or b is None:
        return 0
    return (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)


def _sheet_facts(xml: bytes) -> tuple[int, int, int, int]:
    """(max row, max column, cells, merged area) of a worksheet part, read as a stream of
    start tags, so a huge sheet is measured without building it."""
    from lxml import etree

    max_row = max_col = cells = merged = 0
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    for start in range(0, len(xml), 1 << 20):
        parser.feed(xml[start:start + (1 << 20)])
        for _, el in parser.read_events():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "c":
                cells += 1
                pos = cell_position(el.get("r") or "")
                if pos:
                    max_row, max_col = max(max_row, pos[0]), max(max_col, pos[1])
            elif tag == "mergeCell":
                merged += range_area(el.get("ref") or "")
            elif tag == "dimension":
                _, _, last = (el.get("ref") or "").partition(":")
                pos = cell_position(last) if last else None
                if pos:  # the declared extent is what openpyxl allocates for
                    max_row, max_col = max(max_row, pos[0]), max(max_col, pos[1])
            if tag not in ("worksheet", "sheetData", "row", "mergeCells"):
                el.clear()
        if merged > MAX_MERGED_CELLS or cells > MAX_CELLS:
            break
    return max_row, max_col, cells, merged


def check_ooxml(zf: zipfile.ZipFile, kind: str) -> None:
    """Checks on an OOXML package before a library opens it: no DTD or entity declarations in
    any XML part (OOXML never needs them; they are how an XML bomb starts), and for a
    workbook, each sheet's extent, cell count and merged area within the caps."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with zf.open(info) as fh:
            head = fh.read(_XML_HEAD)
        if _DTD.search(head):
            raise LimitExceeded(f"{info.filename} declares a DTD or entities; refused (an XML bomb?)")
    if kind == "xlsx":
        for name in _sheet_names(zf.namelist()):
            max_row, max_col, cells, merged = _sheet_facts(zf.read(name))
            sheet = name.rsplit("/", 1)[-1]
            if max_col > MAX_COLS:
                raise LimitExceeded(f"sheet {sheet} reaches column {max_col:,} (limit {MAX_COLS:,})")
            if max_row * max_col > MAX_CELLS:
                raise LimitExceeded(f"sheet {sheet} spans {max_row:,} rows x {max_col:,} columns "
                                    f"(limit {MAX_CELLS:,} cells)")
            if cells > MAX_CELLS:
                raise LimitExceeded(f"sheet {sheet} has over {MAX_CELLS:,} cells")
            if merged > MAX_MERGED_CELLS:
                raise LimitExceeded(f"sheet {sheet} merges {merged:,}+ cells (limit {MAX_MERGED_CELLS:,})")


def _sheet_names(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
