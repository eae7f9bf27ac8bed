"""The hostile-files corpus, generated (never committed as binaries): each file is small on the
wire and ruinous to read naively. `python -m tests.hostile DIR` writes them out for manual runs.

Each entry: name → (file name, bytes builder, words the failure reason must contain).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path


def _real_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "企业名称", "省份"])
    sheet.append([1, "示例再生资源有限公司", "江苏"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _real_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("新能源汽车废旧动力电池综合利用行业规范条件企业名单")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "企业名称", "省份"
    table.cell(1, 0).text, table.cell(1, 1).text = "示例再生资源有限公司", "江苏"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rewrite(package: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same ZIP package with one member's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out.getvalue()


def dimension_bomb() -> bytes:
    """An XLSX with one cell at A1 and one at XFD1048576 (the last cell of a sheet)."""
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")
    return _rewrite(_real_xlsx(), "xl/worksheets/sheet1.xml", change)


def merged_bomb() -> bytes:
    """An XLSX that merges A1:CV100000 (ten million cells) in a 2 KB file."""
    def change(xml: bytes) -> bytes:
        merge = b'<mergeCells count="1"><mergeCell ref="A1:CV100000"/></mergeCells>'
        return xml.replace(b"</sheetData>", b"</sheetData>" + merge)
    return _rewrite(_real_xlsx(), "xl/worksheets/sheet1.xml", change)


def span_table() -> bytes:
    """An HTML page whose table cells each span 1000 rows and 50 columns."""
    rows = "".join("<tr>" + '<td rowspan="1000" colspan="50">甲</td>' * 20 + "</tr>" for _ in range(90))
    return (f'<html><head><meta charset="utf-8"><title>名单</title></head><body><div id="con_con">'
            f"<p>名单如下</p><table>{rows}</table></div></body></html>").encode()


def docx_grid_span() -> bytes:
    """A DOCX whose first table row declares gridBefore = 2,000,000,000."""
    def change(xml: bytes) -> bytes:
        return xml.replace(b"<w:tr>", b'<w:tr><w:trPr><w:gridBefore w:val="2000000000"/></w:trPr>', 1)
    return _rewrite(_real_docx(), "word/document.xml", change)


def zip_bomb() -> bytes:
    """A DOCX-looking package with a member that inflates 64 MB of zeros from ~64 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        with target.open("word/document.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                fh.write(chunk)
    return out.getvalue()


def xml_bomb() -> bytes:
    """A DOCX whose document part starts with the 'billion laughs' entity declarations."""
    lol = b'<!DOCTYPE w [<!ENTITY a "lollollollol">' + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(9)
    ) + b"]>"

    def change(xml: bytes) -> bytes:
        head, _, rest = xml.partition(b"?>")
        return head + b"?>" + lol + rest.replace(b"</w:t>", b"&j;</w:t>", 1)
    return _rewrite(_real_docx(), "word/document.xml", change)


def deep_nesting() -> bytes:
    """An HTML page with its text under 300 nested <div>s (lxml keeps only 255 levels)."""
    return (b'<html><head><meta charset="utf-8"><title>t</title></head><body><div id="con_con">'
            + b"<div>" * 300 + "深处的正文".encode() + b"</div>" * 300 + b"</div></body></html>")


def huge_text() -> bytes:
    """A plain-text file of 3.5 million characters."""
    line = "这是一行很长的正文，用来测试文本大小的上限。\n".encode()
    return line * (3_500_000 // 22)


CORPUS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "dimension_bomb": ("名单.xlsx", dimension_bomb, "column"),
    "merged_bomb": ("名单.xlsx", merged_bomb, "merges"),
    "span_table": ("名单.html", span_table, "table"),
    "docx_grid_span": ("名单.docx", docx_grid_span, "gridBefore"),
    "zip_bomb": ("名单.docx", zip_bomb, "zip bomb"),
    "xml_bomb": ("名单.docx", xml_bomb, "DTD"),
    "deep_nesting": ("名单.html", deep_nesting, "nested"),
    "huge_text": ("名单.txt", huge_text, "characters"),
}



if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (filename, build, _) in CORPUS.items():
        (folder / f"{name}{Path(filename).suffix}").write_bytes(build())
        print(folder / f"{name}{Path(filename).suffix}")
