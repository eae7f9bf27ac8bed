"""Attachment parsers (PDF, DOCX, XLSX, XLS, DOC, HTML, TXT), chosen by what the bytes are.

A parser is a subclass of `AttachmentParser` with a `kind` and a docstring (its help text);
it registers itself. `parse_attachment` never raises: a file it cannot read comes back with
status `failed` (or `unsupported`) and a reason, never as an empty `ok`.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from crawler.extract import limits
from crawler.extract.decoding import decode_html
from crawler.extract.htmltext import html_text_and_tables, parse_document
from crawler.extract.limits import LimitExceeded
from crawler.extract.listtable import looks_like_header
from crawler.extract.tabular import normalize_keeping_tabs, table_lines
from diff.text import normalize, tidy

__all__ = [
    "MAX_UNCOMPRESSED",
    "MAX_ZIP_RATIO",
    "AttachmentParser",
    "ParseFailure",
    "ParsedAttachment",
    "Unsupported",
    "parse_attachment",
    "parser_help",
    "sniff_kind",
]

MAX_UNCOMPRESSED = 200_000_000  # bytes a ZIP container may expand to
MAX_ZIP_RATIO = 100  # uncompressed / compressed, above which a container is a bomb
_RATIO_FLOOR = 1_000_000  # containers expanding to less than this cannot hurt, whatever the ratio
MAX_ZIP_MEMBERS = 10_000
CONVERTER_TIMEOUT = 60

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LABELS = {
    "pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX", "xls": "XLS", "doc": "DOC", "html": "HTML",
    "txt": "text", "zip": "ZIP", "rar": "RAR", "wps": "WPS", "et": "ET", "pptx": "PPTX", "rtf": "RTF",
}
_EXTENSIONS = {
    ".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".et": "xls",
    ".doc": "doc", ".wps": "doc", ".htm": "html", ".html": "html", ".shtml": "html", ".txt": "txt",
    ".csv": "txt", ".zip": "zip", ".rar": "rar", ".rtf": "rtf",
}
_MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/msword": "doc",
    "text/html": "html",
    "text/plain": "txt",
    "application/zip": "zip",
}


class ParseFailure(Exception):
    """The file is not what it claims, is damaged, encrypted, or would be unsafe to open."""


class Unsupported(Exception):
    """A real file of a kind we cannot read on this machine (reason says why)."""


@dataclass
class ParsedAttachment:
    """What an attachment says: normalised text, its tables, and how the parse went."""

    kind: str
    text: str = ""
    tables: list[list[list[str]]] = field(default_factory=list)
    status: str = "ok"  # ok | failed | unsupported
    error: str | None = None
    pages: int | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- sniffing

def _ole2_streams(data: bytes) -> list[str]:
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        doc = CompDoc(data, logfile=io.StringIO())
    except (CompDocError, IndexError, ValueError, TypeError) as exc:
        raise ParseFailure(f"damaged or truncated OLE2 (Office 97-2003) container: {exc}") from exc
    return [d.name for d in doc.dirlist if d.name]


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """Open a ZIP container after checking it cannot expand into a bomb."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseFailure(f"truncated or corrupt ZIP container: {exc}") from exc
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ParseFailure(f"ZIP container has {len(infos)} members (limit {MAX_ZIP_MEMBERS}); refused")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise ParseFailure(
            f"ZIP container would expand to {total:,} bytes (limit {MAX_UNCOMPRESSED:,}); refused as a zip bomb"
        )
    if total >= _RATIO_FLOOR and total / max(packed, 1) > MAX_ZIP_RATIO:
        raise ParseFailure(
            f"ZIP compression ratio {total / max(packed, 1):.0f}:1 exceeds {MAX_ZIP_RATIO}:1; refused as a zip bomb"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise ParseFailure("encrypted (password-protected) ZIP container")
    return zf


def _zip_kind(data: bytes) -> str:
    names = _open_zip(data).namelist()
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        _decode_text(sample, partial=True)
    except ParseFailure:
        return False
    return True


def sniff_kind(data: bytes) -> str | None:
    """What the bytes really are: pdf, docx, xlsx, pptx, zip, xls, doc, rar, rtf, html, txt,
    or None for unrecognisable binary. Raises ParseFailure for damaged or unsafe containers
    and for encrypted Office files, whose kind cannot be read without the password."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if data.startswith(OLE2_MAGIC):
        streams = _ole2_streams(data)
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            raise ParseFailure("encrypted (password-protected) Office file")
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        if "WordDocument" in streams:
            return "doc"
        raise ParseFailure(f"OLE2 container holds neither a workbook nor a Word document ({streams[:5]})")
    if data.startswith(b"Rar!"):
        return "rar"
    if data.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<!doctype html") or b"<html" in lowered or b"<body" in lowered:
        return "html"
    if _looks_like_text(data):
        return "txt"
    return None


def _declared_kind(filename: str, media_type: str | None) -> str | None:
    path = unquote(urlsplit(filename).path if "://" in filename else filename.split("?", 1)[0])
    suffix = PurePosixPath(path.replace("\\", "/")).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if media_type:
        return _MEDIA_TYPES.get(media_type.split(";", 1)[0].strip().lower())
    return None


# --------------------------------------------------------------------------- registry

class AttachmentParser:
    """Base class: subclasses set `kind`, write a docstring, and implement `parse`."""

    kind: ClassVar[str] = ""
    registry: ClassVar[dict[str, type[AttachmentParser]]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.kind or not (cls.__doc__ or "").strip():
            raise TypeError(f"{cls.__name__} needs a kind and a docstring (its help text)")
        AttachmentParser.registry[cls.kind] = cls

    def parse(self, data: bytes) -> ParsedAttachment:  # pragma: no cover - abstract
        raise NotImplementedError


def parser_help() -> dict[str, str]:
    """kind → the parser's docstring as one line, for `regwatch inspect` and the README."""
    return {kind: " ".join((cls.__doc__ or "").split()) for kind, cls in sorted(AttachmentParser.registry.items())}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return tidy(str(value))  # cells keep their characters as published (（襄阳） stays full-width)


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drop empty trailing columns and empty rows at the end, keep inner blanks (merges)."""
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
    return [(r + [""] * width)[:width] for r in rows]


_TEXT_TABLES = {"vertical_strategy": "text", "horizontal_strategy": "text"}


def _unruled_tables(pdf) -> list[list[list[list[str]]]]:
    """Tables found by text alignment, for PDFs without ruling lines. Only tables that start
    with a list header, or continue one at the top of the next page, are kept: alignment
    also finds 'tables' in ordinary prose."""
    pages: list[list[list[list[str]]]] = []
    width: int | None = None
    for page in pdf.pages:
        kept = []
        for raw in page.extract_tables(_TEXT_TABLES):
            rows = [r for r in _trim([[_cell(c) for c in row] for row in raw]) if any(r)]
            if not rows:
                continue
            if any(looks_like_header(r) for r in rows[:3]):
                kept.append(rows)
                width = len(rows[0])
            elif not kept and width is not None and len(rows[0]) == width:
                kept.append(rows)
        pages.append(kept)
        if not kept:
            width = None
    return pages


class PdfParser(AttachmentParser):
    """PDF via pdfplumber: text page by page and tables (ruled, else aligned text that starts
    with a list header); a table continued on the next page (repeated header, or same columns
    and no header) is merged into one."""

    kind = "pdf"

    def parse(self, data: bytes) -> ParsedAttachment:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
        from pdfminer.psparser import PSException
        from pdfplumber.utils.exceptions import PdfminerException

        if b"%%EOF" not in data[-2048:]:
            raise ParseFailure("truncated PDF (no %%EOF marker at the end)")
        texts: list[str] = []
        pages_tables: list[list[list[list[str]]]] = []
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                count = len(pdf.pages)
                if count > limits.MAX_PDF_PAGES:
                    raise LimitExceeded(f"PDF has {count:,} pages (limit {limits.MAX_PDF_PAGES:,})")
                for page in pdf.pages:
                    texts.append(page.extract_text() or "")
                    found = []
                    for raw in page.extract_tables():
                        rows = _trim([[_cell(c) for c in row] for row in raw])
                        if rows:
                            found.append(rows)
                    pages_tables.append(found)
                if not any(pages_tables):
                    pages_tables = _unruled_tables(pdf)
        except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError, PSException) as exc:
            cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
            if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
                raise ParseFailure("encrypted PDF (a password is required to open it)") from exc
            raise ParseFailure(f"damaged PDF: {type(cause).__name__}: {cause}") from exc
        text = normalize("\n".join(texts))
        tables = merge_page_tables(pages_tables)
        if not text and not tables:
            raise ParseFailure(f"PDF has {count} page(s) but no extractable text (scanned image? OCR is not done)")
        return ParsedAttachment(kind=self.kind, text=text, tables=tables, pages=count)


def _same_row(a: list[str], b: list[str]) -> bool:
    fold = lambda row: [re.sub(r"\s+", "", c) for c in row]  # noqa: E731
    return fold(a) == fold(b)


def merge_page_tables(pages: list[list[list[list[str]]]]) -> list[list[list[str]]]:
    """Join the last table of a page with the first of the next when it continues it."""
    merged: list[list[list[str]]] = []
    for page_no, tables in enumerate(pages):
        for index, table in enumerate(tables):
            prev = merged[-1] if merged else None
            continues = (
                prev is not None
                and index == 0
                and page_no > 0
                and bool(pages[page_no - 1])  # so prev is the previous page's last table
                and len(table[0]) == len(prev[0])
            )
            if continues and prev is not None:
                if _same_row(table[0], prev[0]):
                    prev.extend(table[1:])
                    continue
                if not looks_like_header(table[0]):
                    prev.extend(table)
                    continue
            merged.append([list(r) for r in table])
    return merged


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _w_text(el) -> str:
    """Text of a WordprocessingML element: runs, tabs and breaks, paragraphs on new lines."""
    parts: list[str] = []
    for node in el.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr") or (tag == f"{_W}p" and parts):
            parts.append("\n")
    return "".join(parts)


def _w_val(el, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    return found.get(f"{_W}val", "")


def _docx_table(tbl) -> list[list[str]]:
    """Rows of a Word table with gridSpan and vMerge expanded into repeated values."""
    grid: list[list[str]] = []
    cells = 0
    for tr in tbl.findall(f"{_W}tr"):
        row: list[str] = []
        row.extend([""] * _docx_span(_w_val(tr, f"{_W}trPr/{_W}gridBefore"), "gridBefore", 0))
        for tc in tr.findall(f"{_W}tc"):
            span = _docx_span(_w_val(tc, f"{_W}tcPr/{_W}gridSpan"), "gridSpan", 1)
            limits.grid_guard(len(row) + span, cells + len(row) + span, "a DOCX table")
            vmerge = _w_val(tc, f"{_W}tcPr/{_W}vMerge")
            col = len(row)
            if vmerge is not None and vmerge != "restart" and grid and col < len(grid[-1]):
                value = grid[-1][col]
            else:
                value = tidy(_w_text(tc)).replace("\n", " ")
            row.extend([value] * max(1, span))
        cells += len(row)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def _docx_span(value: str | None, what: str, default: int) -> int:
    """A declared grid span, refused past the cap before anything is allocated for it."""
    if not value or not value.strip().isdigit():
        return default
    span = int(value.strip())
    if span > limits.MAX_DOCX_SPAN:
        raise LimitExceeded(f"a DOCX table declares {what}={span:,} (limit {limits.MAX_DOCX_SPAN})")
    return span


class DocxParser(AttachmentParser):
    """Word 2007+ (.docx) via python-docx: paragraphs and tables in reading order, merged
    cells (gridSpan, vMerge) expanded."""

    kind = "docx"

    def parse(self, data: bytes) -> ParsedAttachment:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        limits.check_ooxml(_open_zip(data), self.kind)
        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, ValueError) as exc:
            raise ParseFailure(f"not a readable DOCX package: {exc}") from exc
        lines: list[str] = []
        tables: list[list[list[str]]] = []

        def walk(container) -> None:
            for child in container:
                if child.tag == f"{_W}p":
                    lines.append(_w_text(child))
                elif child.tag == f"{_W}tbl":
                    table = _docx_table(child)
                    if any(any(c for c in r) for r in table):
                        tables.append(table)
                        lines.append(table_lines(table))
                elif child.tag == f"{_W}sdt":
                    content = child.find(f"{_W}sdtContent")
                    if content is not None:
                        walk(content)

        walk(document.element.body)
        text = normalize_keeping_tabs("\n".join(lines))
        if not text:
            raise ParseFailure("DOCX has no text")
        return ParsedAttachment(kind=self.kind, text=text, tables=tables)


class XlsxParser(AttachmentParser):
    """Excel 2007+ (.xlsx) via openpyxl: one table per sheet, merged cells filled with their
    top-left value."""

    kind = "xlsx"

    def parse(self, data: bytes) -> ParsedAttachment:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        limits.check_ooxml(_open_zip(data), self.kind)
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        except (InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise ParseFailure(f"not a readable XLSX workbook: {exc}") from exc
        tables: list[list[list[str]]] = []
        lines: list[str] = []
        for sheet in book.worksheets:
            rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
            for merged in sheet.merged_cells.ranges:
                top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(rows) else ""
                for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                    for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                        rows[r][c] = top
            rows = _trim(rows)
            if rows:
                tables.append(rows)
                lines.append(sheet.title)
                lines.append(table_lines(rows))
        book.close()
        if not tables:
            raise ParseFailure("XLSX workbook has no cells with values")
        return ParsedAttachment(kind=self.kind, text=normalize_keeping_tabs("\n".join(lines)), tables=tables)


class XlsParser(AttachmentParser):
    """Excel 97-2003 (.xls) via xlrd: one table per sheet, merged cells filled with their
    top-left value."""

    kind = "xls"

    def parse(self, data: bytes) -> ParsedAttachment:
        import xlrd

        book = None
        error: Exception | None = None
        for formatting in (True, False):  # merged ranges are only read with formatting_info
            try:
                book = xlrd.open_workbook(file_contents=data, formatting_info=formatting, logfile=io.StringIO())
                break
            except xlrd.XLRDError as exc:
                if "encrypt" in str(exc).lower():
                    raise ParseFailure("encrypted (password-protected) XLS workbook") from exc
                error = exc
            except Exception as exc:  # xlrd raises assorted errors on damaged files
                error = exc
        if book is None:
            raise ParseFailure(f"not a readable XLS workbook: {error}")
        tables: list[list[list[str]]] = []
        lines: list[str] = []
        for sheet in book.sheets():
            limits.grid_guard(sheet.ncols, sheet.nrows * sheet.ncols, f"XLS sheet {sheet.name}")
            merged_area = sum((rhi - rlo) * (chi - clo) for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []))
            if merged_area > limits.MAX_MERGED_CELLS:
                raise LimitExceeded(f"XLS sheet {sheet.name} merges {merged_area:,} cells "
                                    f"(limit {limits.MAX_MERGED_CELLS:,})")
            rows = []
            for r in range(sheet.nrows):
                row = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        with contextlib.suppress(Exception):
                            value = xlrd.xldate_as_datetime(value, book.datemode)
                    row.append(_cell(value))
                rows.append(row)
            for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []):
                top = rows[rlo][clo] if rlo < len(rows) and clo < len(rows[rlo]) else ""
                for r in range(rlo, min(rhi, len(rows))):
                    for c in range(clo, min(chi, len(rows[r]))):
                        rows[r][c] = top
            rows = _trim(rows)
            if rows:
                tables.append(rows)
                lines.append(sheet.name)
                lines.append(table_lines(rows))
        if not tables:
            raise ParseFailure("XLS workbook has no cells with values")
        return ParsedAttachment(kind=self.kind, text=normalize_keeping_tabs("\n".join(lines)), tables=tables)


def doc_converter() -> list[str] | None:
    """The command line of a .doc converter on PATH (antiword, else LibreOffice), or None."""
    if shutil.which("antiword"):
        return ["antiword", "-m", "UTF-8.txt"]
    for name in ("soffice", "libreoffice"):
        if shutil.which(name):
            return [name, "--headless", "--convert-to", "txt:Text (encoded):UTF8"]
    return None


class DocParser(AttachmentParser):
    """Word 97-2003 (.doc) through antiword or LibreOffice when one is on PATH; otherwise
    reported as unsupported."""

    kind = "doc"

    def parse(self, data: bytes) -> ParsedAttachment:
        command = doc_converter()
        if command is None:
            raise Unsupported("no .doc converter on PATH (install antiword or LibreOffice to read .doc files)")
        with tempfile.TemporaryDirectory(prefix="regwatch-doc-") as folder:
            source = Path(folder) / "attachment.doc"
            source.write_bytes(data)
            try:
                if command[0] == "antiword":
                    done = subprocess.run([*command, str(source)], capture_output=True, timeout=CONVERTER_TIMEOUT)
                    output = done.stdout
                else:
                    done = subprocess.run([*command, "--outdir", folder, str(source)], capture_output=True,
                                          timeout=CONVERTER_TIMEOUT)
                    target = Path(folder) / "attachment.txt"
                    output = target.read_bytes() if target.exists() else b""
            except subprocess.TimeoutExpired as exc:
                raise ParseFailure(f".doc conversion timed out after {CONVERTER_TIMEOUT}s") from exc
            if done.returncode != 0 or not output.strip():
                reason = done.stderr.decode("utf-8", "replace").strip()[:200] or f"exit code {done.returncode}"
                raise ParseFailure(f".doc conversion with {command[0]} failed: {reason}")
        text = normalize_keeping_tabs(output.decode("utf-8", "replace"))
        return ParsedAttachment(kind=self.kind, text=text, tables=_tables_from_tab_lines(text))


def _tables_from_tab_lines(text: str) -> list[list[list[str]]]:
    """Runs of tab- or bar-separated lines (how converters print tables) as tables."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line or line.count("|") >= 2:
            cells = [c.strip() for c in re.split(r"\t|\|", line.strip().strip("|"))]
            current.append(cells)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return [t for t in tables if len(t) > 1]


def _decode_text(data: bytes, *, partial: bool = False) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            # A sample cut in the middle of a character is still text.
            if partial and exc.start >= len(data) - 4:
                text = data[: exc.start].decode(codec, "replace")
            else:
                continue
        controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls <= max(2, len(text[:65536]) // 200):
            return text
    raise ParseFailure("not a text file (binary content that decodes as neither UTF-8 nor GB18030)")


class HtmlParser(AttachmentParser):
    """HTML pages saved as attachments: visible text, and tables with spans expanded."""

    kind = "html"

    def parse(self, data: bytes) -> ParsedAttachment:
        if len(data) > limits.MAX_HTML_BYTES:
            raise LimitExceeded(f"HTML file is {len(data):,} bytes (limit {limits.MAX_HTML_BYTES:,})")
        text, _ = decode_html(data)
        root = parse_document(text)
        if root is None:
            raise ParseFailure("empty or unparseable HTML")
        limits.check_depth(root)
        body = root.find("body")
        text, tables = html_text_and_tables(body if body is not None else root)
        if not text:
            raise ParseFailure("HTML has no visible text")
        return ParsedAttachment(kind=self.kind, text=text, tables=tables)


class TxtParser(AttachmentParser):
    """Plain text in UTF-8 or GB18030 (GBK); tab-separated lines are read as tables."""

    kind = "txt"

    def parse(self, data: bytes) -> ParsedAttachment:
        text = normalize_keeping_tabs(_decode_text(data))
        if not text:
            raise ParseFailure("text file is blank")
        return ParsedAttachment(kind=self.kind, text=text, tables=_tables_from_tab_lines(text))


# --------------------------------------------------------------------------- entry point

def _a(label: str) -> str:
    """'a PDF', 'an XLSX': the article as the letters are spoken."""
    return f"an {label}" if label[:1] in "AEFHILMNORSX" else f"a {label}"


def _failed(kind: str, reason: str, notes: list[str] | None = None) -> ParsedAttachment:
    return ParsedAttachment(kind=kind, status="failed", error=reason, notes=notes or [])


def parse_attachment(
    data: bytes,
    filename: str,
    media_type: str | None = None,
    *,
    max_bytes: int = 50_000_000,
) -> ParsedAttachment:
    """Parse an attachment by what its bytes are, whatever its name says. Never raises."""
    declared = _declared_kind(filename or "", media_type)
    label = _LABELS.get(declared or "", declared or "known")
    if not data:
        return _failed(declared or "unknown", "empty file (0 bytes)")
    if len(data) > max_bytes:
        return _failed(declared or "unknown", f"file too large ({len(data):,} bytes > {max_bytes:,})")
    notes: list[str] = []
    try:
        kind = sniff_kind(data)
    except ParseFailure as exc:
        return _failed(declared or "unknown", str(exc))
    except Exception as exc:  # a sniffing bug must not take the crawl down
        return _failed(declared or "unknown", f"could not identify the file: {type(exc).__name__}: {exc}")
    if kind is None:
        return _failed(declared or "unknown", f"not {_a(label)} file (unrecognised binary content)")
    if declared and kind != declared and not (declared == "html" and kind == "txt"):
        if kind in ("txt", "html") and declared not in ("txt", "html"):
            # Usually an error or challenge page served in place of the document.
            what = "an HTML page" if kind == "html" else "plain text"
            return _failed(declared, f"not {_a(label)} file (the content is {what})")
        notes.append(f"named as {declared} but the content is {kind}; parsed as {kind}")
    parser_cls = AttachmentParser.registry.get(kind)
    if parser_cls is None:
        return ParsedAttachment(kind=kind, status="unsupported", notes=notes,
                                error=f"{_LABELS.get(kind, kind)} files are not parsed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = parser_cls().parse(data)
    except Unsupported as exc:
        return ParsedAttachment(kind=kind, status="unsupported", error=str(exc), notes=notes)
    except (ParseFailure, LimitExceeded) as exc:
        return _failed(kind, str(exc), notes)
    except MemoryError:
        return _failed(kind, f"the {_LABELS.get(kind, kind)} file needs more memory than a parse may use", notes)
    except RecursionError:
        return _failed(kind, f"the {_LABELS.get(kind, kind)} file is nested too deeply to read", notes)
    except Exception as exc:
        return _failed(kind, f"damaged or unreadable {_LABELS.get(kind, kind)} file: {type(exc).__name__}: {exc}",
                       notes)
    if not parsed.text and not parsed.tables:
        return _failed(kind, f"no text could be extracted from the {_LABELS.get(kind, kind)} file", notes)
    try:
        limits.check_text(parsed.text, f"the {_LABELS.get(kind, kind)} file")
    except LimitExceeded as exc:
        return _failed(kind, str(exc), notes)
    parsed.notes = notes + parsed.notes
    return parsed
