"""Bytes to text for web pages: the sites send GBK under a utf-8 header (and the reverse), so
no declared charset is trusted blindly."""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_html"]

_WEAK_CHARSETS = {"iso8859-1", "latin-1", "latin1", "ascii", "us-ascii", "cp1252", "windows-1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset; GBK and GB2312 read as their superset."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in ("gbk", "gb2312", "gb18030", "hz"):
        return "gb18030"
    return codec


def decode_html(body: bytes | str, header_charset: str | None = None) -> tuple[str, str | None]:
    """Decode a page, trusting nothing blindly: the HTTP header's charset if the bytes decode
    strictly with it, then the <meta> charset, then UTF-8, then GB18030, then UTF-8 with
    replacement. Returns (text, codec used); real sites send GBK under a utf-8 header.

    One exception to that order: when a GB charset is declared but the bytes are valid
    multibyte UTF-8, UTF-8 wins, because GB18030 would decode them into mojibake silently."""
    if isinstance(body, str):
        return body, None
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    header = _codec(header_charset)
    meta_match = _META_CHARSET.search(body[:4096])
    meta = _codec(meta_match.group(1).decode("ascii", "ignore")) if meta_match else None
    candidates: list[str] = []
    if "gb18030" in (header, meta) and not body.isascii():
        # The reverse mislabel: multibyte UTF-8 practically never happens to be valid by accident,
        # while GB18030 decodes almost any UTF-8 into mojibake without an error.
        candidates.append("utf-8")
    if header and header not in _WEAK_CHARSETS:
        candidates.append(header)
    for name in (meta, "utf-8", "gb18030", header):
        if name and name not in candidates:
            candidates.append(name)
    for name in candidates:
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace"), "utf-8"

