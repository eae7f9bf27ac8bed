"""Charsets: real sites send GBK under a utf-8 header, and the reverse."""

from __future__ import annotations

import pytest

from crawler.extract.article import extract_article
from crawler.extract.decoding import decode_html
from tests.test_extract_article import PAGE, SELECTORS, TITLE, URL


def test_gbk_page_with_utf8_header_decodes() -> None:
    source = PAGE.decode("utf-8").replace("charset=utf-8", "charset=gbk")
    gbk = source.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    article = extract_article(gbk, URL, SELECTORS, encoding="utf-8")
    reference = extract_article(PAGE, URL, SELECTORS, encoding="utf-8")
    assert article.encoding == "gb18030"
    assert article.title == TITLE
    assert article.text == reference.text
    assert article.tables == reference.tables


ENCODINGS = [
    ("gbk-no-declaration", "<html><body><p>废旧动力电池</p></body></html>", "gbk", None, "gb18030"),
    ("gbk-meta-only", '<html><head><meta charset="gb2312"></head><body><p>废旧动力电池</p></body></html>', "gbk",
     None, "gb18030"),
    ("utf8-mislabelled-gbk", "<html><body><p>废旧动力电池综合利用</p></body></html>", "utf-8", "GBK", "utf-8"),
    ("utf8-latin1-header", "<html><body><p>废旧动力电池</p></body></html>", "utf-8", "ISO-8859-1", "utf-8"),
    ("utf8-bom", "\ufeff<html><body><p>废旧动力电池</p></body></html>", "utf-8", "gbk", "utf-8-sig"),
]


@pytest.mark.parametrize(("html", "codec", "header", "used"), [c[1:] for c in ENCODINGS], ids=[c[0] for c in ENCODINGS])
def test_decode_html(html: str, codec: str, header: str | None, used: str) -> None:
    text, chosen = decode_html(html.encode(codec), header)
    assert chosen == used
    assert "废旧动力电池" in text
