"""Attachment parsers on real generated files, and every way a file can be bad."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from crawler.extract.attachments import (
    AttachmentParser,
    ParsedAttachment,
    parse_attachment,
    parser_help,
)
from crawler.extract.listtable import entries_from_tables

# --------------------------------------------------------------------------- generated files

HEADER = ["序号", "省份", "企业名称", "类型"]


def list_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        province = "浙江省" if i <= n // 2 else "湖南省"
        kind = "梯次利用" if i % 2 else "再生利用"
        rows.append([str(i), province, f"示例第{i}号循环科技有限公司", kind])
    return rows


def make_pdf(rows: list[list[str]], *, repeat_header: bool = True, ruled: bool = True,
             encrypt: str | None = None) -> bytes:
    """A list table long enough to continue on a second page, Chinese text extractable."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    kwargs = {}
    if encrypt:
        from reportlab.lib.pdfencrypt import StandardEncryption

        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword="owner-" + encrypt)
    doc = SimpleDocTemplate(buf, pagesize=A4, **kwargs)
    table = Table([HEADER, *rows], repeatRows=1 if repeat_header else 0)
    style = [("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table.setStyle(TableStyle(style))
    title = Paragraph("附件：符合规范条件企业名单（第六批）", ParagraphStyle("cn", fontName="STSong-Light"))
    doc.build([title, table])
    return buf.getvalue()


def make_scanned_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx() -> bytes:
    """A Word table whose province cell is merged down two rows and whose title spans the row."""
    import docx

    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph("符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）")
    table = document.add_table(rows=6, cols=4)
    for col, text in enumerate(["序号", "地区", "单位名称", "类别"]):
        table.cell(0, col).text = text
    data = [("1", "江西省", "示例锂业（江西）有限公司", "梯次利用"), ("2", "", "示例再生江西有限公司", "再生利用"),
            ("3", "广东省", "示例广东循环有限公司", "梯次利用、再生利用")]
    for r, row in enumerate(data, start=2):
        for col, text in enumerate(row):
            if text:
                table.cell(r, col).text = text
    section = table.cell(1, 0).merge(table.cell(1, 3))
    section.text = "一、综合利用企业"
    merged = table.cell(2, 1).merge(table.cell(3, 1))
    merged.text = "江西省"
    footnote = table.cell(5, 0).merge(table.cell(5, 3))
    footnote.text = "注：排名不分先后"
    document.add_paragraph("工业和信息化部")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）"])
    sheet.merge_cells("A1:D1")
    sheet.append(["序号", "省（区、市）", "企业名称", "综合利用类型"])
    sheet.append([1, "四川省", "示例四川新能源有限公司", "梯次利用"])
    sheet.append([2, None, "示例成都再生有限公司", "再生利用"])
    sheet.append([3, None, "示例绵阳循环有限公司", "梯次+再生"])
    sheet.merge_cells("B3:B5")
    sheet.append([4, "重庆市", "示例重庆科技有限公司", "梯次利用"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, every stream in the regular FAT)."""
    sector = 512
    sectors: list[bytes] = []
    fat: list[int] = []
    starts: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for name, data in streams.items():
        data = data.ljust(4096, b"\0")  # at least the mini-stream cutoff
        data += b"\0" * (-len(data) % sector)
        sizes[name] = len(data)
        first = len(sectors)
        starts[name] = first
        count = len(data) // sector
        for i in range(count):
            sectors.append(data[i * sector : (i + 1) * sector])
            fat.append(first + i + 1 if i < count - 1 else -2)

    def entry(name: str, etype: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (raw.ljust(64, b"\0") + struct.pack("<HBBiii", len(raw), etype, 1, -1, right, child)
                + b"\0" * 36 + struct.pack("<iII", start, size, 0))

    names = list(streams)
    entries = [entry("Root Entry", 5, -1, 1 if names else -1, -2, 0)]
    for i, name in enumerate(names, start=1):
        entries.append(entry(name, 2, i + 1 if i < len(names) else -1, -1, starts[name], sizes[name]))
    while len(entries) % 4:
        entries.append(b"\0" * 64 + struct.pack("<HBBiii", 0, 0, 0, -1, -1, -1) + b"\0" * 52)
    directory = b"".join(entries)
    dir_first = len(sectors)
    dir_count = len(directory) // sector
    for i in range(dir_count):
        sectors.append(directory[i * sector : (i + 1) * sector])
        fat.append(dir_first + i + 1 if i < dir_count - 1 else -2)
    fat_sector = len(sectors)
    fat.append(-3)
    assert len(fat) <= 128
    sectors.append(struct.pack("<128i", *(fat + [-1] * (128 - len(fat)))))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIiIIiIiI", 0, 1, dir_first, 0, 4096, -2, 0, -2, 0)
              + struct.pack("<109i", fat_sector, *([-1] * 108)))
    return header + b"".join(sectors)


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _ustr(text: str, length_bytes: int = 1) -> bytes:
    return struct.pack("<B" if length_bytes == 1 else "<H", len(text)) + b"\x01" + text.encode("utf-16-le")


def make_xls(rows: list[list[object]], merges: list[tuple[int, int, int, int]] = (), *,
             encrypted: bool = False) -> bytes:
    """A BIFF8 workbook with one sheet: LABEL/NUMBER cells and MERGEDCELLS (first/last row, col)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    head = _record(0x0809, bof) + (_record(0x002F, b"\x01\x00" + b"\0" * 52) if encrypted else b"")
    head += _record(0x0042, struct.pack("<H", 1200))
    sheet_name = _ustr("名单")
    sheet_offset = len(head) + 4 + 6 + len(sheet_name) + 4
    workbook = head + _record(0x0085, struct.pack("<IBB", sheet_offset, 0, 0) + sheet_name) + _record(0x000A)
    body = [_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6)),
            _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(len(r) for r in rows), 0))]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (None, ""):
                continue
            if isinstance(value, int | float):
                body.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value))))
            else:
                body.append(_record(0x0204, struct.pack("<HHH", r, c, 0) + _ustr(str(value), 2)))
    if merges:
        body.append(_record(0x00E5, struct.pack("<H", len(merges))
                            + b"".join(struct.pack("<HHHH", *m) for m in merges)))
    body.append(_record(0x000A))
    return ole2({"Workbook": workbook + b"".join(body)})


XLS_ROWS: list[list[object]] = [
    ["所在地", "企业名称", "类型"],
    ["梯次利用企业", "梯次利用企业", "梯次利用企业"],
    ["天津市", "示例天津电池有限公司", ""],
    ["", "示例滨海储能有限公司", ""],
    ["再生利用企业", "再生利用企业", "再生利用企业"],
    ["河北省", "示例河北材料有限公司", ""],
]
XLS_MERGES = [(1, 1, 0, 2), (2, 3, 0, 0), (4, 4, 0, 2)]


def make_html_attachment() -> bytes:
    page = ("<html><head><meta charset='gbk'></head><body><p>企业名单</p><table>"
            "<tr><td>序号</td><td>省份</td><td>企业名称</td></tr>"
            "<tr><td>1</td><td>山东省</td><td>示例山东回收有限公司</td></tr></table></body></html>")
    return page.encode("gbk")


def make_txt() -> bytes:
    return "符合规范条件企业名单\n序号\t省份\t企业名称\n1\t福建省\t示例福建新能源有限公司\n".encode("gb18030")


SAMPLES = {
    "pdf": ("list.pdf", lambda: make_pdf(list_rows(50))),
    "docx": ("list.docx", make_docx),
    "xlsx": ("list.xlsx", make_xlsx),
    "xls": ("list.xls", lambda: make_xls(XLS_ROWS, XLS_MERGES)),
    "doc": ("list.doc", lambda: ole2({"WordDocument": b"\xec\xa5" + b"\0" * 600})),
    "html": ("list.html", make_html_attachment),
    "txt": ("list.txt", make_txt),
}


@pytest.fixture
def no_converters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH without antiword or LibreOffice, so .doc support is deterministically absent."""
    monkeypatch.setenv("PATH", str(tmp_path))


# --------------------------------------------------------------------------- registry

def test_registry_covers_every_kind_with_help_and_a_sample(no_converters: None) -> None:
    assert set(AttachmentParser.registry) == set(SAMPLES)
    helps = parser_help()
    for kind, parser in AttachmentParser.registry.items():
        assert parser.kind == kind
        assert len(helps[kind]) > 20, f"{kind} needs a docstring that explains it"
        name, build = SAMPLES[kind]
        parsed = parse_attachment(build(), name)
        assert parsed.kind == kind
        if kind == "doc":
            assert parsed.status == "unsupported"
            assert "antiword" in (parsed.error or "")
        else:
            assert parsed.status == "ok", parsed.error
            assert parsed.text and parsed.tables


def test_subclass_without_docstring_is_refused() -> None:
    with pytest.raises(TypeError, match="docstring"):
        type("Silent", (AttachmentParser,), {"kind": "silent"})
    assert "silent" not in AttachmentParser.registry


# --------------------------------------------------------------------------- good files

def entries_of(parsed: ParsedAttachment) -> list[tuple[str, str | None, str]]:
    result = entries_from_tables(parsed.tables)
    assert result.entries, result.problems
    return [(e.enterprise, e.province, e.type) for e in result.entries]


PDF_LAYOUTS = [
    ("ruled-repeated-header", True, True),
    ("ruled-no-repeated-header", True, False),
    ("unruled-repeated-header", False, True),
    ("unruled-no-repeated-header", False, False),
]


@pytest.mark.parametrize(("ruled", "repeat_header"), [c[1:] for c in PDF_LAYOUTS], ids=[c[0] for c in PDF_LAYOUTS])
def test_pdf_table_split_over_two_pages(ruled: bool, repeat_header: bool) -> None:
    rows = list_rows(50)
    pdf = make_pdf(rows, repeat_header=repeat_header, ruled=ruled)
    parsed = parse_attachment(pdf, "名单.pdf", "application/pdf")
    assert parsed.status == "ok", parsed.error
    assert parsed.pages == 2
    assert len(parsed.tables) == 1, "the continuation on page 2 is merged"
    assert parsed.tables[0][0] == HEADER
    assert entries_of(parsed) == [(r[2], r[1], r[3]) for r in rows]
    assert "示例第50号循环科技有限公司" in parsed.text
    assert "企业名单(第六批)" in parsed.text


def make_prose_pdf() -> bytes:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    buf = io.BytesIO()
    clauses = ["一、总则",
               "(一)为加强新能源汽车废旧动力电池综合利用行业管理，提高综合利用水平，制订本规范条件。",
               "(二)本规范条件所称综合利用，是指对新能源汽车废旧动力电池进行多层次、多用途的合理利用。"] * 8
    SimpleDocTemplate(buf).build([Paragraph(c, style) for c in clauses])
    return buf.getvalue()


def test_prose_pdf_has_text_and_no_tables() -> None:
    parsed = parse_attachment(make_prose_pdf(), "规范条件.pdf")
    assert parsed.status == "ok", parsed.error
    assert parsed.tables == []
    assert parsed.text.startswith("一、总则")


def test_docx_merged_cells_and_sections() -> None:
    parsed = parse_attachment(make_docx(), "附件.docx")
    assert parsed.status == "ok", parsed.error
    assert parsed.text.split("\n")[:2] == ["附件", "符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单(第六批)"]
    assert parsed.text.split("\n")[-1] == "工业和信息化部"
    table = parsed.tables[0]
    assert table[1] == ["一、综合利用企业"] * 4  # gridSpan expanded
    assert table[3][1] == "江西省"  # vMerge continuation carries the top value
    assert entries_of(parsed) == [
        ("示例锂业（江西）有限公司", "江西省", "梯次利用"),
        ("示例再生江西有限公司", "江西省", "再生利用"),
        ("示例广东循环有限公司", "广东省", "梯次利用和再生利用"),
    ]


def test_xlsx_merged_province_cells() -> None:
    parsed = parse_attachment(make_xlsx(), "名单.xlsx")
    assert parsed.status == "ok", parsed.error
    assert parsed.tables[0][3] == ["2", "四川省", "示例成都再生有限公司", "再生利用"]
    assert entries_of(parsed) == [
        ("示例四川新能源有限公司", "四川省", "梯次利用"),
        ("示例成都再生有限公司", "四川省", "再生利用"),
        ("示例绵阳循环有限公司", "四川省", "梯次利用和再生利用"),
        ("示例重庆科技有限公司", "重庆市", "梯次利用"),
    ]


def test_xls_merged_cells_and_section_rows() -> None:
    parsed = parse_attachment(make_xls(XLS_ROWS, XLS_MERGES), "名单.xls")
    assert parsed.status == "ok", parsed.error
    assert parsed.tables[0][3] == ["天津市", "示例滨海储能有限公司", ""]
    assert entries_of(parsed) == [
        ("示例天津电池有限公司", "天津市", "梯次利用"),
        ("示例滨海储能有限公司", "天津市", "梯次利用"),
        ("示例河北材料有限公司", "河北省", "再生利用"),
    ]


def test_gbk_text_and_html_attachments() -> None:
    txt = parse_attachment(make_txt(), "名单.txt")
    assert txt.tables == [[["序号", "省份", "企业名称"], ["1", "福建省", "示例福建新能源有限公司"]]]
    html = parse_attachment(make_html_attachment(), "名单.htm")
    assert html.tables == [[["序号", "省份", "企业名称"], ["1", "山东省", "示例山东回收有限公司"]]]


def test_wrong_extension_is_parsed_by_content() -> None:
    parsed = parse_attachment(make_xlsx(), "名单.pdf", "application/pdf")
    assert parsed.status == "ok"
    assert parsed.kind == "xlsx"
    assert parsed.notes == ["named as pdf but the content is xlsx; parsed as xlsx"]


def test_url_with_query_and_no_extension_uses_media_type() -> None:
    parsed = parse_attachment(make_docx(), "https://www.miit.gov.cn/download?id=7", "application/msword; charset=x")
    assert parsed.status == "ok"
    assert parsed.kind == "docx"


# --------------------------------------------------------------------------- bad files

def zip_bomb_by_ratio() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * 10_000_000)
    return buf.getvalue()


def zip_bomb_by_size() -> bytes:
    """A container whose directory declares a 300 MB member (the bytes never need to exist)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 300_000_000)
    return bytes(data)


def encrypted_ooxml() -> bytes:
    """What Office writes for a password-protected .xlsx: an OLE2 file, not a ZIP."""
    return ole2({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200, "EncryptedPackage": b"\x00" * 5000})


BAD_FILES = [
    ("empty", lambda: b"", "x.pdf", "empty file"),
    ("garbage-pdf", lambda: bytes(range(256)) * 40, "x.pdf", "not a PDF file"),
    ("garbage-docx", lambda: bytes(range(255, -1, -1)) * 40, "x.docx", "not a DOCX file"),
    ("html-error-page-as-pdf", lambda: b"<html><body>403 Forbidden</body></html>", "x.pdf",
     "not a PDF file (the content is an HTML page)"),
    ("text-as-xlsx", lambda: "序号,企业名称\n".encode(), "x.xlsx", "not an XLSX file (the content is plain text)"),
    ("truncated-pdf", lambda: make_pdf(list_rows(10))[:2000], "x.pdf", "truncated PDF"),
    ("truncated-docx", lambda: make_docx()[:3000], "x.docx", "truncated or corrupt ZIP"),
    ("truncated-xlsx", lambda: make_xlsx()[:-200], "x.xlsx", "truncated or corrupt ZIP"),
    ("truncated-xls", lambda: make_xls(XLS_ROWS)[:1500], "x.xls", "OLE2"),
    ("encrypted-pdf", lambda: make_pdf(list_rows(3), encrypt="secret"), "x.pdf", "encrypted PDF"),
    ("encrypted-ooxml", encrypted_ooxml, "x.xlsx", "encrypted (password-protected) Office file"),
    ("encrypted-xls", lambda: make_xls(XLS_ROWS, encrypted=True), "x.xls", "encrypted"),
    ("zip-bomb-ratio", zip_bomb_by_ratio, "x.xlsx", "compression ratio"),
    ("zip-bomb-size", zip_bomb_by_size, "x.docx", "would expand to 300,000,000 bytes"),
    ("scanned-pdf", make_scanned_pdf, "x.pdf", "no extractable text"),
    ("ole2-neither", lambda: ole2({"Other": b"x"}), "x.doc", "neither a workbook nor a Word document"),
]


@pytest.mark.parametrize(("build", "name", "reason"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_files_fail_with_a_reason(build, name: str, reason: str) -> None:
    parsed = parse_attachment(build(), name)
    assert parsed.status == "failed"
    assert reason in (parsed.error or ""), parsed.error
    assert parsed.text == "" and parsed.tables == []


def test_too_large_is_refused_before_parsing() -> None:
    parsed = parse_attachment(make_xlsx(), "x.xlsx", max_bytes=1000)
    assert parsed.status == "failed"
    assert "too large" in (parsed.error or "")


def test_doc_without_converter_is_unsupported(no_converters: None) -> None:
    parsed = parse_attachment(ole2({"WordDocument": b"\xec\xa5" + b"\0" * 600}), "名单.doc")
    assert parsed.status == "unsupported"
    assert parsed.kind == "doc"
    assert "no .doc converter on PATH" in (parsed.error or "")


def test_rar_archive_is_unsupported_not_failed() -> None:
    parsed = parse_attachment(b"Rar!\x1a\x07\x00" + b"\0" * 100, "名单.rar")
    assert parsed.status == "unsupported"
    assert parsed.kind == "rar"
