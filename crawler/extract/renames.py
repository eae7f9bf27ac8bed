"""Name changes announced for listed enterprises (企业名称变更): (old name, new name) pairs,
from a table with 原名称/变更后名称 columns, or from sentences such as
"A有限公司名称变更为B有限公司" and "A公司更名为B公司".

The old side may carry a few leading words of the sentence (同意…); storage matches it against
the names actually on the list, so that is harmless.
"""

from __future__ import annotations

import re

from diff.text import normalize

_NAME = r"[\u4e00-\u9fffA-Za-z0-9()（）]{2,40}?(?:有限责任公司|股份有限公司|有限公司|公司)"
_SENTENCE = re.compile(rf"({_NAME})(?:的)?(?:企业)?(?:名称)?(?:已)?(?:变更为|更名为)[“\"「]?({_NAME})")
_OLD = re.compile(r"(原|变更前|更名前).*名称|原名称|原企业")
_NEW = re.compile(r"(变更后|更名后|新|现).*名称|变更后|现名称|新名称")


def _header(row: list[str]) -> tuple[int, int] | None:
    old = next((i for i, cell in enumerate(row) if _OLD.search(cell or "")), None)
    new = next((i for i, cell in enumerate(row) if i != old and _NEW.search(cell or "")), None)
    return (old, new) if old is not None and new is not None else None


def rename_pairs(tables: list[list[list[str]]], text: str) -> list[tuple[str, str]]:
    """Every (old, new) name pair the document announces, tables first, without repeats."""
    pairs: list[tuple[str, str]] = []
    for table in tables:
        columns = None
        for row in table:
            cells = [normalize(c or "") for c in row]
            if columns is None:
                columns = _header(cells)
                continue
            old, new = cells[columns[0]] if columns[0] < len(cells) else "", \
                cells[columns[1]] if columns[1] < len(cells) else ""
            if old and new and old != new:
                pairs.append((old, new))
    for match in _SENTENCE.finditer(normalize(text).replace("\n", "")):
        pairs.append((match.group(1), match.group(2)))
    return list(dict.fromkeys(pairs))  # first occurrence of each pair, in order
