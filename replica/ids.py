"""Stable 32-hex identifiers, so that every run serves the same art ids, file ids and pageIds."""

from __future__ import annotations

import hashlib


def hex_id(*parts: str) -> str:
    """A lowercase 32-hex id derived from `parts`; the same parts always give the same id."""
    return hashlib.md5("|".join(("regwatch-replica", *parts)).encode("utf-8")).hexdigest()


def page_id(site: str, column_path: str) -> str:
    """An invented column pageId, for columns whose real pageId is unknown."""
    return hashlib.md5(f"{site}{column_path}".encode()).hexdigest()
