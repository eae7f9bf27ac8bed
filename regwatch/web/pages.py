"""The analysts' pages under /-/regwatch/: the list on a date, the timeline, one change, an
enterprise's history, the sources' health, search, evidence downloads and Atom feeds.

Views only read (Datasette's read-only connections) and render Jinja templates, which escape
everything; HTML built here (snippets, diffs) is escaped piece by piece before it is marked safe.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape
from importlib import resources
from typing import Any

from datasette import Response
from markupsafe import Markup

from notifier.alert import build_alert
from regwatch.changeview import iter_changes, load_change
from regwatch.diffpage import DIFF_CSS, LEGEND, clause_table
from regwatch.feeds import atom_chunks, feed_title
from regwatch.web import queries
from storage.blobs import BlobStore
from storage.errors import QueryTooLong, StorageError
from storage.export_files import write_csv, write_xlsx
from storage.flatten import LIST_COLUMNS
from storage.kinds.body import ENTRY_TYPES
from storage.search import SearchError, search

PREFIX = "/-/regwatch"
NAV = [(f"{PREFIX}/list", "名单 / List"), (f"{PREFIX}/changes", "变更 / Changes"),
       (f"{PREFIX}/search", "搜索 / Search"), (f"{PREFIX}/enterprise", "企业 / Enterprise"),
       (f"{PREFIX}/sources", "数据源 / Sources")]


def today() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)).date().isoformat()


def _db(datasette: Any) -> Any:
    return datasette.get_database()


async def _page(datasette: Any, request: Any, template: str, **context: Any) -> Response:
    context.update(nav=NAV, prefix=PREFIX, active=template, types=ENTRY_TYPES)
    return Response.html(await datasette.render_template(template, context, request=request))


def _arg(request: Any, name: str) -> str:
    return (request.args.get(name) or "").strip()[:200]


def _day(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


async def index(datasette: Any) -> Response:
    return Response.redirect(datasette.urls.path(f"{PREFIX}/list"))


async def list_page(datasette: Any, request: Any) -> Response:
    given = _arg(request, "as_of")
    day = _day(given) or today()
    error = f"“{given}” is not a date (YYYY-MM-DD)" if given and not _day(given) else ""
    filters = {k: _arg(request, k) for k in ("type", "province", "batch")}
    fmt = request.url_vars.get("format")
    entries = await _db(datasette).execute_fn(lambda c: queries.list_on(c, day, **{"type_": filters["type"],
                                                                                  "province": filters["province"],
                                                                                  "batch": filters["batch"]}))
    if fmt:
        out = io.BytesIO()
        (write_xlsx if fmt == "xlsx" else write_csv)(entries, LIST_COLUMNS, out)
        media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                 else "text/csv; charset=utf-8")
        return Response(out.getvalue(), content_type=media,
                        headers={"content-disposition": f'attachment; filename="regwatch-list-{day}.{fmt}"'})
    choices = await _db(datasette).execute_fn(queries.list_choices)
    query = "&".join(f"{k}={v}" for k, v in {"as_of": day, **filters}.items() if v)
    return await _page(datasette, request, "regwatch_list.html", entries=entries, day=day, filters=filters,
                       choices=choices, error=error, query=query)


async def changes_page(datasette: Any, request: Any) -> Response:
    filters = {k: _arg(request, k) for k in ("kind", "severity", "source", "since", "until")}
    for key in ("since", "until"):
        if filters[key] and not _day(filters[key]):
            filters[key] = ""
    found = await _db(datasette).execute_fn(lambda c: queries.timeline(
        c, kind=filters["kind"], severity=filters["severity"], source=filters["source"], since=filters["since"],
        until=filters["until"]))
    choices = await _db(datasette).execute_fn(queries.timeline_choices)
    return await _page(datasette, request, "regwatch_changes.html", changes=found, filters=filters,
                       choices=choices)


def _blob_link(sha: str | None) -> str:
    return f"{PREFIX}/blob/{sha}" if sha else ""


async def change_page(datasette: Any, request: Any) -> Response:
    change_id = int(request.url_vars["id"])
    change = await _db(datasette).execute_fn(lambda c: load_change(c, change_id))
    if change is None:
        return Response.html(f"<h1>No change {change_id}</h1>", status=404)
    alert = build_alert(change)
    related = await _db(datasette).execute_fn(lambda c: queries.related_changes(c, change))
    clauses = (change.get("details") or {}).get("clauses") or []
    diff_html = Markup(LEGEND + clause_table(clauses)) if clauses else ""
    return await _page(datasette, request, "regwatch_change.html", change=change, alert=alert, diff_html=diff_html,
                       blob=_blob_link, related=related)


async def enterprise_page(datasette: Any, request: Any) -> Response:
    name = _arg(request, "name")
    history = await _db(datasette).execute_fn(lambda c: queries.enterprise_history(c, name)) if name else None
    suggestions = await _db(datasette).execute_fn(lambda c: queries.enterprise_names(c, name))
    return await _page(datasette, request, "regwatch_enterprise.html", name=name, history=history,
                       suggestions=suggestions)


async def sources_page(datasette: Any, request: Any) -> Response:
    found = await _db(datasette).execute_fn(queries.sources)
    return await _page(datasette, request, "regwatch_sources.html", sources=found)


def _snippet_html(parts: list[tuple[str, bool]]) -> Markup:
    return Markup("".join(f"<mark>{escape(t)}</mark>" if hit else escape(t) for t, hit in parts))


async def search_page(datasette: Any, request: Any) -> Response:
    q = (request.args.get("q") or "").strip()
    hits, error = [], ""
    if q:
        try:
            hits = await _db(datasette).execute_fn(lambda c: search(c, q, limit=50))
        except (SearchError, QueryTooLong) as exc:
            error = str(exc)
    results = [{"hit": h, "snippet": _snippet_html(h.parts)} for h in hits]
    return await _page(datasette, request, "regwatch_search.html", q=q, results=results, error=error)


async def blob_download(datasette: Any, request: Any) -> Response:
    sha = request.url_vars["sha"]
    found = await _db(datasette).execute_fn(lambda c: queries.evidence_file(c, sha))
    root = (datasette.plugin_config("regwatch") or {}).get("blobs")
    if found is None or not root:
        return Response.text("no such evidence", status=404)
    try:
        data = BlobStore(root).get(sha)
    except StorageError as exc:
        return Response.text(f"evidence unavailable: {exc}", status=410)
    name, media = found
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return Response(data, content_type=media, headers={
        "content-disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''"
                               + "".join(ch if ch.isalnum() and ch.isascii() else
                                         "".join(f"%{b:02X}" for b in ch.encode()) for ch in name),
        "x-content-sha256": sha})


async def feed(datasette: Any, request: Any) -> Response:
    category = request.url_vars.get("category")
    severity = request.url_vars.get("severity")
    scope, title = feed_title(category, severity)
    base = f"{request.scheme}://{request.host}"

    def build(conn: Any) -> str:
        newest = conn.execute("select max(detected_at) from changes").fetchone()[0]
        changes = iter_changes(conn, category=category, severity=severity, newest_first=True, limit=200)
        return "".join(atom_chunks(changes, scope=scope, title=title, base_url=base, updated=newest))

    body = await _db(datasette).execute_fn(build)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


async def stylesheet() -> Response:
    css = resources.files("regwatch.web").joinpath("style.css").read_text("utf-8")
    return Response(css + DIFF_CSS, content_type="text/css; charset=utf-8")


ROUTES = [
    (rf"^{PREFIX}/?$", index),
    (rf"^{PREFIX}/list$", list_page),
    (rf"^{PREFIX}/list\.(?P<format>csv|xlsx)$", list_page),
    (rf"^{PREFIX}/changes$", changes_page),
    (rf"^{PREFIX}/change/(?P<id>\d{{1,12}})$", change_page),
    (rf"^{PREFIX}/enterprise$", enterprise_page),
    (rf"^{PREFIX}/sources$", sources_page),
    (rf"^{PREFIX}/search$", search_page),
    (rf"^{PREFIX}/blob/(?P<sha>[0-9a-f]{{64}})$", blob_download),
    (rf"^{PREFIX}/feed/all\.atom$", feed),
    (rf"^{PREFIX}/feed/category/(?P<category>[a-z_]{{1,32}})\.atom$", feed),
    (rf"^{PREFIX}/feed/severity/(?P<severity>[a-z_]{{1,32}})\.atom$", feed),
    (rf"^{PREFIX}/style\.css$", stylesheet),
]
