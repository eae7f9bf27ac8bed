"""Article pages read with their source's selectors from sources.toml: main text, tables, attachment links."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract.article import GENERIC_ARTICLE_SELECTORS, extract_article
from crawler.extract.htmltext import SelectorError
from crawler.sources import SourceError, load_sources

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
PAGE = (FIXTURES / "miit_article.html").read_bytes()
URL = "https://www.miit.gov.cn/jgsj/jns/gzdt/art/2026/art_0a1b2c3d4e5f40718293a4b5c6d7e8f9.html"
SOURCES = load_sources()
SELECTORS = {**SOURCES["miit"].article, "remove": ".share, script, style"}
TITLE = "关于拟公告的符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单(第六批)的公示"


def test_miit_article_fields() -> None:
    article = extract_article(PAGE, URL, SELECTORS, encoding="utf-8")
    assert article.found == {"title": True, "time": True, "source": True, "body": True}
    assert article.title == TITLE
    assert article.con_time == "发布时间:2026-05-06 16:27"
    assert article.source == "来源:节能与综合利用司"
    assert article.meta["PubDate"] == "2026-05-06 17:02"  # differs from #con_time, as on the real site
    assert article.meta["MakeTime"] == "2026-05-07 09:14:31"
    assert article.encoding == "utf-8"


def test_main_text_keeps_paragraphs_and_drops_chrome() -> None:
    text = extract_article(PAGE, URL, SELECTORS, encoding="utf-8").text
    lines = text.split("\n")
    # A source line break between two Chinese characters is no space (CSS Text 3).
    assert "核查等程序,现将拟公告的符合" in text
    assert "公示时间:2026年5月6日至2026年5月12日。如有异议,请于公示期内以书面形式反馈至节能与综合利用司。" in lines
    assert "联系电话:010-68205365" in lines  # the HTML comment inside the number is gone
    assert lines[-2:] == ["工业和信息化部节能与综合利用司", "2026年5月6日"]
    for chrome in ("分享到", "visits", "版权所有", "首页", "字体"):
        assert chrome not in text


def test_table_in_body_is_rendered_and_returned_expanded() -> None:
    article = extract_article(PAGE, URL, SELECTORS, encoding="utf-8")
    assert article.tables == [[  # cells as published: full-width brackets and colons kept
        ["序号", "省（区、市）", "企业名称", "类型"],
        ["1", "浙江省", "示例循环科技（浙江）有限公司", "梯次利用"],
        ["2", "浙江省", "示例再生资源浙江有限公司", "再生利用"],
        ["3", "湖南省", "示例新材料湖南有限公司", "梯次利用、再生利用"],
        ["注：排名不分先后"] * 4,
    ]]
    lines = article.text.split("\n")
    assert "2\t浙江省\t示例再生资源浙江有限公司\t再生利用" in lines
    assert "注:排名不分先后" in lines  # a colspan is written once in the text


def test_attachment_links_absolute_and_unwrapped() -> None:
    article = extract_article(PAGE, URL, SELECTORS, encoding="utf-8")
    base = "/cms_files/filemanager/1226211233/attach/20265/"
    assert article.attachments == [
        (f"https://www.miit.gov.cn{base}5f0e8d1c2b3a49f8a7e6d5c4b3a29180.pdf", "拟公告企业名单(第六批).pdf"),
        (f"https://www.miit.gov.cn{base}6a1b2c3d4e5f40718293a4b5c6d7e8f9.pdf", "在线预览"),
        (f"http://www.miit.gov.cn{base}7b2c3d4e5f6a40718293a4b5c6d7e8f9.docx", "名单(可编辑版)"),
    ]


def test_redesigned_template_is_reported_not_empty() -> None:
    page = ("<html><head><meta name='ArticleTitle' content='新标题'></head>"
            "<body><div class='new'>正文</div></body></html>")
    article = extract_article(page.encode(), URL, SELECTORS, encoding="utf-8")
    assert article.found == {"title": False, "time": False, "source": False, "body": False}
    assert article.title == "新标题"  # meta ArticleTitle is the fallback
    assert article.text == ""


def test_empty_page() -> None:
    article = extract_article(b"", URL, SELECTORS)
    assert article.found["body"] is False


def test_spans_expanded_in_every_direction() -> None:
    page = """<html><body><div id="con_con"><table>
      <tr><td rowspan="3">甲</td><td colspan="2">乙</td><td rowspan="2">丙</td></tr>
      <tr><td>1</td><td>2</td></tr>
      <tr><td colspan="2" rowspan="1">丁</td><td>3</td></tr>
    </table></div></body></html>"""
    article = extract_article(page, URL, {"body": "#con_con"})
    assert article.tables == [[
        ["甲", "乙", "乙", "丙"],
        ["甲", "1", "2", "丙"],
        ["甲", "丁", "丁", "3"],
    ]]


def test_layout_table_is_read_as_text() -> None:
    page = """<html><body><div id="con_con"><table><tr><td>
      <p>第一段。</p><table><tr><th>省份</th><th>企业名称</th></tr><tr><td>湖南省</td><td>示例有限公司</td></tr></table>
      <p>第二段。</p></td></tr></table></div></body></html>"""
    article = extract_article(page, URL, {"body": "#con_con"})
    assert article.tables == [[["省份", "企业名称"], ["湖南省", "示例有限公司"]]]
    assert article.text.split("\n") == ["第一段。", "省份\t企业名称", "湖南省\t示例有限公司", "第二段。"]


def test_custom_attachment_selector_takes_every_match() -> None:
    page = """<html><body><div id="con_con"><a class="att" href="/download?id=7">名单</a>
      <a href="/other.html">其他</a></div></body></html>"""
    default = extract_article(page, URL, {"body": "#con_con"})
    custom = extract_article(page, URL, {"body": "#con_con", "attachments": "a.att"})
    assert default.attachments == []
    assert custom.attachments == [("https://www.miit.gov.cn/download?id=7", "名单")]


def test_unknown_selector_key_in_sources_toml_names_allowed_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    import crawler.sources

    real = crawler.sources._load_builtin()
    real["miit"]["article"]["bodee"] = "x"
    monkeypatch.setattr(crawler.sources, "_load_builtin", lambda: real)
    with pytest.raises(SourceError, match="unknown key 'bodee'; allowed keys: attachments, body, remove, source"):
        load_sources()


def test_the_generic_fallback_reads_a_page_of_no_source() -> None:
    page = "<html><body><nav>首页</nav><h1>标题</h1><p>正文。</p><footer>版权所有</footer></body></html>"
    article = extract_article(page, URL, GENERIC_ARTICLE_SELECTORS)
    assert (article.title, article.found["body"]) == ("标题", True)
    assert article.text == "标题\n正文。"


def test_bad_css_is_a_selector_error() -> None:
    with pytest.raises(SelectorError, match="body"):
        extract_article(PAGE, URL, {"body": "div[[["})


def test_source_line_breaks_follow_browser_rendering() -> None:
    page = ("<html><body><div id='b'><p>核查等程序，\n  <span>现将</span>名单<b>予以\n公示</b>。Hello\n world</p>"
            "<p>甲<br>乙</p></div></body></html>")
    article = extract_article(page, URL, {"body": "#b"})
    assert article.text == "核查等程序,现将名单予以公示。Hello world\n甲\n乙"
