"""The 规范条件 texts as numbered clauses, and the state-3 draft derived from the 2024年本.

A clause is one line of the text file; its path is the chain of Chinese numbering above it, e.g.
("六、", "（一）", "1.") for the first numbered item under 六、(一).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from replica import corpus

CHAPTER = re.compile(r"^([一二三四五六七八九十]+、)")
SECTION = re.compile(r"^(（[一二三四五六七八九十]+）)")
ITEM = re.compile(r"^(\d+\.)")


@dataclass(frozen=True)
class Clause:
    path: tuple[str, ...]
    text: str

    @property
    def label(self) -> str:
        """Compact label such as 六（一）1 or 八（三）."""
        return "".join(part.rstrip("、.") for part in self.path)


def split_clauses(lines: list[str]) -> list[Clause]:
    """Clauses of a criteria text; the first line (the title) is not a clause."""
    result: list[Clause] = []
    chapter = section = ""
    for line in lines[1:]:
        if m := CHAPTER.match(line):
            chapter, section = m.group(1), ""
            result.append(Clause((chapter,), line))
        elif m := SECTION.match(line):
            section = m.group(1)
            result.append(Clause((chapter, section), line))
        elif m := ITEM.match(line):
            result.append(Clause((chapter, section, m.group(1)), line))
        else:
            result.append(Clause((chapter, section, "…"), line))
    return result


def criteria_2019() -> list[str]:
    return corpus.lines("criteria_2019.txt")


def criteria_2024() -> list[str]:
    return corpus.lines("criteria_2024.txt")


def criteria_2024_draft() -> list[str]:
    return corpus.lines("criteria_2024_draft.txt")


def criteria_revision_draft() -> list[str]:
    """The state-3 draft: the 2024年本 with the edits that replica.timeline declares."""
    from replica.timeline import CRITERIA_DRAFT_EDITS, CRITERIA_DRAFT_TITLE

    lines = criteria_2024()
    lines[0] = CRITERIA_DRAFT_TITLE
    for edit in CRITERIA_DRAFT_EDITS:
        hits = [i for i, line in enumerate(lines) if edit["old_text"] in line]
        if len(hits) != 1:
            raise ValueError(f"draft edit {edit['clause']} must match exactly one line, matched {len(hits)}")
        lines[hits[0]] = lines[hits[0]].replace(edit["old_text"], edit["new_text"])
    return lines
