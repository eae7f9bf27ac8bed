"""What the replica serves: documents, their attachments and the list entries they carry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from replica.sites import SITES

# Canonical entry types; tables spell "both" in several ways, documents() always uses these.
TICI = "梯次利用"
ZAISHENG = "再生利用"
BOTH = "梯次利用和再生利用"
UNSPECIFIED = "unspecified"

CATEGORIES = ("whitelist", "criteria", "inspection", "penalty", "related", "irrelevant")
STAGES = ("公示", "公告", "征求意见", "发布", "none")


@dataclass(frozen=True)
class Entry:
    enterprise: str
    province: str
    type: str
    batch: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"enterprise": self.enterprise, "province": self.province, "type": self.type}


@dataclass(frozen=True)
class Attachment:
    """One attachment file. `build(variant)` makes its bytes; variant 1 is the re-export."""

    site: str
    file_id: str
    folder: str  # "<YYYY><M>", month not zero-padded
    ext: str
    name: str  # link text, with extension
    modified: str  # "YYYY-MM-DD HH:MM", for Last-Modified
    build: Callable[[int], bytes] = field(compare=False, repr=False)
    reexport_state: int | None = None  # from this state on, variant 1 is served
    reexport_modified: str | None = None

    @property
    def url_path(self) -> str:
        return f"{SITES[self.site].attach_root}{self.folder}/{self.file_id}.{self.ext}"

    def variant(self, state: int) -> int:
        return 1 if self.reexport_state is not None and state >= self.reexport_state else 0

    def modified_at(self, state: int) -> str:
        if self.variant(state) and self.reexport_modified:
            return self.reexport_modified
        return self.modified


@dataclass
class Document:
    """One article. `body` holds ready HTML blocks (paragraphs, tables, attachment links)."""

    key: str
    site: str
    art_id: str
    columns: tuple[str, ...]
    title: str
    category: str
    stage: str
    published: str  # the #con_time value, "YYYY-MM-DD HH:MM", Beijing time
    body: tuple[str, ...]
    source: str
    state: int = 0
    doc_number: str | None = None
    pubdate_meta: str | None = None
    make_time: str | None = None
    signed_date: str | None = None
    batch: int | None = None
    list_action: str | None = None  # "proposed", "final" or "revoked" for white-list documents
    entries: tuple[Entry, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    authority: str = ""
    keywords: str = ""
    deadline: str | None = None
    href_styles: dict[str, str] = field(default_factory=dict)  # column -> "relative" | "wap"
    foreign_columns: tuple[tuple[str, str], ...] = ()  # (site, column) listings on the other site
    synthetic: bool = False
    scale_index: int | None = None  # set for generated filler articles

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.key}: unknown category {self.category!r}")
        if self.stage not in STAGES:
            raise ValueError(f"{self.key}: unknown stage {self.stage!r}")
        if self.pubdate_meta is None:
            self.pubdate_meta = self.published
        if self.make_time is None:
            self.make_time = f"{self.published}:{int(self.art_id[:2], 16) % 60:02d}"

    @property
    def year(self) -> str:
        return self.published[:4]

    def path(self, column: str) -> str:
        return f"{column}art/{self.year}/art_{self.art_id}.html"

    @property
    def paths(self) -> list[str]:
        return [self.path(c) for c in self.columns]

    @property
    def date(self) -> str:
        return self.published[:10]
