"""HTML building blocks for article bodies, in the plain style of the real CMS editors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from replica.ids import hex_id
from replica.model import Attachment

CN_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
CENTERED = (
    re.compile(r"^中华人民共和国\S{2,12}公告$"),
    re.compile(r"^\d{4}年第\d+号$"),
    re.compile(r"^\S{1,10}〔\d{4}〕\d+号$"),
    re.compile(r"^行政处罚决定书$"),
)
CN_NUMERALS = "一二三四五六七八九十"


def cn_numeral(n: int) -> str:
    """Chinese numeral for 1..99 (第六批, 第十四批)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMERALS[tens - 1]) + "十" + (CN_NUMERALS[ones - 1] if ones else "")


def cn_date(iso: str) -> str:
    """2018-09-03 → 2018年9月3日."""
    y, m, d = iso[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def attach_folder(when: str) -> str:
    """The attachment folder for a date: year and month, month not zero-padded (attach/20189/)."""
    return f"{int(when[:4])}{int(when[5:7])}"


def file_id(doc_key: str, name: str) -> str:
    return hex_id("file", doc_key, name)


def p(text: str, align: str | None = None) -> str:
    style = f' style="text-align: {align};"' if align else ""
    return f"<p{style}>{escape(text, quote=False)}</p>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<td><strong>{escape(h)}</strong></td>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<table border="1" cellspacing="0" cellpadding="4" width="100%">'
        f"<tbody><tr>{head}</tr>{body}</tbody></table>"
    )


def attachment_links(attachments: Sequence[Attachment]) -> list[str]:
    """附件： followed by the links; numbered when there is more than one."""
    if len(attachments) == 1:
        a = attachments[0]
        return [f'<p>附件：<a href="{a.url_path}" target="_blank">{escape(a.name)}</a></p>']
    out = []
    for i, a in enumerate(attachments, start=1):
        lead = "附件：" if i == 1 else "　　　"
        out.append(f'<p>{lead}{i}. <a href="{a.url_path}" target="_blank">{escape(a.name)}</a></p>')
    return out


def _signature_start(lines: Sequence[str]) -> int:
    """Index of the first trailing signature line (signer names and the date), right-aligned."""
    start = len(lines)
    for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
        line = lines[i]
        if len(line) <= 30 and not re.search(r"[。：；，、（]", line.replace("　", "")):
            start = i
        else:
            break
    return start


def paragraphs(lines: Sequence[str], attachments: Sequence[Attachment] = ()) -> list[str]:
    """Body blocks from text lines: centred heads, right-aligned signature, 附件 lines as links."""
    out: list[str] = []
    signature = _signature_start(lines)
    linked = False
    for i, line in enumerate(lines):
        if line.startswith("附件：") and attachments:
            out.extend(attachment_links(attachments))
            linked = True
        elif i >= signature:
            out.append(p(line, "right"))
        elif any(rx.match(line) for rx in CENTERED):
            out.append(p(line, "center"))
        else:
            out.append(p(line))
    if attachments and not linked:
        at = signature if signature < len(lines) else len(out)
        out[at:at] = attachment_links(attachments)
    return out


def plain_text(blocks: Sequence[str]) -> str:
    """Text of body blocks, one line per block, for search matching."""
    from html import unescape

    return "\n".join(unescape(re.sub(r"<[^>]+>", " ", block)).strip() for block in blocks)
