"""One message per announcement, summary first.

The changes one document version made together (a 公告's confirmed, dropped and renamed
enterprises, or a 公示 and its "new document") become one `Summary`: a headline in words, one
table of enterprises with what happened to each, the changed clauses, and the evidence once.
Every format (text, HTML, Slack, Markdown) renders from it; nothing here escapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from diff.words import DiffOp
from notifier.alert import Alert
from storage.chinese import batch_labels, zh_date
from storage.kinds import ClauseRow, TableRow, kind_of
from storage.kinds.display import authority_short
from storage.kinds.lists import ListProposed
from storage.vocab import Outcome, Severity, lookup

# Exceptions first: what a compliance officer must act on heads the table.
OUTCOME_ORDER = (Outcome.REVOKED, Outcome.DROPPED, Outcome.WITHDRAWN, Outcome.RENAMED, Outcome.CHANGED,
                 Outcome.LISTED, Outcome.CONFIRMED, Outcome.PROPOSED)
ON_THE_LIST = (Outcome.CONFIRMED, Outcome.LISTED, Outcome.RENAMED, Outcome.CHANGED)
CHANGE_PATH = "/-/regwatch/change/{id}"  # the web UI's page for one change (regwatch serve)
# Facts every change of a document repeats; shown once, in the evidence or the header.
EVIDENCE_FACTS = ("文号 / Doc number", "发布日期 / Published")
DROPPED_FACTS = ("级别 / Severity",)  # shown as the badge above the headline


@dataclass
class Summary:
    """Everything one message says about one document, in the order it says it."""

    headline_zh: str
    headline_en: str
    severity: Severity
    needs_review: bool
    facts: list[tuple[str, str]]
    rows: list[TableRow]
    clauses: list[ClauseRow]
    text_diff: list[DiffOp]
    notes: list[str]
    links: list[tuple[str, str]]
    evidence: list[tuple[str, str]]
    change_ids: list[int]
    title: str = ""
    full_view: tuple[str, str] | None = None  # (label, url) of the change's page in the web UI
    show_command: str = ""
    kinds: list[str] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[Outcome, int]]:
        """How many rows had each outcome, in table order."""
        found = [(o, sum(1 for r in self.rows if r.outcome is o)) for o in OUTCOME_ORDER]
        return [(o, n) for o, n in found if n]

    @property
    def uniform(self) -> bool:
        """Every row had the same outcome (a 公示's proposed list): the column would only repeat it."""
        return len(self.counts) == 1 and not any(r.note for r in self.rows)

    @property
    def counts_line(self) -> str:
        return "；".join(f"{o.zh} {n}家 / {n} {o.en}" for o, n in self.counts)

    @property
    def evidence_url(self) -> str:
        """The original document's address, shown once in the evidence."""
        return next((v for k, v in self.evidence if k.startswith("原文")), "")

    @property
    def lead_change_id(self) -> int | None:
        return self.change_ids[0] if self.change_ids else None


def build_summary(alerts: list[Alert], *, public_url: str = "") -> Summary:
    """The summary of one document's changes (or of a single change)."""
    lead = min(alerts, key=lambda a: kind_of(a.kind).lead_rank)
    rows: list[TableRow] = []
    for alert in alerts:
        kind = kind_of(alert.kind)
        change_id = alert.payload.get("id")
        rows += [replace(r, change_id=change_id) for r in kind.rows(alert.payload, kind.details(alert.payload))]
    rows.sort(key=lambda r: OUTCOME_ORDER.index(r.outcome))
    severity = max((lookup(Severity, a.payload.get("severity")) or Severity.INFO for a in alerts),
                   key=lambda s: s.rank)
    zh, en = _headline(lead, alerts, rows)
    facts = _facts(lead, alerts)
    ids = sorted({int(a.payload["id"]) for a in alerts if a.payload.get("id") is not None},
                 key=lambda i: (i != lead.payload.get("id"), i))
    full_view = None
    if public_url and ids:
        full_view = ("完整内容 / Full view", public_url.rstrip("/") + CHANGE_PATH.format(id=ids[0]))
    has_body = bool(rows or any(a.clauses or a.text_diff for a in alerts))
    notes = _unique(n for a in alerts if not kind_of(a.kind).rows(a.payload, kind_of(a.kind).details(a.payload))
                    for n in a.notes if not has_body or not n.startswith("摘录"))
    return Summary(
        headline_zh=zh, headline_en=en, severity=severity, needs_review=any(a.needs_review for a in alerts),
        facts=facts, rows=rows, clauses=[c for a in alerts for c in a.clauses],
        text_diff=[op for a in alerts for op in a.text_diff], notes=notes,
        links=_unique(link for a in alerts for link in a.links),
        evidence=_evidence(lead, alerts, ids), change_ids=ids, title=str(lead.payload.get("title") or ""),
        full_view=full_view, show_command=f"regwatch show {ids[0]}" if ids else "",
        kinds=[a.kind for a in alerts])


def _unique(items: Any) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _facts(lead: Alert, alerts: list[Alert]) -> list[tuple[str, str]]:
    """The header facts once: the lead's, then any a sibling adds (a deadline, a compared version)."""
    out: dict[str, str] = {}
    for alert in [lead, *alerts]:
        for label, value in alert.facts:
            if label not in DROPPED_FACTS and label not in EVIDENCE_FACTS:
                out.setdefault(label, value)
    return list(out.items())


def _evidence(lead: Alert, alerts: list[Alert], ids: list[int]) -> list[tuple[str, str]]:
    """Document number, publication date, link and hashes: once per message."""
    payload = lead.payload
    out: list[tuple[str, str]] = []
    if payload.get("doc_number"):
        out.append(("文号 / Doc number", str(payload["doc_number"])))
    if payload.get("published_at"):
        out.append(("发布日期 / Published", zh_date(payload["published_at"])))
    if lead.url:
        out.append(("原文 / Original", lead.url))
    out += _unique(e for a in alerts for e in a.evidence if not e[0].startswith("变更编号"))
    if ids:
        out.append(("变更编号 / change id", id_span(ids)))
    return out


def id_span(ids: list[int]) -> str:
    """"3–203（201项）" for a run of ids, else the ids; a 公告 of 200 rows must not list 200 ids."""
    ids = sorted(ids)
    if len(ids) > 3 and ids[-1] - ids[0] == len(ids) - 1:
        return f"{ids[0]}–{ids[-1]}（{len(ids)}项 / {len(ids)} changes）"
    return ", ".join(str(i) for i in ids)


def _headline(lead: Alert, alerts: list[Alert], rows: list[TableRow]) -> tuple[str, str]:
    """What happened, in words: the 公示 with its size, the 公告 with its counts, revocations."""
    entry_rows = [r for r in rows if r.outcome is not Outcome.PROPOSED]
    if lead.kind == ListProposed.kind or not entry_rows or len(alerts) == 1:
        return lead.headline_zh, lead.headline_en
    payload = lead.payload
    auth_zh, auth_en = authority_short(payload)
    batch_zh, batch_en = batch_labels((payload.get("details") or {}).get("batch")
                                      if isinstance(payload.get("details"), Mapping) else None)
    counts = {o: sum(1 for r in entry_rows if r.outcome is o) for o in OUTCOME_ORDER}
    names = "、".join(r.enterprise for r in entry_rows[:2]) + ("等" if len(entry_rows) > 2 else "")
    if counts[Outcome.REVOKED] == len(entry_rows):
        n = len(entry_rows)
        return (f"【白名单】{auth_zh}撤销{n}家企业的规范条件公告资格：{names}",
                f"{auth_en} revoked {n} enterprise{'s' if n != 1 else ''} from the white list")
    listed = sum(counts[o] for o in ON_THE_LIST)
    if not (counts[Outcome.CONFIRMED] or counts[Outcome.LISTED] or counts[Outcome.DROPPED]):
        n = len(entry_rows)  # renames, revocations, withdrawals: name what each was
        what_zh = "、".join(f"{o.zh}{counts[o]}家" for o in OUTCOME_ORDER if counts[o])
        what_en = ", ".join(f"{counts[o]} {o.en}" for o in OUTCOME_ORDER if counts[o])
        return (f"【白名单】{auth_zh}名单变动（{n}家：{what_zh}）：{names}",
                f"{auth_en} white-list changes: {what_en}")
    parts_zh = [f"{o.zh}{counts[o]}家" for o in (Outcome.CONFIRMED, Outcome.LISTED, Outcome.RENAMED,
                                                   Outcome.CHANGED) if counts[o]]
    parts_en = [f"{counts[o]} {o.en}" for o in (Outcome.CONFIRMED, Outcome.LISTED, Outcome.RENAMED,
                                               Outcome.CHANGED) if counts[o]]
    off = [o for o in (Outcome.DROPPED, Outcome.WITHDRAWN, Outcome.REVOKED) if counts[o]]
    tail_zh = "".join(f"；{o.zh}{counts[o]}家" for o in off)
    tail_en = "".join(f"; {counts[o]} {o.en}" for o in off)
    return (f"【白名单】{auth_zh}公告{batch_zh}符合规范条件企业名单（{listed}家，其中{'、'.join(parts_zh)}{tail_zh}）",
            f"{auth_en} final white-list {batch_en or 'batch'}: {listed} enterprises "
            f"({', '.join(parts_en)}{tail_en})")
