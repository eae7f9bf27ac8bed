"""Real attachment files (XLSX, DOCX, PDF) built in memory, byte-for-byte stable between runs.

Office files are zip archives that normally carry the current time; they are rewritten with a fixed
timestamp so that ETags survive a restart. PDFs use reportlab's `invariant` mode and the built-in
CID font STSong-Light, whose text pdfplumber extracts as Unicode.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
CJK_FONT = "STSong-Light"

Rows = Sequence[Sequence[str]]


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed member timestamps and a fixed member order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def _stamp(when: str) -> datetime:
    return datetime.strptime(when, "%Y-%m-%d %H:%M")


# --- XLSX -------------------------------------------------------------------------------------


def xlsx_table(title: str, header: Sequence[str], rows: Rows, when: str, merge_title: bool = True) -> bytes:
    """One sheet: a title row (merged across the table when `merge_title`), a header, the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(list(header))
    for row in rows:
        sheet.append([int(cell) if str(cell).isdigit() and i == 0 else cell for i, cell in enumerate(row)])
    for letter, width in zip("ABCDEFG", (8, 14, 48, 22, 40, 40, 40), strict=False):
        sheet.column_dimensions[letter].width = width
    book.properties.creator = "replica"
    book.properties.created = _stamp(when)
    book.properties.modified = _stamp(when)
    buf = io.BytesIO()
    book.save(buf)
    return _stable_zip(buf.getvalue())


# --- DOCX -------------------------------------------------------------------------------------


def _docx_base(when: str):
    import docx

    document = docx.Document()
    document.core_properties.author = "replica"
    document.core_properties.created = _stamp(when)
    document.core_properties.modified = _stamp(when)
    document.core_properties.last_modified_by = "replica"
    document.core_properties.revision = 1
    return document


def _docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return _stable_zip(buf.getvalue())


def docx_table(title: str, header: Sequence[str], rows: Rows, when: str, merge_column: int | None = None) -> bytes:
    """A title paragraph and one table. Runs of equal values in `merge_column` become one
    vertically merged cell, as in lists grouped by province."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = _docx_base(when)
    heading = document.add_paragraph(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for col, text in enumerate(header):
        table.cell(0, col).text = text
    for r, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            if col == merge_column and r > 1 and rows[r - 2][col] == text:
                continue  # continuation of a merged run: left empty, merged below
            table.cell(r, col).text = text
    if merge_column is not None:
        start = 1
        for r in range(2, len(rows) + 2):
            if r == len(rows) + 1 or rows[r - 1][merge_column] != rows[start - 1][merge_column]:
                if r - 1 > start:
                    table.cell(start, merge_column).merge(table.cell(r - 1, merge_column))
                start = r
    return _docx_bytes(document)


def docx_text(title: str, paragraphs: Sequence[str], when: str) -> bytes:
    """A title and plain paragraphs; clause numbers are literal text, never Word auto-numbering."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = _docx_base(when)
    heading = document.add_paragraph(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in paragraphs:
        document.add_paragraph(text)
    return _docx_bytes(document)


# --- PDF --------------------------------------------------------------------------------------

_fonts_ready = False


def _register_font() -> None:
    global _fonts_ready
    if not _fonts_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
        _fonts_ready = True


def _pdf_doc(buf: io.BytesIO, title: str, variant: int, landscape_page: bool = False):
    """Variant 0 and 1 hold the same text; 1 is a re-export: other producer, creator, compression."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    _register_font()
    return SimpleDocTemplate(
        buf,
        pagesize=landscape(A4) if landscape_page else A4,
        title=title,
        author="replica",
        creator="Microsoft Word" if variant == 0 else "WPS Office",
        producer="replica pdf export" if variant == 0 else "replica pdf re-export 2",
        subject="" if variant == 0 else "re-exported",
        invariant=1,
        pageCompression=0 if variant == 0 else 1,
        topMargin=56,
        bottomMargin=56,
    )


def _styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    _register_font()
    title = ParagraphStyle("t", fontName=CJK_FONT, fontSize=15, leading=22, alignment=TA_CENTER, spaceAfter=12)
    body = ParagraphStyle("b", fontName=CJK_FONT, fontSize=11, leading=19, wordWrap="CJK", firstLineIndent=22)
    cell = ParagraphStyle("c", fontName=CJK_FONT, fontSize=10, leading=14, wordWrap="CJK")
    return title, body, cell


def pdf_table(
    title: str,
    header: Sequence[str],
    rows: Rows,
    variant: int = 0,
    span_column: int | None = None,
    col_widths: Sequence[float] | None = None,
    landscape_page: bool = False,
) -> bytes:
    """A title and a gridded table whose header repeats on each page. Runs of equal values in
    `span_column` are drawn as one spanned cell (pdfplumber then reports None below the first)."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    title_style, _, cell_style = _styles()
    data: list[list[object]] = [list(header)]
    for row in rows:
        cells: list[object] = []
        for col, text in enumerate(row):
            room = (col_widths[col] - 8) / 10 if col_widths else 18  # characters that fit on one line
            cells.append(Paragraph(escape(text), cell_style) if len(text) > room else text)
        data.append(cells)
    style = [
        ("FONT", (0, 0), (-1, -1), CJK_FONT, 10),
        ("GRID", (0, 0), (-1, -1), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ]
    if span_column is not None:
        start = 0
        for r in range(1, len(rows) + 1):
            if r == len(rows) or rows[r][span_column] != rows[start][span_column]:
                if r - 1 > start:
                    style.append(("SPAN", (span_column, start + 1), (span_column, r)))
                start = r
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    buf = io.BytesIO()
    _pdf_doc(buf, title, variant, landscape_page).build([Paragraph(escape(title), title_style), table])
    return buf.getvalue()


def pdf_text(title: str, paragraphs: Sequence[str], variant: int = 0) -> bytes:
    """A title and flowing paragraphs, wrapped the CJK way."""
    from reportlab.platypus import Paragraph

    title_style, body_style, _ = _styles()
    story = [Paragraph(escape(title), title_style)] + [Paragraph(escape(text), body_style) for text in paragraphs]
    buf = io.BytesIO()
    _pdf_doc(buf, title, variant).build(story)
    return buf.getvalue()
