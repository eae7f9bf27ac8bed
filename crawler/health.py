"""What went wrong (or right) during one crawl, and the run status it adds up to.

Failures are never content: this record is what lets a crawl say 'blocked' or 'broken'
instead of 'nothing there'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.vocab import Health


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

    def listing_ok(self, rows: int) -> None:
        self.listing_pages += 1
        self.rows += rows

    def listing_failed(self) -> None:
        self.listing_failures += 1

    def article_ok(self) -> None:
        self.articles += 1

    def article_failed(self) -> None:
        self.article_failures += 1

    def blocked(self, url: str, status: int, reason: str) -> None:
        self.blocks.append((url, status, reason))

    def broken(self, url: str, reason: str) -> None:
        self.breaks.append((url, reason))

    def error(self, url: str, message: str) -> None:
        self.errors.append((url, message))

    def note(self, message: str) -> None:
        self.notes.append(message)

    def listings_healthy(self) -> bool:
        return self.listing_pages > 0 and not self.listing_failures and not self.blocks and not self.breaks

    def status(self) -> str:
        """ok, degraded (some errors), blocked (challenge pages), broken (selectors find nothing),
        or failed (nothing could be read)."""
        if self.blocks:
            return Health.BLOCKED.value
        if self.breaks:
            return Health.BROKEN.value
        if self.listing_pages == 0:
            return Health.FAILED.value
        if self.errors or self.listing_failures or self.article_failures or self.notes:
            return Health.DEGRADED.value
        return Health.OK.value

    def message(self) -> str:
        if self.blocks:
            url, status, reason = self.blocks[0]
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
