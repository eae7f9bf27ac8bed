"""Reads the packaged data files in replica/data (texts, enterprise lists, minor documents)."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def text(name: str) -> str:
    return (DATA_DIR / name).read_text(encoding="utf-8")


def lines(name: str) -> list[str]:
    """The non-empty lines of a text file, each one paragraph."""
    return [line.strip() for line in text(name).splitlines() if line.strip()]


@cache
def csv_rows(name: str) -> tuple[dict[str, str], ...]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def minor_documents() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(text("minor_documents.json"))["documents"])
