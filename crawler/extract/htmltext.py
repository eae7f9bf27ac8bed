"""HTML to text the way a browser shows it: paragraph breaks kept, chrome skipped, and each data
table both rendered as tab-separated lines and returned as a grid with its spans expanded.

Shared by article pages, listing fragments and HTML attachments, so all three read alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extract import limits
from crawler.extract.tabular import CELL_MARK, normalize_keeping_tabs
from crawler.selectors import SelectorSyntaxError, compiled
from crawler.selectors import select as select_any
from diff.text import normalize, tidy

if TYPE_CHECKING:  # pragma: no cover
    from lxml.html import HtmlElement

__all__ = ["SelectorError", "compiled", "html_text_and_tables", "one_line", "parse_document", "select"]


class SelectorError(ValueError):
    """A selector from sources.toml that does not parse."""


def parse_document(text: str) -> HtmlElement | None:
    """The lxml tree of a page, or None when there is nothing to parse."""
    import lxml.html
    from lxml.etree import ParserError

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return None


def select(root: HtmlElement, selector: str, key: str) -> list[HtmlElement]:
    """CSS, or XPath where the selector says so (`xpath:` or a leading /): crawler.selectors."""
    try:
        return select_any(root, selector, key)
    except SelectorSyntaxError as exc:
        raise SelectorError(str(exc)) from exc


_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "object"}
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


# CSS Text 3: a line break between two East Asian wide characters renders as nothing.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WIDE_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t]*[\r\n][ \t\r\n]*(?=[{_WIDE}])")


_BREAK = "\ue0f1"  # a line break we made (block, <br>), kept apart from source whitespace


def _inline(text: str | None) -> str:
    if not text:
        return ""
    return _HTML_SPACE.sub(" ", _WIDE_BREAK.sub("", text))


def _finish(parts: list[str]) -> str:
    """Rendered pieces → text: source whitespace folded the way a browser shows it (across
    element boundaries too), our breaks turned into newlines, table cells into tabs."""
    text = _inline("".join(parts)).replace(_BREAK, "\n").replace(CELL_MARK, "\t")
    return normalize_keeping_tabs(text)


def _cell_text(cell) -> str:
    """A table cell's text, characters as published (the list shows names verbatim)."""
    parts: list[str] = []
    _render(cell, parts, [])
    text = tidy(_inline("".join(parts)).replace(_BREAK, "\n").replace(CELL_MARK, " ").replace("\t", " "))
    return " ".join(line for line in text.split("\n") if line)


def _direct_rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _table_grid_marked(table) -> tuple[list[list[str]], list[list[bool]]]:
    """The expanded grid, and for each cell whether it is a colspan copy of its left neighbour
    (rendered once in the text, repeated in the table)."""
    grid: list[list[str]] = []
    copies: list[list[bool]] = []
    pending: dict[int, tuple[int, str]] = {}
    cells_seen = 0
    for tr in _direct_rows(table):
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        row: list[str] = []
        copy: list[bool] = []
        col = 0

        def take_pending(row: list[str] = row, copy: list[bool] = copy) -> bool:
            nonlocal col
            if col not in pending:
                return False
            left, value = pending.pop(col)
            if left > 1:
                pending[col] = (left - 1, value)
            row.append(value)
            copy.append(False)
            col += 1
            return True

        for cell in cells:
            while take_pending():
                pass
            value = _cell_text(cell)
            colspan = _span(cell.get("colspan"), limits.MAX_COLSPAN)
            rowspan = _span(cell.get("rowspan"), limits.MAX_ROWSPAN)
            limits.grid_guard(col + colspan, cells_seen + col + colspan, "an HTML table")
            for k in range(colspan):
                row.append(value)
                copy.append(k > 0)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, value)
                col += 1
        end = max(pending) if pending else -1  # computed once: the loop below only pops keys
        while col <= end:
            if not take_pending():
                row.append("")
                copy.append(False)
                col += 1
        cells_seen += len(row)
        limits.grid_guard(len(row), cells_seen, "an HTML table")
        grid.append(row)
        copies.append(copy)
    width = max((len(r) for r in grid), default=0)
    return ([r + [""] * (width - len(r)) for r in grid], [c + [False] * (width - len(c)) for c in copies])


def _span(value: str | None, limit: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), limit)


def _is_layout_table(table) -> bool:
    """Tables used for page layout (one cell, or holding other tables) are read as text."""
    if table.xpath(".//table"):
        return True
    cells = table.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th")
    return len(cells) <= 1


def _render(el, out: list[str], tables: list[list[list[str]]]) -> None:
    tag = _tag(el)
    if tag in _SKIP_TAGS or not tag:  # comments and processing instructions have no str tag
        out.append(el.tail or "")
        return
    if tag == "br":
        out.append(_BREAK)
    elif tag == "table" and not _is_layout_table(el):
        grid, copies = _table_grid_marked(el)
        if any(any(cell for cell in row) for row in grid):
            tables.append(grid)
            lines = [CELL_MARK.join(c for c, dup in zip(row, marks, strict=True) if not dup)
                     for row, marks in zip(grid, copies, strict=True)]
            out.append(_BREAK + _BREAK.join(lines) + _BREAK)
    else:
        block = tag in _BLOCK_TAGS or tag == "table"
        if block:
            out.append(_BREAK)
        out.append(el.text or "")
        for child in el:
            _render(child, out, tables)
        if block:
            out.append(_BREAK)
    out.append(el.tail or "")


def html_text_and_tables(root) -> tuple[str, list[list[list[str]]]]:
    """Visible text of an element with paragraph breaks as newlines and each data table
    rendered as tab-separated lines, plus the tables themselves."""
    out: list[str] = []
    tables: list[list[list[str]]] = []
    tail = root.tail
    root.tail = None
    try:
        _render(root, out, tables)
    finally:
        root.tail = tail
    return _finish(out), tables


def one_line(el) -> str:
    return normalize(_inline(el.text_content())).replace("\n", " ")

