"""Reading a plain-HTML listing with a page source's selectors: CSS and XPath, full titles from
the title attribute, dates in any wrapping, the next page's address."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract.article import extract_article
from crawler.page_listing import iso_date, read_listing
from crawler.selectors import SelectorSyntaxError, is_xpath, select

LISTING = """<html><body><div class="list"><ul>
<li><a href="./202610/t20261009_1.html" title="关于组织开展2026年度申报工作的通知">关于组织开展…</a>
<span>[2026-10-9]</span></li>
<li><a href="javascript:void(0)">置顶</a><span>2026-10-01</span></li>
<li><a href="/a/t20260930_2.html">第二条</a><span>2026年9月30日</span></li>
<li class="ad">没有链接</li>
</ul></div><div class="page"><a class="next" href="index_1.html">下一页</a></div></body></html>"""


@pytest.mark.parametrize("row", ["div.list li", "xpath://div[@class='list']//li", "//div[@class='list']//li"])
def test_rows_links_titles_and_dates(row):
    listing = read_listing(LISTING, "https://gxt.example.gov.cn/tzgg/index.html",
                           {"row": row, "link": "a", "date": "span", "next_page": "a.next"})
    assert [(r.url, r.title, r.date_text) for r in listing.rows] == [
        ("https://gxt.example.gov.cn/tzgg/202610/t20261009_1.html", "关于组织开展2026年度申报工作的通知", "2026-10-09"),
        ("https://gxt.example.gov.cn/a/t20260930_2.html", "第二条", "2026-09-30"),
    ]
    assert listing.next_url == "https://gxt.example.gov.cn/tzgg/index_1.html"


def test_a_listing_that_is_not_html_or_has_no_rows():
    assert not read_listing("", "https://x.example/", {"row": "li"}).parsed
    empty = read_listing("<html><body><p>改版了</p></body></html>", "https://x.example/", {"row": "li"})
    assert empty.parsed and empty.rows == [] and empty.next_url is None


def test_dates_and_selector_kinds():
    assert iso_date("发布时间：2026/1/5 10:00") == "2026-01-05"
    assert iso_date("昨天") == "昨天"
    assert is_xpath("xpath://li") and is_xpath("(//a)[1]") and not is_xpath("ul > li")
    with pytest.raises(SelectorSyntaxError, match="not valid XPath"):
        select(lxml.html.fromstring("<div></div>"), "//li[", "row")


def test_article_selectors_may_be_xpath_too():
    page = ("<html><body><h2 class='t'>标题</h2><div id='c'><p>正文第一段。</p>"
            "<a href='/f/P0201.docx'>附件1</a></div></body></html>")
    article = extract_article(page.encode(), "https://x.example/a.html",
                              {"title": "xpath://h2[@class='t']", "body": "//div[@id='c']"})
    assert article.title == "标题" and "正文第一段" in article.text
    assert article.attachments == [("https://x.example/f/P0201.docx", "附件1")]
