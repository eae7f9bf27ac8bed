"""regwatch's web UI: a Datasette plugin shipped inside the package.

It registers the analysts' pages under /-/regwatch/, the search SQL functions on every
connection, and a stylesheet. `regwatch serve` runs Datasette in-process with it; a plain
`datasette` finds it through the `datasette` entry point.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from regwatch.web import pages
from storage.errors import QueryTooLong
from storage.search import SearchError, match_expression, snippet_parts
from storage.search import parse_query as _parse


def _fts(conn: sqlite3.Connection):
    def fn(query: str) -> str:
        try:
            return match_expression(conn, query)[0] or '"\x01"'
        except (SearchError, QueryTooLong):
            return '"\x01"'
    return fn


def _snippet(query: str, text: str) -> str:
    """The snippet (matches in [brackets]) of a text for a query, as the CLI shows it."""
    try:
        words = _parse(query)
    except (SearchError, QueryTooLong) as exc:
        return str(exc)
    return "".join(f"[{t}]" if hit else t for t, hit in snippet_parts(text or "", words))


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("regwatch_match", 1, _fts(conn))
    conn.create_function("regwatch_snippet", 2, _snippet)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return pages.ROUTES


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/regwatch/style.css")]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [{"href": datasette.urls.path(path), "label": label} for path, label in pages.NAV]
