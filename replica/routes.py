"""Site routes: turn a request into a reply for one of the two sites, at the current state."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from urllib.parse import parse_qsl

from replica import api, pages
from replica.catalog import catalog
from replica.control import Control
from replica.model import Attachment, Document
from replica.scale import filler_documents
from replica.sites import BUILD_UNIT_PATH, PAGE_JS_PATH, SEARCH_PATH, UNITBUILD_JS_PATH, Site
from replica.timeline import CHROME_CHANGE_STATE, CHROME_CHANGE_TIME
from replica.wire import Reply, Request

ARTICLE = re.compile(r"^(/(?:[a-z0-9]+/)+)art/(\d{4})/art_([0-9a-f]{32})\.html$")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
VIEWS_MARK = "\x00views\x00"
BEIJING_OFFSET = timedelta(hours=8)

_file_lock = threading.Lock()
_file_cache: dict[tuple[str, int], bytes] = {}


def attachment_bytes(att: Attachment, variant: int) -> bytes:
    """Build an attachment once per variant; builds are serialised (reportlab is not thread-safe)."""
    key = (att.url_path, variant)
    with _file_lock:
        if key not in _file_cache:
            _file_cache[key] = att.build(variant)
        return _file_cache[key]


def chrome_version(state: int) -> int:
    return 2 if state >= CHROME_CHANGE_STATE else 1


def effective_make_time(doc: Document, state: int) -> str:
    """MakeTime moves when the chrome is regenerated at the noise state."""
    assert doc.make_time
    if state >= CHROME_CHANGE_STATE and doc.published < CHROME_CHANGE_TIME:
        return f"{CHROME_CHANGE_TIME}:00"
    return doc.make_time


def http_date(beijing: str) -> str:
    """'YYYY-MM-DD HH:MM[:SS]' Beijing time as an HTTP date."""
    fmt = "%Y-%m-%d %H:%M:%S" if beijing.count(":") == 2 else "%Y-%m-%d %H:%M"
    moment = datetime.strptime(beijing, fmt) - BEIJING_OFFSET
    return format_datetime(moment.replace(tzinfo=UTC), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: str) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110); weak comparison for ETags."""
    inm = request.header("if-none-match")
    if inm:
        wanted = {tag.strip().removeprefix("W/") for tag in inm.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    ims = request.header("if-modified-since")
    if ims:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _validated(request: Request, reply: Reply, etag: str, last_modified: str) -> Reply:
    reply.headers += [("ETag", etag), ("Last-Modified", last_modified)]
    if not_modified(request, etag, last_modified):
        return Reply(304, b"", reply.content_type, [("ETag", etag), ("Last-Modified", last_modified)], reply.kind)
    return reply


@cache
def _fillers_by_art(scale: int) -> dict[tuple[str, str], Document]:
    return {(d.site, d.art_id): d for d in filler_documents(scale)}


def find_document(site: str, art_id: str, scale: int) -> Document | None:
    doc = catalog().by_art.get((site, art_id))
    if doc is None and scale:
        doc = _fillers_by_art(scale).get((site, art_id))
    return doc


class SiteRoutes:
    def __init__(self, site: Site, control: Control) -> None:
        self.site = site
        self.control = control

    def handle(self, request: Request) -> Reply:
        if request.method == "POST":
            if request.path == BUILD_UNIT_PATH:
                return Reply.json(500, {"message": "不支持的HTTP方法"})
            return Reply.html(405, "<html><body><h1>405 Method Not Allowed</h1></body></html>")
        if request.method not in ("GET", "HEAD"):
            return Reply.html(405, "<html><body><h1>405 Method Not Allowed</h1></body></html>")
        state = self.control.state
        path = request.path
        if path == "/robots.txt":
            return self.robots()
        if path in ("/", "/index.html"):
            return Reply.html(200, pages.home(self.site, chrome_version(state)), "shell")
        if path == UNITBUILD_JS_PATH:
            return Reply(200, pages.UNITBUILD_JS.encode(), "application/javascript;charset=UTF-8")
        if path == PAGE_JS_PATH:
            return Reply(200, pages.PAGE_JS.encode(), "application/javascript;charset=UTF-8")
        if path == BUILD_UNIT_PATH:
            params = dict(parse_qsl(request.query, keep_blank_values=True))
            redesign = self.control.active("redesign", request)
            return Reply.json(200, api.build_unit(self.site, params, state, self.control.scale, redesign), "fragment")
        if path == SEARCH_PATH:
            params = dict(parse_qsl(request.query, keep_blank_values=True))
            return Reply.json(200, api.search(self.site, params, state, self.control.scale))
        if path == "/search/index.html":
            return Reply.html(200, pages.search_page(self.site), "shell")
        if path.startswith(self.site.attach_root):
            return self.attachment(request, state)
        if match := ARTICLE.match(path):
            return self.article(request, state, *match.groups())
        column = self.site.column(path.removesuffix("index.html"))
        if column is not None and (path.endswith("/index.html") or path.endswith("/")):
            return Reply.html(200, pages.shell(self.site, column, chrome_version(state)), "shell")
        return self.missing()

    def missing(self) -> Reply:
        return Reply.html(404, pages.not_found(self.site))

    def robots(self) -> Reply:
        if self.site.key == "miit":  # observed: MIIT answers 403 even for robots.txt
            return Reply.html(403, "<html><body><h1>403 Forbidden</h1></body></html>")
        return Reply(200, pages.ROBOTS_SAMR.encode(), "text/plain; charset=utf-8")

    def article(self, request: Request, state: int, column_path: str, year: str, art_id: str) -> Reply:
        doc = find_document(self.site.key, art_id, self.control.scale)
        column = self.site.column(column_path)
        if (
            doc is None or column is None or doc.state > state or column_path not in doc.columns
            or doc.year != year
        ):
            return self.missing()
        redesign = self.control.active("redesign", request)
        make_time = effective_make_time(doc, state)
        render = pages.miit_article if self.site.key == "miit" else pages.samr_article
        html = render(doc, column, VIEWS_MARK, chrome_version(state), make_time, redesign)
        etag = 'W/"' + hashlib.sha1(html.encode("utf-8")).hexdigest()[:24] + '"'
        reply = _validated(request, Reply(200, kind="article"), etag, http_date(make_time))
        if reply.status == 200:
            views = self.control.view(self.site.key, art_id)
            reply.body = html.replace(VIEWS_MARK, str(views)).encode("utf-8")
        return reply

    def attachment(self, request: Request, state: int) -> Reply:
        found = catalog().attachments.get((self.site.key, request.path))
        if found is None or found[1].state > state:
            return self.missing()
        att = found[0]
        data = attachment_bytes(att, att.variant(state))
        etag = '"' + hashlib.sha1(data).hexdigest()[:32] + '"'
        reply = Reply(200, data, CONTENT_TYPES[att.ext], kind="attachment")
        return _validated(request, reply, etag, http_date(att.modified_at(state)))
