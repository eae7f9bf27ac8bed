"""HTML pages of both sites: column shells, build/unit fragments, articles, home, search and 404.

Markup follows SITES.md (selectors, meta tags, the unitbuild.js script tag). `redesign=True`
renders the same content with other markup, so that configured selectors find nothing. The chrome
(navigation and footer) has two versions; version 2 appears at the noise state.
"""

from __future__ import annotations

from html import escape

from replica.blocks import plain_text
from replica.listing import Row
from replica.model import Document
from replica.sites import BUILD_UNIT_PATH as UNIT_URL
from replica.sites import PAGE_JS_PATH, UNITBUILD_JS_PATH, Column, Site

CHARSET_META = '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'

MIIT_NAV = {
    1: ("首页", "新闻发布", "政务公开", "政务服务", "互动交流", "数据发布", "专题专栏"),
    2: ("首页", "新闻发布", "政务公开", "政务服务", "互动交流", "数据发布", "专题专栏", "无障碍浏览"),
}
SAMR_NAV = {
    1: ("首页", "机构", "新闻", "政务", "服务", "互动", "专题"),
    2: ("首页", "机构", "新闻", "政务", "服务", "互动", "专题", "English"),
}
FOOTER_YEAR = {1: "2025", 2: "2026"}


def a(text: str) -> str:
    """Escape for HTML text and attribute values."""
    return escape(text, quote=True)


def _page(head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{CHARSET_META}\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{a(content)}">'


# --- chrome -----------------------------------------------------------------------------------


def _miit_header(chrome: int) -> str:
    items = "".join(f'<li><a href="/">{name}</a></li>' for name in MIIT_NAV[chrome])
    return (
        '<div class="header"><div class="w1100 center"><a class="logo" href="/">'
        '<img src="/cms_files/default/images/logo.png" alt="中华人民共和国工业和信息化部"></a>'
        f'<div class="search"><a href="/search/index.html">搜索</a></div></div>'
        f'<div class="nav"><ul class="w1100 center">{items}</ul></div></div>'
    )


def _miit_footer(chrome: int) -> str:
    extra = '<a href="/">网站地图</a> | <a href="/">联系我们</a> | ' if chrome == 2 else ""
    return (
        f'<div class="footer"><p>{extra}主办单位：中华人民共和国工业和信息化部　版权所有 {FOOTER_YEAR[chrome]}</p>'
        "<p>网站标识码bm07000001　京ICP备04000001号</p></div>"
    )


def _samr_header(chrome: int) -> str:
    items = "".join(f'<li><a href="/">{name}</a></li>' for name in SAMR_NAV[chrome])
    return f'<div class="header"><div class="logo">国家市场监督管理总局</div><ul class="nav">{items}</ul></div>'


def _samr_footer(chrome: int) -> str:
    return (
        f'<div class="footer"><p>主办单位：国家市场监督管理总局　版权所有 {FOOTER_YEAR[chrome]}</p>'
        '<p><a href="/">网站地图</a> | <a href="/">联系我们</a></p></div>'
    )


# --- column shells ----------------------------------------------------------------------------


def unit_script(site: Site, column: Column) -> str:
    """The tag the site's unitbuild.js reads: single-quoted pseudo-JSON in queryData."""
    query = (
        f"{{'parseType':'{site.parse_type}','webId':'{site.web_id}','tplSetId':'{site.tpl_set_id}',"
        f"'pageType':'column','tagId':'{site.tag_id}','editType':'null','pageId':'{column.page_id}'}}"
    )
    return f'<script src="{UNITBUILD_JS_PATH}?v=3.1.3-GXB" url="{UNIT_URL}" queryData="{query}"></script>'


def shell(site: Site, column: Column, chrome: int) -> str:
    if site.key == "miit":
        head = f"<title>{a(column.name)}_{a(site.name)}</title>\n" + _meta("ColumnName", column.name)
        body = (
            f"{_miit_header(chrome)}\n"
            f'<div class="w1100 center"><div class="location">当前位置：<a href="/">首页</a> &gt; '
            f"{a(column.parent)} &gt; {a(column.name)}</div>\n"
            f'<div class="lmy_main_r fr">{unit_script(site, column)}</div></div>\n'
            f'<script src="{PAGE_JS_PATH}"></script>\n{_miit_footer(chrome)}'
        )
    else:
        head = (
            f"<title>{a(column.name)}-{a(site.name)}</title>\n"
            + _meta("ColumnName", column.name) + "\n" + _meta("ColId", column.page_id)
        )
        body = (
            f"{_samr_header(chrome)}\n"
            f'<div class="Three_zhnlist"><div class="Three_zhnlist_01">{a(column.name)}</div>'
            f"{unit_script(site, column)}</div>\n"
            f'<script src="{PAGE_JS_PATH}"></script>\n{_samr_footer(chrome)}'
        )
    return _page(head, body)


# --- build/unit fragments ---------------------------------------------------------------------


def _short(title: str, limit: int = 30) -> str:
    return title if len(title) <= limit else title[:limit] + "..."


def miit_fragment(rows: list[Row], count: int, page_no: int, page_size: int, redesign: bool) -> str:
    if redesign:
        items = "".join(
            f'<dd><span class="date">{r.date}</span><a class="title-link" href="{a(r.href)}">{a(r.title)}</a></dd>'
            for r in rows
        )
        pager = f'<div class="pager" data-total="{count}"></div>'
        return f'<div class="list-wrap"><dl class="news-list">{items}</dl>{pager}</div>'
    items = "".join(
        f'<li class="cf"><a class="fl" href="{a(r.href)}" title="{a(r.title)}" target="_blank">{a(_short(r.title))}</a>'
        f'<span class="fr">{r.date}</span></li>'
        for r in rows
    )
    return (
        f'<div id="右侧内容"><div class="page-content"><ul>{items}</ul></div>'
        f'<div class="pagination" rows="{page_size}" count="{count}" pageNo="{page_no}" unitid="右侧内容"></div></div>'
    )


def samr_fragment(rows: list[Row], count: int, page_no: int, page_size: int, redesign: bool) -> str:
    if redesign:
        items = "".join(f'<li><a href="{a(r.href)}">{a(r.title)}</a><em>{r.date}</em></li>' for r in rows)
        return f'<div class="newsList"><ul>{items}</ul></div>'
    items = "".join(
        f'<li class="nav04Left02_content"><a href="{a(r.href)}" title="{a(r.title)}" target="_blank">'
        f'{a(_short(r.title, 36))}</a></li><li class="nav04Left02_contenttime">{r.date}</li>'
        for r in rows
    )
    return (
        f'<div class="Three_zhnlist_02"><ul>{items}</ul></div>'
        f'<div class="page_div" count="{count}" pageNo="{page_no}" pageSize="{page_size}"></div>'
    )


# --- articles ---------------------------------------------------------------------------------


def _description(doc: Document) -> str:
    return plain_text(doc.body).replace("\n", "")[:80]


def miit_article(doc: Document, column: Column, views: int | str, chrome: int, make_time: str, redesign: bool) -> str:
    url = doc.path(column.path)
    metas = [
        _meta("SiteName", "中华人民共和国工业和信息化部"), _meta("SiteDomain", "www.miit.gov.cn"),
        _meta("SiteIDCode", "bm07000001"), _meta("ColumnName", column.name), _meta("ColumnType", column.parent),
        _meta("ArticleTitle", doc.title), _meta("PubDate", doc.pubdate_meta or doc.published),
        _meta("ContentSource", doc.source), _meta("Keywords", doc.keywords or doc.title[:20]),
        _meta("Author", doc.source), _meta("Description", _description(doc)), _meta("Url", url),
        _meta("MakeTime", make_time),
    ]
    head = "\n".join(metas) + f"\n<title>{a(doc.title)}_{a('中华人民共和国工业和信息化部')}</title>"
    body_html = "\n".join(doc.body)
    if redesign:
        main = (
            f'<div class="article"><h2 class="article-title">{a(doc.title)}</h2>'
            f'<div class="article-meta"><span>日期：{doc.published}</span><span>{a(doc.source)}</span>'
            f'<span>阅读：{views}</span></div>\n<div class="article-content">\n{body_html}\n</div></div>'
        )
    else:
        main = (
            f'<div class="ctitle"><h1 id="con_title">{a(doc.title)}</h1></div>\n'
            f'<div class="cinfo center"><span id="con_time">发布时间：{doc.published}</span>'
            f'<span>来源：{a(doc.source)}</span><span class="fr">浏览次数：<em>{views}</em></span></div>\n'
            f'<div id="con_con" class="ccontent center">\n{body_html}\n</div>\n'
            '<div class="cfooter"><a href="javascript:window.print()">打印本页</a>　'
            '<a href="javascript:window.close()">关闭窗口</a></div>'
        )
    body = (
        f"{_miit_header(chrome)}\n<div class=\"w1100 center\"><div class=\"location\">当前位置："
        f'<a href="/">首页</a> &gt; {a(column.parent)} &gt; <a href="{column.path}index.html">{a(column.name)}</a>'
        f"</div>\n{main}\n</div>\n{_miit_footer(chrome)}"
    )
    return _page(head, body)


def samr_article(doc: Document, column: Column, views: int | str, chrome: int, make_time: str, redesign: bool) -> str:
    metas = [
        _meta("SiteName", "国家市场监督管理总局"), _meta("SiteDomain", "www.samr.gov.cn"),
        _meta("ColumnName", column.name), _meta("ColId", column.page_id), _meta("ArticleTitle", doc.title),
        _meta("PubDate", doc.pubdate_meta or doc.published), _meta("ContentSource", doc.source),
        _meta("Keywords", doc.keywords or doc.title[:20]), _meta("Description", _description(doc)),
        _meta("MakeTime", make_time),
    ]
    head = "\n".join(metas) + f"\n<title>{a(doc.title)}</title>"
    body_html = "\n".join(doc.body)
    if redesign:
        main = (
            f'<div class="detail"><div class="detail-title">{a(doc.title)}</div>'
            f'<div class="detail-info">{doc.published}　{a(doc.source)}</div>\n'
            f'<div class="article-body">\n{body_html}\n</div></div>'
        )
    else:
        main = (
            f'<div class="Three_xilan"><div class="Three_xilan_01"><h1>{a(doc.title)}</h1></div>\n'
            f'<div class="Three_xilan_02"><span class="xilan_time">发布时间：{doc.published}</span>'
            f"<span>来源：{a(doc.source)}</span><span>浏览次数：{views}</span></div>\n"
            f'<div class="Three_xilan_07 TRS_Editor">\n{body_html}\n</div>\n'
            '<div class="dw"><a href="javascript:window.print()">【打印】</a>'
            '<a href="javascript:window.close()">【关闭】</a></div>\n'
            '<div class="share">分享到：<a href="javascript:void(0)">微信</a>'
            '<a href="javascript:void(0)">微博</a></div></div>'
        )
    return _page(head, f"{_samr_header(chrome)}\n{main}\n{_samr_footer(chrome)}")


# --- misc pages -------------------------------------------------------------------------------


def home(site: Site, chrome: int) -> str:
    links = "".join(f'<li><a href="{c.path}index.html">{a(c.name)}</a></li>' for c in site.columns)
    header = _miit_header(chrome) if site.key == "miit" else _samr_header(chrome)
    footer = _miit_footer(chrome) if site.key == "miit" else _samr_footer(chrome)
    return _page(f"<title>{a(site.name)}</title>", f'{header}\n<ul class="columns">{links}</ul>\n{footer}')


def search_page(site: Site) -> str:
    return _page(f"<title>搜索_{a(site.name)}</title>",
                 '<div class="search-box"><input id="q" type="text"><button>搜索</button></div>'
                 '<div id="result"></div><script src="/search/js/search.js"></script>')


def not_found(site: Site) -> str:
    body = f'<div class="error"><h2>您访问的页面不存在</h2><a href="/">返回{a(site.name)}首页</a></div>'
    return _page("<title>404</title>", body)


UNITBUILD_JS = """/* unitbuild.js (replica): reads queryData from its own script tag and loads the unit. */
(function () {
  var tag = document.currentScript;
  var url = tag.getAttribute('url');
  var query = JSON.parse(tag.getAttribute('queryData').replace(/'/g, '"'));
  var params = Object.keys(query).map(function (k) {
    return encodeURIComponent(k) + '=' + encodeURIComponent(query[k]);
  }).join('&');
  var xhr = new XMLHttpRequest();
  xhr.open('GET', url + '?' + params);
  xhr.onload = function () {
    var answer = JSON.parse(xhr.responseText);
    if (answer.success) { tag.insertAdjacentHTML('afterend', answer.data.html); }
  };
  xhr.send();
})();
"""

PAGE_JS = """/* page.js (replica): asks for another page of a unit with paramJson={"pageNo":N,"pageSize":M}. */
function unitPage(url, query, pageNo, pageSize) {
  var params = Object.keys(query).map(function (k) {
    return encodeURIComponent(k) + '=' + encodeURIComponent(query[k]);
  });
  params.push('paramJson=' + encodeURIComponent(JSON.stringify({pageNo: pageNo, pageSize: pageSize})));
  return url + '?' + params.join('&');
}
"""

ROBOTS_SAMR = "User-agent: *\nDisallow: /__admin/\nAllow: /\n"
