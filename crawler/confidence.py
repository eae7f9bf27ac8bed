"""How sure a classification is, and whether a person should look at it.

A verdict is close when the runner-up category scored nearly as much as the winner, when
`related` won only because a specific category fell just short of its threshold, or when an
`irrelevant` document still carries some of the subject's words. Such items go to review
routes instead of being dropped: a miss costs a compliance team more than a second look.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewRules:
    ratio: float = 0.8  # runner-up ≥ ratio × winner (and ≥ its own threshold): too close to call
    related_margin: float = 2.0  # `related` won, but a specific category was this close to its threshold
    subject_floor: float = 2.0  # `irrelevant` for lack of subject, yet the subject scored at least this


@dataclass(frozen=True)
class Assessment:
    confidence: float  # 0..1
    needs_review: bool
    runner_up: str | None
    note: str  # one clause for the explanation, or ""


def _round(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 2)


def assess_specific(winner: str, score: float, candidates: Mapping[str, float],
                    thresholds: Mapping[str, float], rules: ReviewRules) -> Assessment:
    """A specific category won with `score`; `candidates` are the other categories' scores."""
    others = {k: v for k, v in candidates.items() if k != winner and k != "related" and v > 0}
    if not others:
        return Assessment(1.0, False, None, "")
    runner, second = max(others.items(), key=lambda kv: kv[1])
    confidence = _round(score / (score + second)) if score + second > 0 else 1.0
    close = second >= rules.ratio * score and second >= thresholds.get(runner, 0)
    note = f" Close call: {runner} scored {second:g} against {score:g}; needs review." if close else ""
    return Assessment(confidence, close, runner, note)


def assess_related(candidates: Mapping[str, float], thresholds: Mapping[str, float],
                   rules: ReviewRules) -> Assessment:
    """`related` won as the fallback: how near did a specific category come to its threshold?"""
    gaps = {k: thresholds.get(k, 0) - v for k, v in candidates.items() if k != "related" and v > 0}
    if not gaps:
        return Assessment(0.9, False, None, "")
    runner, gap = min(gaps.items(), key=lambda kv: kv[1])
    threshold = thresholds.get(runner, 1) or 1
    confidence = _round(0.5 + gap / (2 * threshold))
    close = gap <= rules.related_margin
    note = f" Near {runner} ({gap:g} short of its threshold); needs review." if close else ""
    return Assessment(confidence, close, runner if close else None, note)


def assess_irrelevant(subject: float, subject_min: float, rules: ReviewRules) -> Assessment:
    """Irrelevant for lack of subject: sure when nothing of the subject was found."""
    if subject <= 0:
        return Assessment(1.0, False, None, "")
    confidence = _round(1 - subject / (2 * subject_min)) if subject_min else 1.0
    close = subject >= rules.subject_floor
    note = " Some subject words were found; needs review." if close else ""
    return Assessment(confidence, close, "related" if close else None, note)
