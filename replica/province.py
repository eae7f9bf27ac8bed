"""A generic provincial look-alike on its own port: plain-HTML listing pages, articles with
attachments, ETags, and the `redesign` fault, for testing the `page` platform end to end.

It answers on the same timeline as the national sites (replica/province_data.py says what each
state shows). Paths follow the TRS convention seen on provincial sites: index.html, then
index_1.html for page 2.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from functools import cache

from replica.control import Control
from replica.files import docx_text, xlsx_table
from replica.province_data import (
    COLUMN,
    NAME,
    ROWS_PER_PAGE,
    TOPIC_PATH,
    TOPIC_TITLE,
    Attachment,
    Notice,
    topic_paragraphs,
    visible,
)
from replica.routes import CONTENT_TYPES, http_date, not_modified
from replica.wire import Reply, Request


@dataclass(frozen=True)
class ProvinceSite:
    key: str = "province"
    name: str = NAME
    host: str = "gxt.hunan.gov.cn"


PROVINCE = ProvinceSite()
ROBOTS = "User-agent: *\nDisallow: /admin/\n"


def _page(title: str, body: str, meta: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>{meta}"
            f"</head><body><div class=\"header\">{NAME}</div>{body}"
            "<div class=\"footer\">主办：湖南省工业和信息化厅（仿） 网站标识码 4300000000</div></body></html>")


def listing_html(state: int, page: int, redesign: bool) -> str | None:
    """Page `page` (1-based) of the column, or None past the last page."""
    notices = visible(state)
    pages = max(1, -(-len(notices) // ROWS_PER_PAGE))
    if page > pages:
        return None
    rows = notices[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]
    link = lambda n: "./" + n.path.removeprefix(COLUMN)  # noqa: E731 - relative, as TRS writes them
    if redesign:  # a new template: the table became a list with other classes
        items = "".join(f"<li class=\"news-item\"><a href=\"{link(n)}\">{html.escape(n.title)}</a>"
                        f"<em>{n.date[:10]}</em></li>" for n in rows)
        listing = f"<div class=\"list-new\"><ul>{items}</ul></div>"
    else:
        items = "".join(
            f"<tr><td>{(page - 1) * ROWS_PER_PAGE + i + 1}</td>"
            f"<td><a href=\"{link(n)}\" title=\"{html.escape(n.title)}\">{html.escape(n.title[:28])}</a></td>"
            f"<td>{n.date[:10]}</td></tr>" for i, n in enumerate(rows))
        listing = f"<div class=\"tyl-main-right-list\"><table><tbody>{items}</tbody></table></div>"
    nxt = f"<a class=\"next\" href=\"index_{page}.html\">下一页</a>" if page < pages else ""
    pager = f"<div class=\"page\">共{len(notices)}条 {nxt}</div>"
    return _page("通知公告", f"<div class=\"crumb\">首页 &gt; 信息公开 &gt; 通知公告</div>{listing}{pager}")


def attachment_path(notice: Notice, attachment: Attachment) -> str:
    return f"{COLUMN}{notice.month}/{attachment.file}"


def article_html(notice: Notice, state: int, views: int, redesign: bool) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in notice.body(state))
    files = notice.files(state)
    links = "".join(f"<p><a href=\"./{a.file}\">{html.escape(a.label)}</a></p>" for a in files)
    attach = f"<div class=\"fj\"><p>附件：</p>{links}</div>" if files else ""
    meta = (f"<meta name=\"ArticleTitle\" content=\"{html.escape(notice.title)}\">"
            f"<meta name=\"PubDate\" content=\"{notice.date}\">"
            f"<meta name=\"ContentSource\" content=\"{NAME}\">")
    body_class = "article-content" if redesign else "tys-main"
    return _page(notice.title, (
        f"<div class=\"tys-title\"><h2>{html.escape(notice.title)}</h2></div>"
        f"<div class=\"tys-info\"><span class=\"time\">发布时间：{notice.date}</span>"
        f"<span class=\"source\">来源：节能与综合利用处</span><span class=\"views\">浏览次数：{views}</span></div>"
        f"<div class=\"{body_class}\">{paragraphs}{attach}</div>"), meta)


@cache
def attachment_bytes(notice_id: str, file: str) -> bytes:
    """The attachment's bytes: a form in DOCX or XLSX, built once."""
    notice = next(n for n in visible(99) if n.id == notice_id)
    attachment = next(a for a in notice.attachments if a.file == file)
    stem = attachment.label.split(".", 1)[-1].rsplit(".", 1)[0]
    if attachment.kind == "xlsx":
        return xlsx_table(stem, ["序号", "市州", "企业名称", "申报类型（梯次利用/再生利用）", "联系人"],
                          [["1", "", "", "", ""]], notice.date)
    return docx_text(stem, [f"{notice.title}（附件）", "企业名称：", "统一社会信用代码：", "申报类型：",
                            "（仿真表格，仅供测试）"], notice.date)


class ProvinceRoutes:
    def __init__(self, control: Control) -> None:
        self.control = control

    def handle(self, request: Request) -> Reply:
        if request.method not in ("GET", "HEAD"):
            return Reply.html(405, "<html><body><h1>405 Method Not Allowed</h1></body></html>")
        state = self.control.state
        redesign = self.control.active("redesign", request)
        path = request.path
        if path == "/robots.txt":
            return Reply(200, ROBOTS.encode(), "text/plain; charset=utf-8")
        if path in ("/", "/index.html"):
            return Reply.html(200, _page(NAME, f"<a href=\"{COLUMN}index.html\">通知公告</a>"), "shell")
        if path == TOPIC_PATH:
            views = self.control.view("province", "fff")
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in topic_paragraphs(state))
            return Reply.html(200, _page(TOPIC_TITLE, f"<div class=\"zt-main\"><h2>{TOPIC_TITLE}</h2>{paragraphs}"
                                                      f"<p class=\"views\">浏览次数：{views}</p></div>"), "article")
        if path.startswith(COLUMN):
            rest = path.removeprefix(COLUMN)
            page = self._page_number(rest)
            if page is not None:
                text = listing_html(state, page, redesign)
                return Reply.html(200, text, "fragment") if text else self.missing()
            for notice in visible(state):
                if path == notice.path:
                    return self._article(request, notice, state, redesign)
                for attachment in notice.files(state):
                    if path == attachment_path(notice, attachment):
                        data = attachment_bytes(notice.id, attachment.file)
                        etag = '"' + hashlib.sha1(data).hexdigest()[:32] + '"'
                        reply = Reply(200, data, CONTENT_TYPES[attachment.kind], kind="attachment")
                        return self._validated(request, reply, etag, notice.date)
        return self.missing()

    @staticmethod
    def _page_number(rest: str) -> int | None:
        if rest in ("", "index.html"):
            return 1
        if rest.startswith("index_") and rest.endswith(".html") and rest[6:-5].isdigit():
            return int(rest[6:-5]) + 1
        return None

    def _article(self, request: Request, notice: Notice, state: int, redesign: bool) -> Reply:
        stable = article_html(notice, state, 0, redesign)
        etag = 'W/"' + hashlib.sha1(stable.encode("utf-8")).hexdigest()[:24] + '"'
        reply = self._validated(request, Reply(200, kind="article"), etag, notice.date)
        if reply.status == 200:
            views = self.control.view("province", notice.id.rjust(3, "0"))
            reply.body = article_html(notice, state, views, redesign).encode("utf-8")
        return reply

    @staticmethod
    def _validated(request: Request, reply: Reply, etag: str, beijing: str) -> Reply:
        modified = http_date(beijing)
        if not_modified(request, etag, modified):
            return Reply(304, b"", reply.content_type, [("ETag", etag), ("Last-Modified", modified)], reply.kind)
        reply.headers += [("ETag", etag), ("Last-Modified", modified)]
        return reply

    @staticmethod
    def missing() -> Reply:
        return Reply.html(404, _page("404", "<h1>页面不存在</h1>"))
