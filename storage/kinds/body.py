"""The neutral body of an alert that each change kind fills in: facts, a table of enterprises,
a word diff, clauses and notes. Nothing is escaped or formatted here; each renderer does that."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from diff.entities import ListEntry
from diff.words import DiffOp, OpName
from storage.chinese import batch_labels
from storage.vocab import Outcome

ENTRY_TYPES = {"unspecified": "未区分 / unspecified", "both": "梯次利用、再生利用"}


# A white-list row as an alert shows it: (mark, entry), where mark is '+' added, '-' removed,
# 'old'/'new' for a change and '' as listed; the entry's type is already its display label.
EntryRow = tuple[str, ListEntry]


@dataclass(frozen=True)
class TableRow:
    """One line of an announcement's summary table: an enterprise and what happened to it."""

    enterprise: str
    province: str
    type: str
    outcome: Outcome
    note: str = ""  # e.g. the name it was renamed from
    change_id: int | None = None  # the change that says so (set when a summary is built)

    @property
    def what(self) -> str:
        return self.outcome.label + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class ClauseRow:
    """One changed clause as an alert shows it: its number, status, word diff and changed figures."""

    number: str
    status: str
    segments: tuple[DiffOp, ...]
    numbers: tuple[tuple[str, str], ...] = ()


@dataclass
class Body:
    facts: list[tuple[str, str]] = field(default_factory=list)
    entries_caption: str = ""
    entries: list[EntryRow] = field(default_factory=list)
    text_diff: list[DiffOp] = field(default_factory=list)
    clauses: list[ClauseRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def batch_fact(self, batch: object) -> None:
        zh, en = batch_labels(batch)
        if zh:
            self.facts.append(("批次 / Batch", f"{zh} / {en}"))


def segments(diff: object) -> list[DiffOp]:
    """Diff ops from their stored JSON form, tolerating missing fields in old rows."""
    out = []
    for op in diff if isinstance(diff, list) else []:
        if isinstance(op, Mapping):
            name = cast(OpName, str(op.get("op") or "equal"))
            out.append(DiffOp(name, str(op.get("old") or ""), str(op.get("new") or "")))
    return out


def table_row(outcome: Outcome, row: Mapping[str, Any] | None, note: str = "") -> TableRow:
    row = row or {}
    kind = str(row.get("type") or "")
    return TableRow(str(row.get("enterprise") or ""), str(row.get("province") or ""),
                    ENTRY_TYPES.get(kind, kind), outcome, note)


def entry_row(mark: str, row: Mapping[str, Any] | None) -> EntryRow:
    row = row or {}
    kind = str(row.get("type") or "")
    return mark, ListEntry(str(row.get("enterprise") or ""), str(row.get("province") or ""),
                           ENTRY_TYPES.get(kind, kind))
