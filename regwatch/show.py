"""`regwatch show CHANGE_ID`: one change printed in full, as its alert would say it, but with every
row of the table and every clause word by word (no channel limits apply to a terminal)."""

from __future__ import annotations

from sqlite_utils import Database

from notifier.alert import build_alert
from notifier.render import Rendering, Style
from storage.queries import change_with_siblings


def show_change(db: Database, change_id: int, public_url: str = "") -> str:
    payloads = change_with_siblings(db, change_id)
    rendering = Rendering.for_bundle([build_alert(p) for p in payloads], Style("full", None, public_url))
    return rendering.text
