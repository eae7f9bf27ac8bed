"""The change-kind registry: every kind of change is one class, declared once.

A subclass of `ChangeKind` that sets `kind` registers itself (as notifier/channels/base.py does
for channels). Its declaration is the one home of the kind's display names, severity, typed
details, headline, alert body, sample and lead rank; storage validates against it and the
notifier renders from it, so a kind cannot be half-added.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

from storage.kinds.body import Body, TableRow
from storage.vocab import Severity

Headline = tuple[str, str]
# Fields every sample change has unless its kind says otherwise (previews, tests, the benchmark).
SAMPLE_BASE: dict[str, Any] = {
    "detected_at": "2026-04-28T01:30:00+00:00", "source_id": "miit-jns-wjfb", "document_id": 41,
    "authority": "MIIT", "suspect": 0, "attachments": [],
    "evidence": {"raw_sha256": "3f" * 32, "content_hash": "9a" * 32, "version_id": 12},
}


class UnknownKind(ValueError):
    """A change names a kind nobody declared: fail loudly rather than alert with a guessed headline."""


@dataclass(kw_only=True)
class Details:
    """The typed details of a change. Keys a kind does not declare are kept in `extra`, so
    payloads written before a field was declared still round-trip."""

    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Self:
        if data is not None and not isinstance(data, Mapping):
            raise TypeError(f"{cls.__name__}: details must be a mapping, not {type(data).__name__}")
        rest = dict(data or {})
        declared = {f.name for f in fields(cls)} - {"extra"}
        known = {name: rest.pop(name) for name in list(rest) if name in declared}
        return cls(**known, extra=rest)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form as stored in `changes.details`; unset (None) fields are left out."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return {**{k: v for k, v in out.items() if v is not None}, **self.extra}


class ChangeKind:
    """One kind of change. Subclasses set the class attributes below and override `headline`;
    they may override `severity` (when it depends on the change) and `build_body`."""

    kind: ClassVar[str]
    zh: ClassVar[str]
    en: ClassVar[str]
    default_severity: ClassVar[Severity] = Severity.INFO
    details_type: ClassVar[type[Details]] = Details
    sample: ClassVar[dict[str, Any]]
    lead_rank: ClassVar[int] = 99  # lower heads a bundle of one document's changes
    stored: ClassVar[bool] = True  # False for kinds only ever sent, never written (the test message)
    for_operators: ClassVar[bool] = False  # goes to the ops routes, not the content routes
    for_watchlist: ClassVar[bool] = False  # goes to the watchlist routes (and suppliers' owners) only
    registry: ClassVar[dict[str, type[ChangeKind]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in cls.__dict__:
            return
        missing = [name for name in ("zh", "en", "sample") if not cls.__dict__.get(name)]
        if cls.headline.__func__ is ChangeKind.headline.__func__:  # type: ignore[attr-defined]
            missing.append("headline")
        if missing:
            raise TypeError(f"change kind {cls.kind!r} declares no {', '.join(missing)}")
        if cls.kind in ChangeKind.registry:
            raise TypeError(f"change kind {cls.kind!r} is declared twice")
        ChangeKind.registry[cls.kind] = cls

    @classmethod
    def details(cls, change: Mapping[str, Any]) -> Details:
        raw = change.get("details")
        return cls.details_type.from_dict(raw if isinstance(raw, Mapping) else None)

    @classmethod
    def severity(cls, change: Mapping[str, Any]) -> Severity:
        """The severity when the writer gives none; override when it depends on the change."""
        return cls.default_severity

    @classmethod
    def headline(cls, change: Mapping[str, Any], details: Any) -> Headline:
        """One line of Chinese and its English gloss."""
        raise NotImplementedError

    @classmethod
    def build_body(cls, body: Body, details: Any, change: Mapping[str, Any]) -> None:
        """Add this kind's facts, table, diff and notes to an alert body."""

    @classmethod
    def rows(cls, change: Mapping[str, Any], details: Any) -> list[TableRow]:
        """The enterprises this change puts in an announcement's summary table, with what
        happened to each; kinds about documents or clauses have none."""
        return []

    @classmethod
    def make_sample(cls, **overrides: Any) -> dict[str, Any]:
        """A fresh copy of this kind's sample change, with `overrides` applied."""
        change = {**copy.deepcopy(SAMPLE_BASE), **copy.deepcopy(cls.sample), "kind": cls.kind}
        change.update(overrides)
        change.setdefault("severity", cls.severity(change).value)
        return change


def kind_of(name: object) -> type[ChangeKind]:
    try:
        return ChangeKind.registry[str(name)]
    except KeyError:
        raise UnknownKind(f"unknown change kind {name!r}; kinds: {', '.join(ChangeKind.registry)}") from None


def stored_kinds() -> tuple[str, ...]:
    """The kinds a change row can have (what routes and `regwatch changes --kind` accept)."""
    return tuple(name for name, k in ChangeKind.registry.items() if k.stored)


def headline(change: Mapping[str, Any]) -> Headline:
    kind = kind_of(change.get("kind"))
    return kind.headline(change, kind.details(change))


def describe(change: Mapping[str, Any]) -> str:
    """What happened, in the shared words: "公示后确认 / confirmed" for a list entry, else the
    kind's display names ("规范条件变更 / criteria changed")."""
    try:
        kind = kind_of(change.get("kind"))
    except UnknownKind:
        return str(change.get("kind") or "")
    rows = kind.rows(change, kind.details(change))
    if len(rows) == 1:
        return rows[0].outcome.label
    return f"{kind.zh} / {kind.en}"


def sample(kind: str, **overrides: Any) -> dict[str, Any]:
    return kind_of(kind).make_sample(**overrides)
