"""Clauses of a 规范条件 or 管理办法, and which of them changed between two versions.

A clause starts at a line with Chinese numbering: 第X章 / 第X节 / 第X条, 一、, (一), 1. or 1、,
(1), 1) and ①. Nesting is taken from the order in which the numbering styles appear, the
way a reader does: a style not yet open starts a child level, a style already open closes
the levels below it. Text before the first number is the preamble (number '', level 0).

PDF extraction breaks lines mid-sentence; such wraps are joined again so that a clause reads
as one paragraph, and clauses are compared on a whitespace-free key so that a different
wrap width, full-width digits or （） against () never count as a change.

Old clauses are matched to new ones by content (rapidfuzz ratio), helped by heading and
position, never by number alone, so inserted, removed and renumbered clauses line up.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from rapidfuzz import fuzz, process

from diff.text import normalize
from diff.words import DiffOp, changed_numbers, has_changes, word_diff

Status = Literal["changed", "added", "removed", "moved"]

_CN = "零〇一二两三四五六七八九十百千"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# NFKC turns ① into 1, so circled numbers are swapped for private-use brackets first.
_CIRCLE_OPEN, _CIRCLE_CLOSE = "\ue000", "\ue001"
_PROTECT = {ord(ch): f"{_CIRCLE_OPEN}{n}{_CIRCLE_CLOSE}" for n, ch in enumerate(_CIRCLED, 1)}
_RESTORE = re.compile(f"{_CIRCLE_OPEN}(\\d+){_CIRCLE_CLOSE}")

# (style, pattern, how the number is written in a path). Group 1 is the number, 2 the rest.
_MARKERS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("chapter", re.compile(rf"^第([{_CN}\d]+)章\s*(.*)$"), "第{}章"),
    ("section", re.compile(rf"^第([{_CN}\d]+)节\s*(.*)$"), "第{}节"),
    ("article", re.compile(rf"^第([{_CN}\d]+)条\s*(.*)$"), "第{}条"),
    ("cn", re.compile(rf"^([{_CN}]+)\s*[、.]\s*(.*)$"), "{}"),
    ("pcn", re.compile(rf"^\(([{_CN}]+)\)\s*[、.]?\s*(.*)$"), "({})"),
    ("num", re.compile(r"^(\d{1,3})\s*(?:、|\.(?!\d))\s*(.*)$"), "{}"),
    ("pnum", re.compile(r"^\((\d{1,3})\)\s*[、.]?\s*(.*)$"), "({})"),
    ("rnum", re.compile(r"^(\d{1,3})\)\s*(.*)$"), "{})"),
    ("circled", re.compile(rf"^({_CIRCLE_OPEN}\d{{1,2}}{_CIRCLE_CLOSE})\s*(.*)$"), "{}"),
)
_TERMINAL = frozenset("。；;！!？?：:")
_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！!？?]")
_HEADING_MAX = 30
_DETACHED_YEAR = re.compile(r"^(?:19|20)\d\d$")
_YEARLESS_EDITION = re.compile(r"\((年本|年修订|年版)\)")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Clause:
    """One numbered clause: its own words, without those of its sub-clauses."""

    number: str
    level: int
    path: tuple[str, ...]
    heading: str
    text: str

    @property
    def label(self) -> str:
        """How a reader cites it: 二(三)1, 第五条, or 序言 for the preamble."""
        return "".join(self.path) if self.path else "序言"

    @property
    def body(self) -> str:
        return "\n".join(part for part in (self.heading, self.text) if part)


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One clause that is not the same in both versions. `similarity` is 0..1 on content."""

    status: Status
    old: Clause | None
    new: Clause | None
    ops: list[DiffOp] = field(default_factory=list)
    numbers: list[tuple[str, str]] = field(default_factory=list)
    similarity: float = 0.0

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and self.old.path != self.new.path

    @property
    def substantive(self) -> bool:
        """False for a clause that only got a new number: its words are the same."""
        return self.status != "moved"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _match_marker(line: str) -> tuple[str, str, str] | None:
    for style, pattern, fmt in _MARKERS:
        m = pattern.match(line)
        if m:
            return style, fmt.format(m.group(1)), m.group(2)
    return None


def _year_into(year: str) -> Callable[[re.Match[str]], str]:
    """A replacement that puts the detached year back into '(年本)'."""
    return lambda m: f"({year}{m.group(1)})"


def _repair_detached_year(lines: list[str]) -> list[str]:
    """PDF extraction can lift the year out of a title: '规范条件(年本)' then '2024'."""
    out: list[str] = []
    for line in lines:
        if out and _DETACHED_YEAR.match(line) and _YEARLESS_EDITION.search(out[-1]):
            out[-1] = _YEARLESS_EDITION.sub(_year_into(line), out[-1], count=1)
            continue
        out.append(line)
    return out


def _full_width_threshold(lines: Sequence[str]) -> float:
    """Lines at least this wide were probably wrapped by the layout, not ended by the author."""
    widths = sorted(_display_width(line) for line in lines)
    if len(widths) < 3:
        return float("inf")
    typical = widths[int(0.9 * (len(widths) - 1))]
    return 0.8 * typical if typical >= 20 else float("inf")


def _restore(text: str) -> str:
    return _RESTORE.sub(lambda m: _CIRCLED[int(m.group(1)) - 1], text)


@dataclass
class _Draft:
    style: str
    number: str
    path: tuple[str, ...]
    lines: list[str]
    first_line_whole: bool = True  # the first line ended where the author ended it
    has_children: bool = False


def split_clauses(text: str) -> list[Clause]:
    """The clauses of a text, in order, with the preamble first when there is one."""
    lines = [line for line in normalize(text.translate(_PROTECT)).split("\n") if line]
    lines = _repair_detached_year(lines)
    full = _full_width_threshold(lines)
    drafts: list[_Draft] = []
    current = _Draft("preamble", "", (), [])
    stack: list[tuple[str, str]] = []
    wrapped = False  # the previous line ran to the margin without ending its sentence
    for line in lines:
        marker = _match_marker(line)
        if marker:
            style, number, rest = marker
            styles = [s for s, _ in stack]
            if style in styles:
                del stack[styles.index(style) :]
            if stack:
                for draft in reversed([*drafts, current]):
                    if draft.path == tuple(n for _, n in stack):
                        draft.has_children = True
                        break
            stack.append((style, number))
            drafts.append(current)
            current = _Draft(style, number, tuple(n for _, n in stack), [rest] if rest else [])
        elif current.lines and wrapped:
            current.lines[-1] += line
            if len(current.lines) == 1:
                current.first_line_whole = False
        else:
            current.lines.append(line)
        wrapped = _display_width(line) >= full and line[-1] not in _TERMINAL
    drafts.append(current)
    return [clause for clause in map(_finish, drafts) if clause is not None]


def _finish(draft: _Draft) -> Clause | None:
    if draft.style == "preamble" and not draft.lines:
        return None
    lines = [_restore(line) for line in draft.lines]
    heading = ""
    numbered = draft.style != "preamble"
    if numbered and lines and draft.first_line_whole and (len(lines) > 1 or draft.has_children):
        first = lines[0]
        if len(first) <= _HEADING_MAX and not _SENTENCE_PUNCT.search(first):
            heading, lines = first, lines[1:]
    path = tuple(_restore(p) for p in draft.path)
    return Clause(path[-1] if path else "", len(path), path, heading, "\n".join(lines))


def clause_key(clause: Clause) -> str:
    """What two clauses must share to count as the same words: whitespace and line breaks
    removed, so a re-wrapped PDF or a spaced-out heading compares equal."""
    return _WS.sub("", clause.body)


def _as_clauses(value: str | Sequence[Clause]) -> list[Clause]:
    return split_clauses(value) if isinstance(value, str) else list(value)


def diff_clauses(
    old_text: str | Sequence[Clause],
    new_text: str | Sequence[Clause],
    *,
    include_moved: bool = True,
    min_similarity: float = 0.35,
) -> list[ClauseChange]:
    """The clauses that changed, were added, removed or only renumbered ('moved'), in the
    order of the new text (removed ones where they used to be). Unchanged clauses are left
    out; pass include_moved=False to drop renumbered-but-identical ones too.

    `min_similarity` is the least content similarity (0..1) for two clauses to be taken as
    one clause edited rather than one removed and another added.
    """
    old, new = _as_clauses(old_text), _as_clauses(new_text)
    keys_old, keys_new = [clause_key(c) for c in old], [clause_key(c) for c in new]
    pairs: dict[int, int] = {}
    gap_old: dict[int, int] = {}
    gap_new: dict[int, int] = {}
    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for gap, (tag, i1, i2, j1, j2) in enumerate(matcher.get_opcodes()):
        if tag == "equal":
            pairs.update(zip(range(i1, i2), range(j1, j2), strict=True))
        else:
            gap_old.update(dict.fromkeys(range(i1, i2), gap))
            gap_new.update(dict.fromkeys(range(j1, j2), gap))
    _pair_moved(keys_old, keys_new, pairs)
    _pair_similar(old, new, keys_old, keys_new, pairs, gap_old, gap_new, min_similarity)

    changes: list[tuple[tuple[float, int], ClauseChange]] = []
    for i, j in pairs.items():
        change = _compare(old[i], new[j], keys_old[i], keys_new[j])
        if change and (include_moved or change.substantive):
            changes.append(((float(j), 0), change))
    matched_new = set(pairs.values())
    for j, clause in enumerate(new):
        if j not in matched_new:
            changes.append(((float(j), 0), ClauseChange("added", None, clause)))
    anchor = -1.0
    for i, clause in enumerate(old):
        if i in pairs:
            anchor = float(pairs[i])
        else:
            changes.append(((anchor + 0.5, i), ClauseChange("removed", clause, None)))
    changes.sort(key=lambda item: item[0])
    return [change for _, change in changes]


def _pair_moved(keys_old: list[str], keys_new: list[str], pairs: dict[int, int]) -> None:
    """Identical clauses that the in-order alignment could not pair: moved elsewhere."""
    taken = set(pairs.values())
    free_new: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(keys_new):
        if j not in taken and key:
            free_new[key].append(j)
    for i, key in enumerate(keys_old):
        if i not in pairs and free_new.get(key):
            pairs[i] = free_new[key].pop(0)


def _pair_similar(
    old: list[Clause],
    new: list[Clause],
    keys_old: list[str],
    keys_new: list[str],
    pairs: dict[int, int],
    gap_old: dict[int, int],
    gap_new: dict[int, int],
    min_similarity: float,
) -> None:
    """Pair the remaining clauses greedily by content, with small bonuses for sitting in the
    same gap between unchanged clauses, keeping the number, and keeping the heading."""
    taken = set(pairs.values())
    rest_old = [i for i in range(len(old)) if i not in pairs]
    rest_new = [j for j in range(len(new)) if j not in taken]
    if not rest_old or not rest_new:
        return
    choices = [keys_new[j] for j in rest_new]
    span_old, span_new = max(len(old) - 1, 1), max(len(new) - 1, 1)
    candidates: list[tuple[float, float, int, int]] = []
    for i in rest_old:
        found = process.extract(
            keys_old[i], choices, scorer=fuzz.ratio, limit=None, score_cutoff=min_similarity * 100
        )
        for _choice, raw, b in found:
            j = rest_new[b]
            content = float(raw) / 100.0
            score = content - 0.2 * abs(i / span_old - j / span_new)
            if gap_old.get(i, -1) == gap_new.get(j, -2):
                score += 0.1
            if old[i].path == new[j].path:
                score += 0.05
            if old[i].heading and old[i].heading == new[j].heading:
                score += 0.05
            candidates.append((score, content, i, j))
    candidates.sort(key=lambda c: (-c[0], c[2], c[3]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _score, _content, i, j in candidates:
        if i not in used_old and j not in used_new:
            pairs[i] = j
            used_old.add(i)
            used_new.add(j)


def _compare(a: Clause, b: Clause, key_a: str, key_b: str) -> ClauseChange | None:
    if key_a == key_b:
        return ClauseChange("moved", a, b, similarity=1.0) if a.path != b.path else None
    ops = word_diff(a.body, b.body, ignore_line_breaks=True)
    if not has_changes(ops):
        return ClauseChange("moved", a, b, similarity=1.0) if a.path != b.path else None
    similarity = fuzz.ratio(key_a, key_b) / 100.0
    return ClauseChange("changed", a, b, ops, changed_numbers(ops), round(similarity, 4))


def substantive(changes: Sequence[ClauseChange]) -> list[ClauseChange]:
    """Only the changes of wording: drops clauses that were merely renumbered."""
    return [c for c in changes if c.substantive]
