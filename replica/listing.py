"""Column listings: which documents a column shows at a state, in which order, with which links.

Order is newest first, except that rows 3 and 4 are swapped (the real lists are not strictly
sorted). Links are absolute on the real host name (http:// on MIIT, https:// on SAMR), except
for documents that ask for a root-relative link or a wap.miit.gov.cn link in that column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from replica.catalog import catalog
from replica.model import Document
from replica.scale import column_fillers
from replica.sites import SITES

SWAP_AT = 2  # 0-based: rows 3 and 4 trade places


@dataclass(frozen=True)
class Row:
    doc: Document
    href: str

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def date(self) -> str:
        return self.doc.date


def row_href(doc: Document, site_key: str, column: str) -> str:
    """The link a listing on `site_key` gives for `doc` in `column`."""
    home = SITES[doc.site]
    if doc.site != site_key:  # a document of the other site, linked from this one
        return f"{home.row_scheme}://{home.host}{doc.path(doc.columns[0])}"
    path = doc.path(column)
    style = doc.href_styles.get(column)
    if style == "relative":
        return path
    if style == "wap":
        return f"http://wap.miit.gov.cn{path}"
    return f"{home.row_scheme}://{home.host}{path}"


def _listed(doc: Document, site_key: str, column: str) -> bool:
    return (doc.site == site_key and column in doc.columns) or (site_key, column) in doc.foreign_columns


@lru_cache(maxsize=256)
def column_rows(site_key: str, column: str, state: int, scale: int) -> tuple[Row, ...]:
    docs = [d for d in catalog().documents if d.state <= state and _listed(d, site_key, column)]
    if scale:
        docs.extend(column_fillers(site_key, column, scale))
    docs.sort(key=lambda d: (d.published, d.art_id), reverse=True)
    if len(docs) > SWAP_AT + 1:
        docs[SWAP_AT], docs[SWAP_AT + 1] = docs[SWAP_AT + 1], docs[SWAP_AT]
    return tuple(Row(d, row_href(d, site_key, column)) for d in docs)


def page(site_key: str, column: str, state: int, scale: int, page_no: int, page_size: int) -> tuple[list[Row], int]:
    """One page of a column (1-based) and the total row count."""
    rows = column_rows(site_key, column, state, scale)
    start = (page_no - 1) * page_size
    return list(rows[start : start + page_size]) if page_no >= 1 else [], len(rows)
