"""Category and stage of a document, by weighted phrases kept as data (classify_rules.toml).

The category says what a document is about (the white list, its criteria, inspections,
penalties, related news, or nothing of ours); the stage says where it is in its life
(公示, 公告, 征求意见, 发布). The stage is read from the body only: headlines are unreliable
(they say 公示 for final lists and 公布 for proposals). Every verdict carries its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crawler.confidence import ReviewRules, assess_irrelevant, assess_related, assess_specific
from crawler.extract.metadata import batch_number
from crawler.textprep import to_simplified
from diff.text import normalize, segment
from options import (
    RULES_CATEGORY,
    RULES_ENFORCEMENT,
    RULES_LOOKALIKE,
    RULES_REVIEW,
    RULES_SCORED,
    RULES_SHORT_TEXT,
    RULES_STAGE,
    RULES_TOP,
    ConfigError,
    Option,
)
from options import check_keys as _declared_keys
from options import read_toml as _read_rules_toml
from storage.vocab import RELEVANT_CATEGORIES, Category, Stage

__all__ = [
    "CATEGORIES",
    "DEFAULT_RULES_PATH",
    "STAGES",
    "Classification",
    "Rules",
    "RulesError",
    "classify",
    "load_rules",
]

# The categories a rule may declare (irrelevant is what no rule claims), and the stages.
CATEGORIES = tuple(c.value for c in RELEVANT_CATEGORIES)
STAGES = Stage.values()
NO_STAGE = "none"
DEFAULT_RULES_PATH = Path(__file__).with_name("classify_rules.toml")


class RulesError(ConfigError):
    """The rules file is malformed: an unknown key, a bad weight or a pattern that won't compile."""


@dataclass
class Classification:
    category: str
    stage: str
    batch: int | None
    evidence: list[str]
    explanation: str
    scores: dict[str, float] = field(default_factory=dict)
    news: bool = False  # it reads as a report about something, which changes nothing by itself
    confidence: float = 1.0  # 0..1: how far the winner is ahead (crawler.confidence)
    needs_review: bool = False  # too close to call: goes to review routes, even when irrelevant
    runner_up: str | None = None


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class PhraseSet:
    """Phrases and regular expressions with weights."""

    phrases: dict[str, float]
    patterns: tuple[tuple[re.Pattern[str], float], ...]


@dataclass(frozen=True)
class CategoryRules:
    name: str
    priority: int
    min_score: float
    requires_any: tuple[str, ...]
    stages: tuple[str, ...]
    stage_aliases: dict[str, str]
    positive: PhraseSet
    negative: PhraseSet


@dataclass(frozen=True)
class Rules:
    title_factor: float
    attachment_factor: float
    stage_min_score: float
    folds: dict[str, str]
    subject_min: float
    subject: PhraseSet
    lookalikes: PhraseSet
    news_min: float
    news: PhraseSet
    categories: dict[str, CategoryRules]
    revocation_min: float
    revocation: PhraseSet
    rename_min: float
    rename: PhraseSet
    stages: dict[str, PhraseSet]
    column_hints: dict[str, str]
    short_max_chars: int = 0  # a body shorter than this is a short text (a relayed title, a snippet)
    short_title_factor: float = 0.0  # title weight for short texts: the title carries the evidence
    intent_min: float = 0.0
    intent: PhraseSet = PhraseSet({}, ())
    done: PhraseSet = PhraseSet({}, ())
    enforcement_subject_min: float = 0.0
    enforcement_subject: PhraseSet = PhraseSet({}, ())
    enforcement_action_min: float = 0.0
    enforcement_action: PhraseSet = PhraseSet({}, ())
    review: ReviewRules = field(default_factory=ReviewRules)


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(table: Any, declared: Mapping[str, Option], where: str) -> dict[str, Any]:
    """The table, its keys checked against their declaration (options.declared) and defaults filled in."""
    if not isinstance(table, Mapping):
        raise RulesError(f"[{where}] must be a table, not {type(table).__name__}")
    try:
        _declared_keys(f"[{where}]", declared, table)
    except ConfigError as exc:
        raise RulesError(str(exc)) from None
    return {**{k: o.default for k, o in declared.items() if o.default is not None}, **table}


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"{where} must be a number, not {value!r}")
    return float(value)


def _weights(table: Any, where: str, fold) -> dict[str, float]:
    if table is None:
        return {}
    if not isinstance(table, Mapping):
        raise RulesError(f"[{where}] must be a table of phrase = weight")
    out: dict[str, float] = {}
    for phrase, weight in table.items():
        w = _number(weight, f"[{where}] {phrase!r}")
        if w and phrase.strip():
            out[fold(phrase)] = w
    return out


def _patterns(table: Any, where: str) -> tuple[tuple[re.Pattern[str], float], ...]:
    if table is None:
        return ()
    if not isinstance(table, Mapping):
        raise RulesError(f"[{where}] must be a table of 'regex' = weight")
    out = []
    for source, weight in table.items():
        w = _number(weight, f"[{where}] {source!r}")
        if not w:
            continue
        try:
            out.append((re.compile(source), w))
        except re.error as exc:
            raise RulesError(f"[{where}] pattern {source!r} does not compile: {exc}") from exc
    return tuple(out)


def _stage_name(name: Any, where: str) -> str:
    if name not in STAGES:
        raise RulesError(f"unknown stage {name!r} in {where}; allowed stages: {', '.join(STAGES)}")
    return name


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where} must be a list of strings")
    return tuple(value)


def _build(raw: Mapping[str, Any]) -> Rules:
    top = _check_keys(raw, RULES_TOP, "top level")
    folds_raw = top.get("folds") or {}
    if not isinstance(folds_raw, Mapping) or not all(isinstance(v, str) for v in folds_raw.values()):
        raise RulesError("[folds] must map a wording to its folded form (strings)")
    folds = {k: v for k, v in folds_raw.items() if k and v != k}

    def fold(text: str) -> str:
        return _fold(normalize(text), folds)

    subject = _check_keys(top.get("subject") or {}, RULES_SCORED, "subject")
    lookalikes = _check_keys(top.get("lookalikes") or {}, RULES_LOOKALIKE, "lookalikes")
    news = _check_keys(top.get("news") or {}, RULES_SCORED, "news")
    revocation = _check_keys(top.get("revocation") or {}, RULES_SCORED, "revocation")
    rename = _check_keys(top.get("rename") or {}, RULES_SCORED, "rename")
    categories_raw = top.get("categories") or {}
    if not isinstance(categories_raw, Mapping):
        raise RulesError("[categories] must be a table")
    categories: dict[str, CategoryRules] = {}
    for name, table in categories_raw.items():
        if name not in CATEGORIES:
            raise RulesError(f"unknown category {name!r} in [categories]; allowed categories: {', '.join(CATEGORIES)}")
        where = f"categories.{name}"
        c = _check_keys(table, RULES_CATEGORY, where)
        category_stages = tuple(_stage_name(s, f"[{where}] stages")
                                for s in _strings(c.get("stages"), f"[{where}] stages"))
        aliases_raw = c.get("stage_aliases") or {}
        if not isinstance(aliases_raw, Mapping):
            raise RulesError(f"[{where}] stage_aliases must be a table")
        aliases = {_stage_name(k, f"[{where}] stage_aliases"): _stage_name(v, f"[{where}] stage_aliases")
                   for k, v in aliases_raw.items()}
        categories[name] = CategoryRules(
            name=name,
            priority=int(_number(c.get("priority", CATEGORIES.index(name) + 1), f"[{where}] priority")),
            min_score=_number(c["min_score"], f"[{where}] min_score"),
            requires_any=tuple(fold(p) for p in _strings(c.get("requires_any"), f"[{where}] requires_any")),
            stages=category_stages,
            stage_aliases=aliases,
            positive=PhraseSet(_weights(c.get("phrases"), f"{where}.phrases", fold),
                               _patterns(c.get("patterns"), f"{where}.patterns")),
            negative=PhraseSet(_weights(c.get("negative"), f"{where}.negative", fold), ()),
        )
    stages_raw = top.get("stages") or {}
    if not isinstance(stages_raw, Mapping):
        raise RulesError("[stages] must be a table")
    stages: dict[str, PhraseSet] = {}
    for name, table in stages_raw.items():
        _stage_name(name, "[stages]")
        s = _check_keys(table, RULES_STAGE, f"stages.{name}")
        stages[name] = PhraseSet(_weights(s.get("phrases"), f"stages.{name}.phrases", fold),
                                 _patterns(s.get("patterns"), f"stages.{name}.patterns"))
    hints_raw = top.get("column_hints") or {}
    if not isinstance(hints_raw, Mapping):
        raise RulesError("[column_hints] must be a table")
    hints = {k: _stage_name(v, f"[column_hints] {k!r}") for k, v in hints_raw.items()}
    short = _check_keys(top.get("short_text") or {}, RULES_SHORT_TEXT, "short_text")
    intent = _check_keys(top.get("intent") or {}, RULES_SCORED, "intent")
    done = _check_keys(top.get("done") or {}, RULES_LOOKALIKE, "done")
    enforcement = _check_keys(top.get("enforcement") or {}, RULES_ENFORCEMENT, "enforcement")
    enf_subject = _check_keys(enforcement.get("subject") or {}, RULES_SCORED, "enforcement.subject")
    enf_action = _check_keys(enforcement.get("action") or {}, RULES_SCORED, "enforcement.action")
    review = _check_keys(top.get("review") or {}, RULES_REVIEW, "review")

    def phrase_set(table: Mapping[str, Any], where: str) -> PhraseSet:
        return PhraseSet(_weights(table.get("phrases"), f"{where}.phrases", fold),
                         _patterns(table.get("patterns"), f"{where}.patterns"))

    return Rules(
        short_max_chars=int(_number(short["max_chars"], "[short_text] max_chars")),
        short_title_factor=_number(short["title_factor"], "[short_text] title_factor"),
        intent_min=_number(intent["min_score"], "[intent] min_score"),
        intent=phrase_set(intent, "intent"),
        done=phrase_set(done, "done"),
        enforcement_subject_min=_number(enf_subject["min_score"], "[enforcement.subject] min_score"),
        enforcement_subject=phrase_set(enf_subject, "enforcement.subject"),
        enforcement_action_min=_number(enf_action["min_score"], "[enforcement.action] min_score"),
        enforcement_action=phrase_set(enf_action, "enforcement.action"),
        review=ReviewRules(**{k: _number(review[k], f"[review] {k}") for k in RULES_REVIEW}),
        title_factor=_number(top["title_factor"], "title_factor"),
        attachment_factor=_number(top["attachment_factor"], "attachment_factor"),
        stage_min_score=_number(top["stage_min_score"], "stage_min_score"),
        folds=folds,
        subject_min=_number(subject["min_score"], "[subject] min_score"),
        subject=PhraseSet(_weights(subject.get("phrases"), "subject.phrases", fold),
                          _patterns(subject.get("patterns"), "subject.patterns")),
        lookalikes=PhraseSet(_weights(lookalikes.get("phrases"), "lookalikes.phrases", fold),
                             _patterns(lookalikes.get("patterns"), "lookalikes.patterns")),
        news_min=_number(news["min_score"], "[news] min_score"),
        news=PhraseSet(_weights(news.get("phrases"), "news.phrases", fold),
                       _patterns(news.get("patterns"), "news.patterns")),
        categories=categories,
        revocation_min=_number(revocation["min_score"], "[revocation] min_score"),
        revocation=PhraseSet(_weights(revocation.get("phrases"), "revocation.phrases", fold),
                             _patterns(revocation.get("patterns"), "revocation.patterns")),
        rename_min=_number(rename["min_score"], "[rename] min_score"),
        rename=PhraseSet(_weights(rename.get("phrases"), "rename.phrases", fold),
                         _patterns(rename.get("patterns"), "rename.patterns")),
        stages=stages,
        column_hints=hints,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    return _read_rules_toml(path, expand=False, error=RulesError)


def load_rules(extra_path: str | Path | None = None) -> Rules:
    """The packaged rules, with a user's override file merged over them table by table
    (a phrase with weight 0 in the override is removed). Raises RulesError naming the
    allowed keys when a key is unknown."""
    raw = _read_toml(DEFAULT_RULES_PATH)
    if extra_path is not None:
        raw = _merge(raw, _read_toml(Path(extra_path)))
    return _build(raw)


@cache
def _default_rules() -> Rules:
    return load_rules()


# --------------------------------------------------------------------------- matching

def _fold(text: str, folds: Mapping[str, str]) -> str:
    for variant, canonical in folds.items():
        text = text.replace(variant, canonical)
    return text


class _Zone:
    """One part of a document (title, body, attachments) prepared for phrase matching."""

    def __init__(self, label: str, text: str, factor: float, folds: Mapping[str, str]) -> None:
        self.label = label
        self.factor = factor
        self.text = _fold(normalize(text or ""), folds)
        self.compact = re.sub(r"\s+", "", self.text)
        self._tokens: set[str] | None = None

    @property
    def tokens(self) -> set[str]:
        if self._tokens is None:
            self._tokens = set(segment(self.text)) if self.text else set()
        return self._tokens

    def has(self, phrase: str) -> bool:
        if len(phrase) <= 2:
            return phrase in self.compact and phrase in self.tokens
        return phrase in self.compact

    def search(self, pattern: re.Pattern[str]) -> str | None:
        m = pattern.search(self.compact)
        return m.group(0) if m else None


@dataclass
class _Hit:
    phrase: str
    weight: float
    zone: str


def _score(rules: PhraseSet, zones: list[_Zone]) -> tuple[float, list[_Hit]]:
    hits: list[_Hit] = []
    for phrase, weight in rules.phrases.items():
        best = max((z for z in zones if z.has(phrase)), key=lambda z: z.factor, default=None)
        if best is not None:
            hits.append(_Hit(phrase, weight * best.factor, best.label))
    for pattern, weight in rules.patterns:
        searched = [(z, z.search(pattern)) for z in zones]
        found = [(z, text) for z, text in searched if text]
        if found:
            zone, text = max(found, key=lambda pair: pair[0].factor)
            hits.append(_Hit(text, weight * zone.factor, zone.label))
    hits.sort(key=lambda h: -h.weight)
    return sum(h.weight for h in hits), hits


def _fmt(score: float) -> str:
    return f"{score:g}"


def _stage(rules: Rules, category: CategoryRules | None, body: _Zone, column: str | None,
           news: list[_Hit] | None = None) -> tuple[str, list[_Hit]]:
    if news:
        return NO_STAGE, [_Hit(f"news report ({'、'.join(h.phrase for h in news)})", 0, "news")]
    allowed = category.stages if category is not None and category.stages else STAGES
    aliases = category.stage_aliases if category is not None else {}
    totals: dict[str, float] = {s: 0.0 for s in allowed}
    evidence: dict[str, list[_Hit]] = {s: [] for s in allowed}
    for name, phrase_set in rules.stages.items():
        target = name if name in totals else aliases.get(name)
        if target is None or target not in totals:
            continue
        score, hits = _score(phrase_set, [body])
        totals[target] += score
        evidence[target].extend(hits)
    best = max(allowed, key=lambda s: (totals[s], -allowed.index(s)))
    if totals[best] > 0 and totals[best] >= rules.stage_min_score:
        return best, evidence[best]
    if column:
        for key, stage in rules.column_hints.items():
            target = stage if stage in totals else aliases.get(stage)
            if key in column and target in totals:
                return target, [_Hit(f"column {key}", 0, "column")]
    return NO_STAGE, []


def classify(
    title: str,
    text: str,
    *,
    attachment_text: str = "",
    column: str | None = None,
    rules: Rules | None = None,
) -> Classification:
    """Category, stage, batch and list kind of one document, with the evidence."""

    rules = rules or _default_rules()
    # Relays in Traditional script (with pinyin glosses) are read as Simplified; the stored text is not touched.
    title, text, attachment_text = to_simplified(title), to_simplified(text), to_simplified(attachment_text)
    title_zone = _Zone("title", title, rules.title_factor, rules.folds)
    body = _Zone("body", text, 1.0, rules.folds)
    attachment = _Zone("attachment", attachment_text, rules.attachment_factor, rules.folds)
    zones = [title_zone, body, attachment]

    news_score, news_hits = _score(rules.news, [title_zone, body])
    news = news_hits if news_score > 0 and news_score >= rules.news_min else None
    if not news and rules.short_title_factor and len(body.compact) < rules.short_max_chars:
        # A short text (a relayed headline, a snippet) carries its evidence in the title.
        title_zone.factor = rules.short_title_factor
    lookalike_score, lookalike_hits = _score(rules.lookalikes, [title_zone])
    subject_score, subject_hits = _score(rules.subject, zones)
    scores: dict[str, float] = {"subject": subject_score}
    enforcement_hits = _enforcement(rules, [title_zone, body], scores)
    if lookalike_score > 0 and not enforcement_hits:
        names = "、".join(h.phrase for h in lookalike_hits)
        stage, _ = _stage(rules, None, body, column, news)
        return Classification(Category.IRRELEVANT.value, stage, None, [f"title:{h.phrase}" for h in lookalike_hits],
                              f"Irrelevant: the title names {names}, a look-alike list or programme, "
                              "not the traction-battery recycling white list.", scores)
    if subject_score < rules.subject_min and not enforcement_hits:
        found = "、".join(h.phrase for h in subject_hits) or "nothing"
        stage, _ = _stage(rules, None, body, column, news)
        doubt = assess_irrelevant(subject_score, rules.subject_min, rules.review)
        return Classification(Category.IRRELEVANT.value, stage, None, [f"{h.zone}:{h.phrase}" for h in subject_hits],
                              f"Irrelevant: not about traction-battery recycling (found {found}; subject score "
                              f"{_fmt(subject_score)} < {_fmt(rules.subject_min)}).{doubt.note}", scores,
                              confidence=doubt.confidence, needs_review=doubt.needs_review,
                              runner_up=doubt.runner_up)
    intent = _intent(rules, [title_zone, body], scores)

    verdicts: list[tuple[float, int, CategoryRules, list[_Hit]]] = []
    eligible: set[str] = set()  # categories whose required phrases occur: the only possible runners-up
    for category in rules.categories.values():
        positive, hits = _score(category.positive, zones)
        negative, neg_hits = _score(category.negative, zones)
        score = positive - negative
        scores[category.name] = score
        if category.requires_any and not any(z.has(p) for z in (title_zone, body) for p in category.requires_any):
            continue
        eligible.add(category.name)
        if score < category.min_score:
            continue
        if intent and category.name in PUBLICATION_CATEGORIES:
            continue  # a plan to issue a document is not the document
        hits = hits + [_Hit(f"-{h.phrase}", -h.weight, h.zone) for h in neg_hits]
        verdicts.append((score, -category.priority, category, hits))
    # `related` is the fallback: it wins only when no specific category reached its threshold.
    specific = [v for v in verdicts if v[2].name != Category.RELATED]
    thresholds = {c.name: c.min_score for c in rules.categories.values()}
    candidates = {k: v for k, v in scores.items() if k in eligible}
    if not specific:
        stage, _ = _stage(rules, None, body, column, news)
        doubt = assess_related(candidates, thresholds, rules.review)
        why = (f"Related: a plan or intent ({'、'.join(h.phrase for h in intent)}), not a publication."
               if intent else "Related: about traction-battery recycling, but no category reached its threshold.")
        related_hits = [h for v in verdicts if v[2].name == Category.RELATED for h in v[3] if h.weight > 0]
        evidence = [f"{h.zone}:{h.phrase}" for h in related_hits + subject_hits]
        evidence += [f"intent:{h.phrase}" for h in intent]
        return Classification(Category.RELATED.value, stage, None, evidence, why + doubt.note, scores,
                              news=bool(news), confidence=doubt.confidence, needs_review=doubt.needs_review,
                              runner_up=doubt.runner_up)
    score, _, winner, hits = max(specific, key=lambda v: (v[0], v[1]))
    doubt = assess_specific(winner.name, score, candidates, thresholds, rules.review)
    hits = hits + [_Hit(f"enforcement {h.phrase}", 0, h.zone) for h in enforcement_hits]
    stage, stage_hits = _stage(rules, winner, body, column, news)

    batch = None
    if winner.name == Category.WHITELIST:
        batch = batch_number(title) or batch_number(text) or batch_number(attachment_text)

    positive_hits = [h for h in hits if h.weight > 0]
    evidence = [f"{h.zone}:{h.phrase}" for h in hits] + [f"stage:{h.phrase}" for h in stage_hits if h.zone != "news"]
    evidence += [f"news:{h.phrase}" for h in news or []]
    top = "、".join(h.phrase for h in positive_hits[:4])
    if stage_hits and stage_hits[0].zone == "news":
        stage_note = f"no stage, as it reads as a {stage_hits[0].phrase}"
    elif stage_hits:
        stage_note = f"stage {stage} from the {'column' if stage_hits[0].zone == 'column' else 'body'} phrase " \
                     f"{stage_hits[0].phrase}"
    else:
        stage_note = "no stage phrase in the body"
    batch_note = f", batch {batch}" if batch else ""
    explanation = (f"{winner.name.capitalize()} (score {_fmt(score)} ≥ {_fmt(winner.min_score)}) on {top}; "
                   f"{stage_note}{batch_note}.{doubt.note}")
    return Classification(winner.name, stage, batch, evidence, explanation, scores, news=bool(news),
                          confidence=doubt.confidence, needs_review=doubt.needs_review, runner_up=doubt.runner_up)


# Categories whose verdict says "this document was published": intent alone never earns them.
PUBLICATION_CATEGORIES = (Category.WHITELIST, Category.CRITERIA)


def _intent(rules: Rules, zones: list[_Zone], scores: dict[str, float]) -> list[_Hit]:
    """Future or ongoing forms (拟修订, 将出台, 正在起草, 下一步) that outweigh the done forms
    (印发, 发布, 公布 a named document): the text reports a plan, not a publication."""
    intent_score, intent_hits = _score(rules.intent, zones)
    done_score, _ = _score(rules.done, zones)
    scores["intent"], scores["done"] = intent_score, done_score
    if intent_score > 0 and intent_score >= rules.intent_min and intent_score > done_score:
        return intent_hits
    return []


def _enforcement(rules: Rules, zones: list[_Zone], scores: dict[str, float]) -> list[_Hit]:
    """A market-regulation case or campaign about traction or lithium batteries, at any level
    (a district bureau's case counts): it passes the subject test and the look-alike guard."""
    subject, subject_hits = _score(rules.enforcement_subject, zones)
    action, action_hits = _score(rules.enforcement_action, zones)
    scores["enforcement_subject"], scores["enforcement_action"] = subject, action
    if subject > 0 and action > 0 and subject >= rules.enforcement_subject_min and \
            action >= rules.enforcement_action_min:
        return subject_hits[:2] + action_hits[:2]
    return []
