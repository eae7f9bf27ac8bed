"""Plain records that the crawl hands to storage: no Scrapy, no parsing left to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diff.entities import ListEntry
from storage.vocab import Category


@dataclass
class StoredAttachment:
    url: str
    name: str
    sha256: str | None
    size: int | None
    media_type: str | None
    kind: str | None
    text: str
    tables: list[Any]
    parse_status: str  # ok | failed | unsupported | not_fetched
    parse_error: str | None = None
    etag: str | None = None  # the file's validators, sent back when a white-list page re-checks it
    last_modified: str | None = None


@dataclass
class IncomingDocument:
    """One successfully read article, parsed and classified.

    `entries` is None when the document carries no list or its list could not be read; an
    empty list is never used to mean "unreadable".
    """

    source_id: str
    authority: str
    doc_key: str
    url: str
    fetched_url: str
    title: str
    text: str
    raw_sha256: str
    art_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int = 200
    column: str | None = None
    listed_title: str | None = None
    listed_date: str | None = None
    doc_number: str | None = None
    published_at: str | None = None
    pubdate_meta: str | None = None
    maketime_meta: str | None = None
    signed_date: str | None = None
    category: str = Category.IRRELEVANT.value
    stage: str = "none"
    batch: int | None = None
    list_kind: str | None = None  # proposed | final | revocation
    classification: dict[str, Any] = field(default_factory=dict)
    entries: list[ListEntry] | None = None
    renames: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name), for list_kind rename
    list_problem: str | None = None
    deadline: str | None = None
    criteria_text: str | None = None
    attachments: list[StoredAttachment] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every attachment was fetched and read; otherwise the next run fetches the page and its
        attachments again in full, so a change hidden by a failure is found once it clears."""
        return all(a.parse_status in ("ok", "unsupported") for a in self.attachments)
