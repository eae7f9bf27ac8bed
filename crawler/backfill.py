"""Which listing pages a run reads: the newest while they bring something new, then a few pages
further back into the history, continuing next run from where this one stopped.

A listing's frontier is kept as `remaining`, the number of rows older than the deepest page read
contiguously from the top. Counted from the bottom, it stays true when new rows push older ones
to later pages. A listing is complete when nothing older is left.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Backfill:
    def __init__(self, saved: Mapping[str, Mapping[str, Any]], pages_per_run: int) -> None:
        self.state: dict[str, dict[str, Any]] = {k: dict(v) for k, v in saved.items()}
        self.known_before = set(saved)
        self.pages_per_run = max(1, pages_per_run)

    def seen_before(self, listing: str) -> bool:
        """Read in an earlier run: its newest pages can be read only while they bring news."""
        return listing in self.known_before

    def page_read(self, listing: str, page: int, per_page: int, count: int) -> None:
        """Page `page` was read: move the frontier when the page touches what was read before."""
        st = self.state.setdefault(listing, {"remaining": None, "total": count, "complete": False})
        st["total"] = count
        remaining = st.get("remaining")
        above = count - remaining if remaining is not None else 0
        if remaining is None or (page - 1) * per_page <= above:
            left = max(0, count - page * per_page)
            st["remaining"] = left if remaining is None else min(remaining, left)
        st["complete"] = st["remaining"] == 0

    def stopped_early(self, listing: str, page: int, per_page: int, count: int) -> None:
        """Reading from the top stopped at a cap while rows were still new: what lies between
        the cap and the old frontier was never read, so the frontier moves back up to the cap."""
        st = self.state[listing]
        st["remaining"] = max(st.get("remaining") or 0, count - page * per_page)
        st["complete"] = st["remaining"] == 0

    def resume_page(self, listing: str, per_page: int, count: int, after: int) -> int | None:
        """The first page of history this run should read (after page `after`), or None."""
        st = self.state.get(listing)
        if st is None or st.get("complete") or st.get("remaining") is None or per_page <= 0:
            return None
        page = (count - st["remaining"]) // per_page + 1
        return max(page, after + 1)
