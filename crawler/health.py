"""What went wrong (or right) during one crawl, and the run status it adds up to.

Failures are never content: this record is what lets a crawl say 'blocked' or 'broken'
instead of 'nothing there'. Each failure is also booked against the part of the source it
hit (a column page, a column's listing API, the search API, an attachment kind), so the
alert can name what failed and `regwatch sources` can show each part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.vocab import Health

# Worst first: a part's state in one run is the worst thing that happened to it.
_RANK = {Health.BLOCKED: 4, Health.BROKEN: 3, Health.FAILED: 2, Health.DEGRADED: 1, Health.OK: 0}


def column_part(column: str) -> str:
    return f"column {column}"


def listing_part(column: str) -> str:
    return f"listing API {column}"


SEARCH_PART = "search API"


def attachment_part(kind: str) -> str:
    return f"attachments {kind}"


@dataclass
class PartRun:
    """One part's outcome in this run: its worst state, the first reason, and rows read."""

    state: Health = Health.OK
    reason: str = ""
    rows: int = 0
    read: bool = False  # at least one answer had content

    def worsen(self, state: Health, reason: str) -> None:
        if _RANK[state] > _RANK[self.state]:
            self.state, self.reason = state, reason


@dataclass
class CrawlHealth:
    listing_pages: int = 0
    listing_failures: int = 0
    rows: int = 0
    articles: int = 0
    article_failures: int = 0
    blocks: list[tuple[str, int, str]] = field(default_factory=list)
    breaks: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parts: dict[str, PartRun] = field(default_factory=dict)

    def part(self, name: str) -> PartRun:
        return self.parts.setdefault(name, PartRun())

    def part_ok(self, name: str, rows: int = 0) -> None:
        run = self.part(name)
        run.read = True
        run.rows += rows

    def part_failed(self, name: str, state: Health, reason: str) -> None:
        self.part(name).worsen(state, reason)

    def listing_ok(self, rows: int, part: str | None = None) -> None:
        self.listing_pages += 1
        self.rows += rows
        if part:
            self.part_ok(part, rows)

    def listing_failed(self) -> None:
        self.listing_failures += 1

    def article_ok(self) -> None:
        self.articles += 1

    def article_failed(self) -> None:
        self.article_failures += 1

    def blocked(self, url: str, status: int, reason: str, part: str | None = None) -> None:
        self.blocks.append((url, status, reason))
        if part:
            self.part_failed(part, Health.BLOCKED, reason)

    def broken(self, url: str, reason: str, part: str | None = None) -> None:
        self.breaks.append((url, reason))
        if part:
            self.part_failed(part, Health.BROKEN, reason)

    def error(self, url: str, message: str, part: str | None = None) -> None:
        self.errors.append((url, message))
        if part:
            self.part_failed(part, Health.DEGRADED, message)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def listings_healthy(self) -> bool:
        return self.listing_pages > 0 and not self.listing_failures and not self.blocks and not self.breaks

    def status(self) -> str:
        """ok, degraded (some errors), blocked (challenge pages), broken (selectors find nothing),
        or failed (nothing could be read)."""
        if self.blocks and not self.listing_pages:
            return Health.BLOCKED.value
        if self.breaks:
            return Health.BROKEN.value
        if self.listing_pages == 0:
            return Health.FAILED.value
        if self.blocks:
            return Health.DEGRADED.value  # one part refused us (a 403 on the search API); the rest was read
        if self.errors or self.listing_failures or self.article_failures or self.notes:
            return Health.DEGRADED.value
        return Health.OK.value

    def message(self) -> str:
        if self.blocks and not self.listing_pages:
            url, _status, reason = self.blocks[0]
            return f"{reason} at {url} ({len(self.blocks)} blocked responses)"
        if self.breaks:
            url, reason = self.breaks[0]
            return f"{reason} ({url}; {len(self.breaks)} such problems)"
        if self.listing_pages == 0:
            first = self.errors[0][1] if self.errors else "no listing page could be read"
            return f"nothing could be read: {first}"
        parts = [f"{self.listing_pages} listing pages, {self.rows} rows, {self.articles} articles"]
        if self.errors:
            parts.append(f"{len(self.errors)} errors (first: {self.errors[0][1]})")
        parts.extend(self.notes[:3])
        return "; ".join(parts)

    def part_states(self) -> dict[str, dict[str, object]]:
        """This run's outcome per part, as data for storage (no storage types cross over)."""
        return {name: {"state": run.state.value, "reason": run.reason, "rows": run.rows, "read": run.read}
                for name, run in sorted(self.parts.items())}
