"""Which enterprises came onto the white list, which left, and which changed, between two
versions of it (公示 against 公告, one batch against the next, a list against its revocation).

Entries are matched by normalised name first, in a hash join, so a 10,000-entry list costs
a few milliseconds. Only the few entries left over are compared fuzzily, and only within
one province, to find renames: a rename is reported as one change, never as an addition
plus a removal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from diff.names import name_similarity, normalize_name

FIELDS = ("enterprise", "province", "type", "batch")
_MAX_CORRECTION = 2  # characters: a typo fixed between 公示 and 公告
_MIN_CORRECTION_LEN = 6  # names shorter than this differ too much with two characters


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One enterprise on the list, as published: the one type for a list entry, from the table
    reader (crawler/extract/listtable.py) through storage to the diff. `row_no` is its number
    in the published table, where the table gives one."""

    enterprise: str
    province: str | None
    type: str
    batch: int | None = None
    row_no: int | None = None


@dataclass
class EntityDiff:
    """added and removed hold entries as given; changed holds (old, new, fields that differ)."""

    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    changed: list[tuple[Any, Any, tuple[str, ...]]] = field(default_factory=list)
    unchanged_count: int = 0

    @property
    def renamed(self) -> list[tuple[Any, Any, tuple[str, ...]]]:
        return [c for c in self.changed if "enterprise" in c[2]]

    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def field_of(entry: Any, name: str) -> Any:
    """Read a field from a dict-like entry or an object with attributes."""
    if type(entry) is dict or isinstance(entry, Mapping):
        return entry.get(name)
    return getattr(entry, name, None)


def _text(entry: Any, name: str) -> str:
    value = field_of(entry, name)
    return "" if value is None else str(value).strip()


def _name_key(entry: Any) -> str:
    given = field_of(entry, "normalized_name")
    return str(given) if given else normalize_name(_text(entry, "enterprise"))


# A prepared entry: (normalised name, province, type, batch or None).
Row = tuple[str, str, str, Any]
_NAME, _PROVINCE, _TYPE, _BATCH = 0, 1, 2, 3
_COLUMNS = ("enterprise", "province", "type")


def _row(entry: Any) -> Row:
    batch = field_of(entry, "batch")
    return (
        _name_key(entry),
        _text(entry, "province"),
        _text(entry, "type"),
        batch,
    )


def _rows(entries: Sequence[Any]) -> list[Row]:
    if all(type(e) is ListEntry for e in entries):  # the common case, without generic lookups
        norm = normalize_name
        return [
            (norm(e.enterprise), (e.province or "").strip(), (e.type or "").strip(), e.batch)
            for e in entries
        ]
    return [_row(e) for e in entries]


def _row_changes(a: Row, b: Row) -> tuple[str, ...]:
    out = [name for n, name in enumerate(_COLUMNS) if a[n] != b[n]]
    ba, bb = a[_BATCH], b[_BATCH]
    if ba is not None and bb is not None and ba != bb and str(ba) != str(bb):
        out.append("batch")
    return tuple(out)


def diff_entries(
    old: Sequence[Any], new: Sequence[Any], *, rename_threshold: float = 0.8
) -> EntityDiff:
    """Compare two lists of entries (ListEntry, dicts or any object with enterprise,
    province, type and optionally batch; a `normalized_name` field is used when present).

    Pairing, in order: same name, province and type; same name and type; same name and
    province; same name. Then, among what is left and within one province and type: a
    rename when the names are at least `rename_threshold` alike
    (diff.names.name_similarity), or differ by one or two characters. Everything else is
    added or removed; so is a rename that also changed province or type, which a reviewer
    should see as two separate facts.
    """
    old_rows = _rows(old)
    new_rows = _rows(new)
    pairs: list[tuple[int, int]] = []
    waiting: dict[tuple[str, ...], list[int]] = {}
    for j, row in enumerate(new_rows):
        waiting.setdefault(row[:3], []).append(j)
    free_old: set[int] = set()
    for i, row in enumerate(old_rows):
        bucket = waiting.get(row[:3])
        if bucket:
            pairs.append((i, bucket.pop(0)))
        else:
            free_old.add(i)
    free_new = {j for bucket in waiting.values() for j in bucket}

    def join(columns: tuple[int, ...]) -> None:
        by_key: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
        for j in sorted(free_new):
            by_key[tuple(new_rows[j][c] for c in columns)].append(j)
        for i in sorted(free_old):
            bucket = by_key.get(tuple(old_rows[i][c] for c in columns))
            if bucket:
                j = bucket.pop(0)
                pairs.append((i, j))
                free_old.discard(i)
                free_new.discard(j)

    for columns in ((_NAME, _TYPE), (_NAME, _PROVINCE), (_NAME,)):
        if free_old and free_new:
            join(columns)
    if free_old and free_new:
        pairs.extend(_pair_renames(old_rows, new_rows, free_old, free_new, rename_threshold))

    diff = EntityDiff()
    for i, j in sorted(pairs, key=lambda p: p[1]):
        a, b = old_rows[i], new_rows[j]
        if a == b:
            diff.unchanged_count += 1
            continue
        changed = _row_changes(a, b)
        if changed:
            diff.changed.append((old[i], new[j], changed))
        else:
            diff.unchanged_count += 1
    diff.added = [new[j] for j in sorted(free_new)]
    diff.removed = [old[i] for i in sorted(free_old)]
    return diff


def _pair_renames(
    old: Sequence[Row],
    new: Sequence[Row],
    free_old: set[int],
    free_new: set[int],
    threshold: float,
) -> list[tuple[int, int]]:
    """Fuzzy pairing of the leftovers, only within one province and type: similar names, or
    a name corrected by one or two characters. Greedy, best evidence first; consumes from
    the free sets."""
    candidates: list[tuple[float, int, int]] = []
    # name_similarity averages the whole-name ratio with the core ratio (at most 1), so a
    # pair reaching the threshold has a whole-name ratio of at least 2*threshold - 1.
    ratio_floor = max(0.0, 2 * threshold - 1) * 100
    buckets_new = _bucket(new, free_new)
    for group, olds in _bucket(old, free_old).items():
        js = buckets_new.get(group)
        if not js:
            continue
        names = [new[j][_NAME] for j in js]
        for i in olds:
            a = old[i][_NAME]
            near = {b for _c, _s, b in process.extract(
                a, names, scorer=fuzz.ratio, limit=None, score_cutoff=ratio_floor)}
            if len(a) >= _MIN_CORRECTION_LEN:
                found = process.extract(
                    a, names, scorer=Levenshtein.distance, limit=None, score_cutoff=_MAX_CORRECTION
                )
                near.update(b for _c, _s, b in found)
            for b in near:
                score = _rename_score(old[i], new[js[b]], threshold)
                if score is not None:
                    candidates.append((score, i, js[b]))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    out = []
    for _score, i, j in candidates:
        if i in free_old and j in free_new:
            out.append((i, j))
            free_old.discard(i)
            free_new.discard(j)
    return out


def _rename_score(a: Row, b: Row, threshold: float) -> float | None:
    """How strongly two leftovers of one province look like one entry renamed; None when
    they do not."""
    if a[_TYPE] != b[_TYPE]:
        return None
    name_a, name_b = a[_NAME], b[_NAME]
    score = name_similarity(name_a, name_b)
    if score >= threshold:
        return score + 1.0
    if min(len(name_a), len(name_b)) >= _MIN_CORRECTION_LEN:
        distance = Levenshtein.distance(name_a, name_b, score_cutoff=_MAX_CORRECTION)
        if distance <= _MAX_CORRECTION:
            return score + 1.0 - 0.1 * distance
    return None


def _bucket(rows: Sequence[Row], free: Iterable[int]) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n in sorted(free):
        out[(rows[n][_PROVINCE], rows[n][_TYPE])].append(n)
    return out


def entry_to_dict(entry: Any) -> dict[str, Any]:
    """The fields of an entry as a plain dict (for JSON), whatever its type."""
    return {name: field_of(entry, name) for name in FIELDS}
