"""What a spider hands to the pipeline: one fetched document with its attachments' raw bytes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class AttachmentItem:
    url: str
    public_url: str
    name: str
    body: bytes | None = None
    media_type: str | None = None
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None  # the validators it came with: the next re-check sends them back
    last_modified: str | None = None


@dataclass
class DocumentItem:
    """One fetch of an article. `outcome` says what happened:

    ok (body fetched), not_modified (304), missing (404/410), failed (the page could not be
    read: a challenge, a truncated or redesigned page; never evidence of removal).
    """

    source_id: str
    doc_key: str
    url: str
    public_url: str
    outcome: str
    art_id: str | None = None
    http_status: int | None = None
    column: str | None = None
    listed_title: str | None = None
    listed_date: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body: bytes | None = None
    encoding: str | None = None
    article: Any = None
    attachments: list[AttachmentItem] = field(default_factory=list)
    error: str | None = None
    whole_page: bool = False  # a page source's page watched as a whole, not an article
