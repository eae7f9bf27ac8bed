"""Text with tab-separated table rows, normalised without losing the tabs.

`diff.text.normalize` folds tabs into spaces (right for comparing prose); a table row
rendered as text keeps its tabs so a reader, or a parser, can split the cells again.
"""

from __future__ import annotations

import re

from diff.text import normalize

CELL_MARK = "\ue0f0"  # a private-use character: untouched by NFKC and not whitespace


def normalize_keeping_tabs(text: str) -> str:
    """`normalize`, except that tabs survive (spaces around them are dropped)."""
    folded = normalize((text or "").replace("\t", CELL_MARK))
    return re.sub(rf" ?{CELL_MARK} ?", "\t", folded)


def table_lines(table: list[list[str]]) -> str:
    """A table as text: one line per non-empty row, cells separated by tabs."""
    return "\n".join("\t".join(row) for row in table if any(row))
