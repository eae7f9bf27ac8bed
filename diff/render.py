"""Render word, clause and entity diffs as plain text, JSON-able dicts, or escaped HTML.

This is the one home of the diff markup: plain text uses neutral markers, [-deleted-] and
{+inserted+}, which every channel can show or turn into its own markup; HTML escapes every
string taken from the input (html.escape) and marks changes with <del>/<ins> carrying one set
of inline colours, since mail clients drop style sheets. The notifier's text and HTML alerts
call `marked_text` and `marked_html` rather than marking diffs themselves.

JSON schema (stable; a new field may be added, none is renamed or removed without a new
"schema" version):

word diff::

    {"schema": "regwatch.worddiff/1",
     "ops": [{"op": "equal"|"insert"|"delete"|"replace", "old": str, "new": str}, ...],
     "summary": str}                      # summarize_ops, one line

clause diff::

    {"schema": "regwatch.clausediff/1",
     "counts": {"changed": int, "added": int, "removed": int, "moved": int},
     "changes": [{"status": "changed"|"added"|"removed"|"moved",
                  "label": str,            # 二(三)1 of the new clause, else of the old one
                  "similarity": float,     # 0..1, content similarity of old and new
                  "old": CLAUSE | null, "new": CLAUSE | null,
                  "ops": [OP, ...],        # as in the word diff; [] unless "changed"
                  "numbers": [[old, new], ...],   # changed numbers, "" when absent
                  "summary": str}, ...]}
    CLAUSE = {"number": str, "level": int, "path": [str, ...], "label": str,
              "heading": str, "text": str}

entity diff::

    {"schema": "regwatch.entitydiff/1",
     "counts": {"added": int, "removed": int, "changed": int, "unchanged": int},
     "added": [ENTRY, ...], "removed": [ENTRY, ...],
     "changed": [{"old": ENTRY, "new": ENTRY, "fields": [str, ...]}, ...]}
    ENTRY = {"enterprise": str, "province": str|null, "type": str|null, "batch": int|null}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any, Literal, Protocol

from diff.clauses import Clause, ClauseChange
from diff.entities import EntityDiff, entry_to_dict
from diff.words import DiffOp, has_changes, ops_to_json

Format = Literal["text", "json", "html"]
FORMATS = ("text", "json", "html")

DEL_BACKGROUND = "#ffebe9"
INS_BACKGROUND = "#dafbe1"
DEL_STYLE = f"background:{DEL_BACKGROUND};color:#a40e26;text-decoration:line-through"
INS_STYLE = f"background:{INS_BACKGROUND};color:#116329;text-decoration:none"
_STATUS_ZH = {"changed": "修改", "added": "新增", "removed": "删除", "moved": "编号变动"}
_STATUS_EN = {"changed": "changed", "added": "added", "removed": "removed", "moved": "renumbered"}
# The bilingual label of a clause's status, for every page and alert that shows one.
CLAUSE_STATUS = {key: f"{zh} / {_STATUS_EN[key]}" for key, zh in _STATUS_ZH.items()}


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


class Op(Protocol):
    """What the markers need of a diff op: DiffOp, or anything shaped like it."""

    @property
    def op(self) -> str: ...
    @property
    def old(self) -> str: ...
    @property
    def new(self) -> str: ...


def deleted_text(text: str) -> str:
    return f"[-{text}-]"


def inserted_text(text: str) -> str:
    return f"{{+{text}+}}"


def marked_text(ops: Iterable[Op]) -> str:
    """The whole text with [-deleted-]{+inserted+} markers, which survive any mail client."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.new or op.old)
            continue
        if op.old:
            parts.append(deleted_text(op.old))
        if op.new:
            parts.append(inserted_text(op.new))
    return "".join(parts)


def deleted_html(text: str) -> str:
    """Escapes `text` and marks it deleted."""
    return f'<del style="{DEL_STYLE}">{escape(text)}</del>'


def inserted_html(text: str) -> str:
    return f'<ins style="{INS_STYLE}">{escape(text)}</ins>'


def marked_html(ops: Iterable[Op]) -> str:
    """The whole text, escaped, with <del>/<ins> marks and line breaks as <br>."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(escape(op.new or op.old))
            continue
        if op.old:
            parts.append(deleted_html(op.old))
        if op.new:
            parts.append(inserted_html(op.new))
    return "".join(parts).replace("\n", "<br>\n")


def _one_line(text: str) -> str:
    return text.replace("\n", "⏎")


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    tail = max(limit // 4, 1)
    return text[: limit - tail - 1] + "…" + text[-tail:]


def summarize_ops(ops: Sequence[DiffOp], context: int = 12, max_change: int = 80) -> str:
    """A compact one-line summary with neutral markers: …低于[-1%-]{+1.5%+},杂质铜…

    Unchanged text keeps `context` characters on each side of a change; the rest is elided
    with …; a very long change is clipped to about `max_change` characters. Line breaks
    show as ⏎. An empty string means nothing changed.
    """
    if not has_changes(ops):
        return ""
    parts: list[str] = []
    last = len(ops) - 1
    for n, op in enumerate(ops):
        if op.op == "equal":
            text = op.new
            if n == 0:
                text = text if len(text) <= context else "…" + text[-context:]
            elif n == last:
                text = text if len(text) <= context else text[:context] + "…"
            elif len(text) > 2 * context + 1:
                text = text[:context] + "…" + text[-context:]
            parts.append(_one_line(text))
            continue
        if op.old:
            parts.append(deleted_text(_one_line(_clip(op.old, max_change))))
        if op.new:
            parts.append(inserted_text(_one_line(_clip(op.new, max_change))))
    return "".join(parts)


def render_word_diff(ops: Sequence[DiffOp], fmt: Format = "text") -> Any:
    """The whole text with changes marked (text, html), or the schema above (json)."""
    _check(fmt)
    if fmt == "json":
        return {"schema": "regwatch.worddiff/1", "ops": ops_to_json(ops), "summary": summarize_ops(ops)}
    if fmt == "html":
        return f'<div class="regwatch-worddiff">{marked_html(ops)}</div>'
    return marked_text(ops)


def _clause_json(clause: Clause | None) -> dict[str, Any] | None:
    if clause is None:
        return None
    return {
        "number": clause.number,
        "level": clause.level,
        "path": list(clause.path),
        "label": clause.label,
        "heading": clause.heading,
        "text": clause.text,
    }


def _label(change: ClauseChange) -> str:
    clause = change.new or change.old
    return clause.label if clause else ""


def _clause_summary(change: ClauseChange) -> str:
    if change.status == "changed":
        return summarize_ops(change.ops)
    if change.status == "moved" and change.old and change.new:
        return f"{change.old.label} → {change.new.label}"
    clause = change.new or change.old
    return clause.body.replace("\n", " ") if clause else ""


def _counts(changes: Sequence[ClauseChange]) -> dict[str, int]:
    counts = dict.fromkeys(_STATUS_ZH, 0)
    for change in changes:
        counts[change.status] += 1
    return counts


def render_clause_diff(changes: Sequence[ClauseChange], fmt: Format = "text") -> Any:
    """One block per clause: label, status (Chinese and English), the word diff of a changed
    clause with its changed numbers, the full text of an added or removed one."""
    _check(fmt)
    if fmt == "json":
        return {
            "schema": "regwatch.clausediff/1",
            "counts": _counts(changes),
            "changes": [
                {
                    "status": c.status,
                    "label": _label(c),
                    "similarity": c.similarity,
                    "old": _clause_json(c.old),
                    "new": _clause_json(c.new),
                    "ops": ops_to_json(c.ops),
                    "numbers": [list(pair) for pair in c.numbers],
                    "summary": _clause_summary(c),
                }
                for c in changes
            ],
        }
    if fmt == "html":
        return _clause_html(changes)
    return _clause_text(changes)


def _status_line(change: ClauseChange) -> str:
    label = _label(change)
    if change.renumbered and change.old:
        label = f"{change.old.label} → {label}"
    return f"{label} {_STATUS_ZH[change.status]} ({_STATUS_EN[change.status]})"


def _numbers_text(numbers: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{a or '—'} → {b or '—'}" for a, b in numbers)


def _clause_text(changes: Sequence[ClauseChange]) -> str:
    if not changes:
        return "条款无变化 (no clause changed)"
    blocks: list[str] = []
    previous_moved = False
    for change in changes:
        if change.status == "moved":
            if previous_moved:
                blocks[-1] += "\n" + _status_line(change)
            else:
                blocks.append(_status_line(change))
            previous_moved = True
            continue
        previous_moved = False
        lines = [_status_line(change)]
        if change.status == "changed":
            lines.append("  " + marked_text(change.ops).replace("\n", "\n  "))
            if change.numbers:
                lines.append("  数值 (numbers): " + _numbers_text(change.numbers))
        elif change.status in ("added", "removed"):
            clause = change.new or change.old
            mark = inserted_text if change.status == "added" else deleted_text
            if clause:
                lines.append("  " + mark(clause.body).replace("\n", "\n  "))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _clause_html(changes: Sequence[ClauseChange]) -> str:
    if not changes:
        return '<div class="regwatch-clausediff"><p>条款无变化 (no clause changed)</p></div>'
    items = []
    for change in changes:
        body = ""
        if change.status == "changed":
            body = f"<div>{marked_html(change.ops)}</div>"
            if change.numbers:
                body += f"<p>数值 (numbers): {escape(_numbers_text(change.numbers))}</p>"
        elif change.status in ("added", "removed"):
            clause = change.new or change.old
            mark = inserted_html if change.status == "added" else deleted_html
            text = mark(clause.body).replace("\n", "<br>\n") if clause else ""
            body = f"<div>{text}</div>"
        items.append(
            f'<li class="clause-{change.status}"><strong>{escape(_status_line(change))}</strong>{body}</li>'
        )
    return '<div class="regwatch-clausediff"><ul>' + "".join(items) + "</ul></div>"


def _plain_html(text: str) -> str:
    return f"<span>{escape(text)}</span>"


def _entry_text(entry: Any) -> str:
    data = entry_to_dict(entry)
    parts = [str(data["enterprise"] or "")]
    parts += [str(data[k]) for k in ("province", "type") if data[k]]
    if data["batch"] is not None:
        parts.append(f"第{data['batch']}批")
    return " · ".join(parts)


def _change_text(old: Any, new: Any, fields: Sequence[str]) -> str:
    a, b = entry_to_dict(old), entry_to_dict(new)
    details = [f"{f}: {a[f] if a[f] is not None else '—'} → {b[f] if b[f] is not None else '—'}" for f in fields]
    return f"{b['enterprise']} ({'; '.join(details)})"


def render_entity_diff(diff: EntityDiff, fmt: Format = "text") -> Any:
    """Enterprises added, removed and changed, then how many stayed the same."""
    _check(fmt)
    if fmt == "json":
        return {
            "schema": "regwatch.entitydiff/1",
            "counts": {
                "added": len(diff.added),
                "removed": len(diff.removed),
                "changed": len(diff.changed),
                "unchanged": diff.unchanged_count,
            },
            "added": [entry_to_dict(e) for e in diff.added],
            "removed": [entry_to_dict(e) for e in diff.removed],
            "changed": [
                {"old": entry_to_dict(o), "new": entry_to_dict(n), "fields": list(f)}
                for o, n, f in diff.changed
            ],
        }
    sections = [
        ("新增 added", [_entry_text(e) for e in diff.added], "+"),
        ("删除 removed", [_entry_text(e) for e in diff.removed], "-"),
        ("变更 changed", [_change_text(o, n, f) for o, n, f in diff.changed], "~"),
    ]
    footer = f"未变 unchanged: {diff.unchanged_count}"
    if fmt == "html":
        parts = ['<div class="regwatch-entitydiff">']
        for title, rows, sign in sections:
            if not rows:
                continue
            mark = {"+": inserted_html, "-": deleted_html}.get(sign, _plain_html)
            lis = "".join(f"<li>{mark(row)}</li>" for row in rows)
            parts.append(f"<h4>{escape(title)} ({len(rows)})</h4><ul>{lis}</ul>")
        parts.append(f"<p>{escape(footer)}</p></div>")
        return "".join(parts)
    lines = []
    for title, rows, sign in sections:
        if rows:
            lines.append(f"{title} ({len(rows)}):")
            lines.extend(f"  {sign} {row}" for row in rows)
    lines.append(footer)
    return "\n".join(lines)
