"""Small display helpers that several kinds' headlines share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storage.vocab import Authority, Category, lookup

HEADLINE_TITLE_CHARS = 60


def short(text: object, limit: int = HEADLINE_TITLE_CHARS) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def title_of(change: Mapping[str, Any]) -> str:
    return short(change.get("title") or change.get("summary") or change.get("entity") or "")


def authority_short(change: Mapping[str, Any]) -> tuple[str, str]:
    """("工信部", "MIIT"); an unknown code is shown as given."""
    code = str(change.get("authority") or "")
    known = lookup(Authority, code)
    return (known.short if known else code), code or "regulator"


def category_names(change: Mapping[str, Any]) -> tuple[str, str]:
    category = str(change.get("category") or "")
    known = lookup(Category, category)
    if known:
        return known.zh, known.en
    return category or "通知", category or "notice"
