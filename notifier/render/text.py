"""Word diffs as plain text, for the text template (notifier/templates/message.txt)."""

from __future__ import annotations

from collections.abc import Sequence

from diff.render import marked_text
from diff.words import DiffOp
from notifier.render.common import compact


def text_diff(segments: Sequence[DiffOp]) -> str:
    """Word-level marks that survive any mail client: [-removed-]{+added+}."""
    return marked_text(compact(segments))
