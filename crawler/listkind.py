"""What a white-list document does to the list: proposes a batch, makes it final, revokes
listed enterprises, or renames them.

Kept apart from `classify()`, which says what a document is about: the list kind is a second
question, asked only of white-list documents, and only storage acts on its answer. The phrases
are data in classify_rules.toml ([revocation], [rename]).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.classify import Classification, Rules, _default_rules, _score, _Zone
from crawler.textprep import to_simplified

__all__ = ["LIST_KINDS", "ListKind", "list_kind"]

LIST_KINDS = ("proposed", "final", "revocation", "rename")
# Only the list's publisher changes the list: a province's recommendation 公示 is white-list news,
# never a proposed batch.
LIST_PUBLISHERS = ("MIIT",)


@dataclass(frozen=True)
class ListKind:
    """The kind (None: the list does not change), the phrases that decided it, and a sentence
    that extends the classification's explanation ("" when there is nothing to add)."""

    kind: str | None
    evidence: tuple[str, ...] = ()
    note: str = ""
    scores: dict[str, float] = field(default_factory=dict)


def list_kind(verdict: Classification, title: str, text: str, *, rules: Rules | None = None,
              authority: str | None = None) -> ListKind:
    """The list kind of a classified document, read from its title and body (never its
    attachments: a revocation's attachment lists names, not the act of revoking)."""
    if verdict.category != "whitelist":
        return ListKind(None)
    if authority and authority not in LIST_PUBLISHERS:
        return ListKind(None, (), f"Published by {authority}, not the list's publisher: the list is unchanged.")
    title, text = to_simplified(title), to_simplified(text)
    rules = rules or _default_rules()
    zones = [_Zone("title", title, rules.title_factor, rules.folds), _Zone("body", text, 1.0, rules.folds)]
    revocation, revocation_hits = _score(rules.revocation, zones)
    revokes = revocation > 0 and revocation >= rules.revocation_min
    rename, rename_hits = _score(rules.rename, zones)
    renames = not revokes and rename > 0 and rename >= rules.rename_min
    hits = revocation_hits if revokes else rename_hits if renames else []
    known = set(verdict.evidence)
    evidence = tuple(e for e in (f"{h.zone}:{h.phrase}" for h in hits) if e not in known)
    scores = {"revocation": revocation, "rename": rename}
    stage = verdict.stage
    if verdict.news:
        return ListKind(None, evidence, "", scores)  # a report about the list changes nothing by itself
    if revokes and stage == "公示":
        return ListKind(None, evidence, "It proposes revoking listed enterprises; the list changes only with "
                        "the final 公告.", scores)
    if revokes:
        return ListKind("revocation", evidence, "It revokes listed enterprises.", scores)
    if renames and stage != "公示":
        return ListKind("rename", evidence, "It renames listed enterprises.", scores)
    if stage == "公示":
        return ListKind("proposed", evidence, "", scores)
    if stage == "公告":
        return ListKind("final", evidence, "", scores)
    return ListKind(None, evidence, "", scores)
