"""Word-level diff of Chinese text: what a compliance officer reads when a document changes.

Both texts are normalised first (diff.text.normalize), so full-width/half-width forms and
stray whitespace never show up as edits. The diff then runs in three stages, each on less text:

1. lines: common leading/trailing lines are cut off, the rest is aligned line by line;
2. jieba words, only inside the changed lines (numbers with their units are kept whole);
3. characters, only inside a changed run of words, so that a one-character edit in a long
   unknown word shows as that word, not as the whole sentence.

Line breaks are kept as tokens so that the output keeps the paragraph structure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from diff.text import normalize, tokenizer

OpName = Literal["equal", "insert", "delete", "replace"]

# A number with an optional comparator and unit: 1.5%, ≥98%, 2200千克标准煤/吨, 5000吨/年,
# 1000万元, 18894元, 2024年; and Chinese ordinals such as 第六批 or 第42号.
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_UNIT_CN = (
    "千克标准煤|千克|公斤|克|吨|千瓦时|千瓦|瓦时|万千瓦|平方米|立方米|米|升|"
    "万元|亿元|元|万|亿|个月|年|月|日|天|小时|分钟|个|家|批|项|次|倍|人|台|套|辆|条|号"
)
NUMBER_RE = re.compile(
    r"(?:[≥≤><]=?)?\d+(?:\.\d+)?"
    r"(?:%|‰|℃|°C|"
    rf"(?:{_UNIT_CN})(?:/(?:{_UNIT_CN}))?|"
    r"[A-Za-z]{1,4}(?:/[A-Za-z0-9]{1,4})?(?![A-Za-z]))?"
    rf"|第[{_CN_DIGITS}\d]+[章节条款项批号]"
)
_ASCII_WORD = re.compile(r"[A-Za-z]+")
# Where a sentence or clause ends: safe places to cut text before tokenising a piece of it.
_CUT_CHARS = frozenset("。；;！!？?\n：:，,、")
_MAX_EXPAND = 3  # grow a character edit by at most this many characters to reach a word edge
_MIN_REFINE_CHARS = 7  # a replaced run shorter than this is already word-sized
_SENTENCE_LEVEL_CHARS = 2_000  # changed text longer than this is aligned by sentences first
_MAX_WORD_DIFF_CHARS = 12_000  # sentences rewritten beyond this are shown as one replacement
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?\n]*|[。；;！!？?\n]+")


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of the diff. For 'equal' old and new hold the same words."""

    op: OpName
    old: str
    new: str


def word_diff(old: str, new: str, *, ignore_line_breaks: bool = False) -> list[DiffOp]:
    """The word diff of two texts. Concatenating the `old` (`new`) parts of the result gives
    the normalised old (new) text back.

    With ignore_line_breaks, runs that differ only in line breaks or spaces count as equal,
    which is what a PDF re-wrapped at another width needs.
    """
    a, b = normalize(old), normalize(new)
    if a == b:
        return [DiffOp("equal", a, a)] if a else []
    ops = _merge(_diff_lines(a, b))
    if ignore_line_breaks:
        ops = _merge(_whitespace_as_equal(ops))
    return _absorb_short_equals(ops)


def _diff_lines(a: str, b: str) -> Iterator[DiffOp]:
    la, lb = a.splitlines(keepends=True), b.splitlines(keepends=True)
    head = 0
    while head < min(len(la), len(lb)) and la[head] == lb[head]:
        head += 1
    tail = 0
    while tail < min(len(la), len(lb)) - head and la[-1 - tail] == lb[-1 - tail]:
        tail += 1
    if head:
        text = "".join(la[:head])
        yield DiffOp("equal", text, text)
    mid_a, mid_b = la[head : len(la) - tail], lb[head : len(lb) - tail]
    matcher = SequenceMatcher(None, mid_a, mid_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        block_a, block_b = "".join(mid_a[i1:i2]), "".join(mid_b[j1:j2])
        if tag == "equal":
            yield DiffOp("equal", block_a, block_b)
        elif tag == "delete":
            yield DiffOp("delete", block_a, "")
        elif tag == "insert":
            yield DiffOp("insert", "", block_b)
        else:
            yield from _diff_block(block_a, block_b)
    if tail:
        text = "".join(la[len(la) - tail :])
        yield DiffOp("equal", text, text)


def _diff_block(a: str, b: str) -> Iterator[DiffOp]:
    """Diff changed lines by words; only the part between the common prefix and suffix
    (cut at punctuation, so jieba sees whole phrases) is tokenised."""
    start = _common_prefix_cut(a, b)
    end_a, end_b = _common_suffix_cut(a, b, start)
    if start:
        yield DiffOp("equal", a[:start], b[:start])
    yield from _diff_middle(a[start:end_a], b[start:end_b])
    if end_a < len(a):
        yield DiffOp("equal", a[end_a:], b[end_b:])


def _diff_middle(a: str, b: str) -> Iterator[DiffOp]:
    """Long changed text (a PDF page as one line, say) is aligned by sentences first, so that
    jieba and the word matcher only see the sentences that differ."""
    if max(len(a), len(b)) <= _SENTENCE_LEVEL_CHARS:
        yield from _diff_tokens(tokens(a), tokens(b))
        return
    sa, sb = _SENTENCE.findall(a), _SENTENCE.findall(b)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        part_a, part_b = "".join(sa[i1:i2]), "".join(sb[j1:j2])
        if tag == "equal":
            yield DiffOp("equal", part_a, part_b)
        elif tag != "replace" or len(part_a) + len(part_b) > _MAX_WORD_DIFF_CHARS:
            yield _op(part_a, part_b)  # a rewrite this large reads best as one replacement
        else:
            yield from _diff_tokens(tokens(part_a), tokens(part_b))


def _common_prefix_cut(a: str, b: str) -> int:
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[n] == b[n]:
        n += 1
    while n > 0 and a[n - 1] not in _CUT_CHARS:
        n -= 1
    return n


def _common_suffix_cut(a: str, b: str, start: int) -> tuple[int, int]:
    n = 0
    limit = min(len(a), len(b)) - start
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    # Cut just before the first punctuation mark inside the common suffix.
    k = len(a) - n
    while k < len(a) and a[k] not in _CUT_CHARS:
        k += 1
    shift = len(a) - k
    return len(a) - shift, len(b) - shift


def tokens(text: str) -> list[str]:
    """jieba words of already-normalised text, with every number-with-unit as one token and
    line breaks kept as tokens."""
    if not text:
        return []
    words: list[str] = tokenizer().lcut(text)
    spans = [m.span() for m in NUMBER_RE.finditer(text)]
    if not spans:
        return words
    inside: set[int] = set()
    cuts = {0, len(text)}
    for start, end in spans:
        inside.update(range(start + 1, end))
        cuts.update((start, end))
    pos = 0
    for word in words:
        pos += len(word)
        if pos not in inside:
            cuts.add(pos)
    ordered = sorted(cuts)
    return [text[i:j] for i, j in itertools.pairwise(ordered) if j > i]


def _diff_tokens(ta: Sequence[str], tb: Sequence[str]) -> Iterator[DiffOp]:
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            text = "".join(ta[i1:i2])
            yield DiffOp("equal", text, text)
        elif tag == "delete":
            yield DiffOp("delete", "".join(ta[i1:i2]), "")
        elif tag == "insert":
            yield DiffOp("insert", "", "".join(tb[j1:j2]))
        else:
            yield from _refine(ta[i1:i2], tb[j1:j2])


def _atoms(text: str) -> list[tuple[int, int]]:
    """Character spans, except that numbers-with-units and ASCII words stay whole."""
    out: list[tuple[int, int]] = []
    whole = sorted(
        [m.span() for m in NUMBER_RE.finditer(text)] + [m.span() for m in _ASCII_WORD.finditer(text)]
    )
    pos = 0
    for start, end in whole:
        if start < pos:
            continue
        out.extend((i, i + 1) for i in range(pos, start))
        out.append((start, end))
        pos = end
    out.extend((i, i + 1) for i in range(pos, len(text)))
    return out


def _bounds(words: Sequence[str]) -> set[int]:
    out = {0}
    pos = 0
    for word in words:
        pos += len(word)
        out.add(pos)
    return out


def _refine(wa: Sequence[str], wb: Sequence[str]) -> Iterator[DiffOp]:
    """Refine a replaced run of words at character level, then grow each edit to whole words
    where that costs only a few characters."""
    a, b = "".join(wa), "".join(wb)
    if len(a) + len(b) < _MIN_REFINE_CHARS:
        yield DiffOp("replace", a, b)
        return
    atoms_a, atoms_b = _atoms(a), _atoms(b)
    keys_a = [a[s:e] for s, e in atoms_a]
    keys_b = [b[s:e] for s, e in atoms_b]
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    if matcher.ratio() < 0.5:
        yield DiffOp("replace", a, b)
        return
    edits: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        ca1 = atoms_a[i1][0] if i1 < len(atoms_a) else len(a)
        ca2 = atoms_a[i2 - 1][1] if i2 > i1 else ca1
        cb1 = atoms_b[j1][0] if j1 < len(atoms_b) else len(b)
        cb2 = atoms_b[j2 - 1][1] if j2 > j1 else cb1
        edits.append([ca1, ca2, cb1, cb2])
    edits = _grow_to_words(edits, _bounds(wa), _bounds(wb), len(a))
    pos_a = pos_b = 0
    for ea1, ea2, eb1, eb2 in edits:
        if ea1 > pos_a:
            yield DiffOp("equal", a[pos_a:ea1], b[pos_b:eb1])
        yield _op(a[ea1:ea2], b[eb1:eb2])
        pos_a, pos_b = ea2, eb2
    if pos_a < len(a):
        yield DiffOp("equal", a[pos_a:], b[pos_b:])


def _grow_to_words(edits: list[list[int]], bounds_a: set[int], bounds_b: set[int], len_a: int) -> list[list[int]]:
    """Move each edit's edges outwards (by the same amount on both sides, so the equal text
    around stays equal) to the nearest word boundary of either text, by at most a few
    characters; then merge edits that touch or are one character apart."""
    for n, edit in enumerate(edits):
        prev_end = edits[n - 1][1] if n else 0
        next_start = edits[n + 1][0] if n + 1 < len(edits) else len_a
        for step in range(min(_MAX_EXPAND, edit[0] - prev_end) + 1):
            if edit[0] - step in bounds_a or edit[2] - step in bounds_b:
                edit[0] -= step
                edit[2] -= step
                break
        for step in range(min(_MAX_EXPAND, next_start - edit[1]) + 1):
            if edit[1] + step in bounds_a or edit[3] + step in bounds_b:
                edit[1] += step
                edit[3] += step
                break
    merged: list[list[int]] = []
    for edit in edits:
        if merged and edit[0] - merged[-1][1] <= 1:
            merged[-1][1] = max(merged[-1][1], edit[1])
            merged[-1][3] = max(merged[-1][3], edit[3])
        else:
            merged.append(list(edit))
    return merged


def _op(a: str, b: str) -> DiffOp:
    if a and b:
        return DiffOp("replace", a, b)
    return DiffOp("delete", a, "") if a else DiffOp("insert", "", b)


def _merge(ops: Iterable[DiffOp]) -> list[DiffOp]:
    """Join neighbouring runs: equal with equal, and any mix of changes into one change."""
    out: list[DiffOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if out and (out[-1].op == "equal") == (op.op == "equal"):
            last = out[-1]
            old, new = last.old + op.old, last.new + op.new
            out[-1] = DiffOp("equal", old, new) if op.op == "equal" else _op(old, new)
        else:
            out.append(op)
    return out


def _absorb_short_equals(ops: list[DiffOp]) -> list[DiffOp]:
    """Fold a short unchanged run squeezed between two larger changes into one change, so that
    a rewritten sentence reads as one replacement instead of confetti around stray 的 and ,."""
    out = list(ops)
    n = 1
    while n < len(out) - 1:
        left, mid, right = out[n - 1], out[n], out[n + 1]
        if mid.op == "equal" and left.op != "equal" and right.op != "equal" and "\n" not in mid.new:
            room = min(max(len(left.old), len(left.new)), max(len(right.old), len(right.new)))
            if len(mid.new) <= room:
                out[n - 1 : n + 2] = [_op(left.old + mid.old + right.old, left.new + mid.new + right.new)]
                n = max(n - 1, 1)
                continue
        n += 1
    return out


def _whitespace_as_equal(ops: Iterable[DiffOp]) -> Iterator[DiffOp]:
    for op in ops:
        if op.op != "equal" and "".join(op.old.split()) == "".join(op.new.split()):
            yield DiffOp("equal", op.old, op.new)
        else:
            yield op


def has_changes(ops: Iterable[DiffOp]) -> bool:
    return any(op.op != "equal" for op in ops)


def changed_numbers(old: str | Sequence[DiffOp], new: str | None = None) -> list[tuple[str, str]]:
    """Numbers with units that changed, as (old, new) pairs in text order: ('1%', '1.5%').

    A number that disappeared is ('97%', ''); one that appeared is ('', '5000吨/年').
    Numbers inside unchanged text are never reported. Pass either two texts or the ops of
    an existing word diff (then `new` is omitted) to avoid diffing twice.
    """
    ops = word_diff(old, new or "") if isinstance(old, str) else old
    pairs: list[tuple[str, str]] = []
    for op in ops:
        if op.op == "equal":
            continue
        na = [m.group() for m in NUMBER_RE.finditer(op.old)]
        nb = [m.group() for m in NUMBER_RE.finditer(op.new)]
        matcher = SequenceMatcher(None, na, nb, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            left, right = na[i1:i2], nb[j1:j2]
            for k in range(max(len(left), len(right))):
                pairs.append((left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
    return pairs


def ops_to_json(ops: Iterable[DiffOp]) -> list[dict[str, str]]:
    """The ops as plain dicts: [{"op": "replace", "old": "1%", "new": "1.5%"}, ...]."""
    return [{"op": op.op, "old": op.old, "new": op.new} for op in ops]
