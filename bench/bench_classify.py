"""Classification against the corpus in tests/fixtures/classify_corpus.json: a confusion matrix,
recall per category, stage accuracy, accuracy per group, how many verdicts ask for review,
and the time per document. Asserts nothing; the tests hold the corpus to 100% where it counts.

Run from the repository root: python bench/bench_classify.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.classify import CATEGORIES, classify  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "classify_corpus.json"
LABELS = (*CATEGORIES, "irrelevant")
ALERTING = ("whitelist", "criteria", "inspection", "penalty")


def _cell(text: object, width: int) -> str:
    text = str(text)
    return " " * max(0, width - len(text)) + text


def main() -> int:
    cases = json.loads(CORPUS.read_text("utf-8"))["cases"]
    classify("预热", "")  # load the rules, jieba and OpenCC before timing
    matrix: Counter[tuple[str, str]] = Counter()
    groups: dict[str, list[bool]] = defaultdict(list)
    stage_ok = review = 0
    misses = []
    start = time.perf_counter()
    for case in cases:
        got = classify(case["title"], case["text"])
        stage = None if got.stage == "none" else got.stage
        matrix[(case["category"], got.category)] += 1
        groups[case["group"]].append(got.category == case["category"])
        stage_ok += stage == case["stage"]
        review += got.needs_review
        if got.category != case["category"] or stage != case["stage"]:
            misses.append(f"   {case['id']}: expected {case['category']}/{case['stage']}, got "
                          f"{got.category}/{stage} (confidence {got.confidence:g})")
    elapsed = time.perf_counter() - start
    width = max(len(label) for label in LABELS) + 1
    print(f"classification corpus: {len(cases)} cases "
          f"({', '.join(f'{g} {len(v)}' for g, v in sorted(groups.items()))})")
    print("confusion matrix (rows: expected, columns: classified)")
    print(" " * width + "".join(_cell(label[:10], 11) for label in LABELS))
    for expected in LABELS:
        print(_cell(expected, width) + "".join(_cell(matrix[(expected, got)] or ".", 11) for got in LABELS))
    for label in LABELS:
        total = sum(matrix[(label, got)] for got in LABELS)
        if total:
            marker = "  (alerting: must be 100%)" if label in ALERTING else ""
            print(f"recall {label}: {matrix[(label, label)]}/{total} = {matrix[(label, label)] / total:.0%}{marker}")
    correct = sum(matrix[(label, label)] for label in LABELS)
    print(f"category accuracy: {correct}/{len(cases)} = {correct / len(cases):.1%}")
    print(f"stage accuracy: {stage_ok}/{len(cases)} = {stage_ok / len(cases):.1%}")
    for group, results in sorted(groups.items()):
        print(f"group {group}: {sum(results)}/{len(results)}")
    print(f"needs_review: {review} of {len(cases)}")
    print(f"time: {elapsed / len(cases) * 1000:.2f} ms per document")
    if misses:
        print("misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
