"""Timing of supplier verification and of the watchlist, on a generated 2,000-entry list.

Run from the repository root: python bench/bench_watchlist.py
Prints one line per figure with its target; asserts nothing about time. All names are generated
and fictitious: a mix of registered names, names with a site suffix, press short forms, English
pinyin renderings, one-character typos and names that are on no list.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypinyin import lazy_pinyin

from diff.english import (
    place_pinyin,
    syllable_table,
)
from diff.names import CITIES, normalize_name
from regwatch.supplierfile import SupplierRow
from regwatch.verify import verify_names
from regwatch.watchlist import add_suppliers, recheck
from storage.db import immediate, open_db
from storage.watchlist import supplier_events

SYLLABLES = "华邦格瑞泰盛鑫源达宏远恒昌丰德润隆锦嘉晟博睿航宇天启融汇安康永信海川峰岳明辉凯"
TRADES = (("循环科技", "Recycling Technology"), ("新材料", "New Material"), ("新能源科技", "New Energy Technology"),
          ("再生资源", "Renewable Resources"), ("环保科技", "Environmental Technology"))
LIST_SIZE = 2_000
SUPPLIERS = 5_000
DAY = "2026-12-01"


def make_list(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(registered name, city, core, English trade) for LIST_SIZE distinct enterprises."""
    seen: set[str] = set()
    out = []
    while len(out) < LIST_SIZE:
        city = rng.choice(CITIES)
        core = "".join(rng.sample(SYLLABLES, 2))
        trade, english = rng.choice(TRADES)
        name = f"{city}{core}{trade}有限公司"
        if name not in seen:
            seen.add(name)
            out.append((name, city, core, english))
    return out


def seed(db, listed: list[tuple[str, str, str, str]]) -> None:
    doc = db["documents"].insert({"doc_key": "bench", "title": "bench list", "category": "whitelist",
                                  "doc_number": "工业和信息化部公告2026年第1号", "canonical_url": "https://example.invalid/1",
                                  "published_at": "2026-01-05"}).last_pk
    db["list_entries"].insert_all(
        ({"enterprise": n, "normalized_name": normalize_name(n), "province": "", "type": "再生利用",
          "batch": 1 + i % 7, "stage": "公告", "document_id": doc, "version_id": None,
          "evidence_sha256": "0" * 64, "valid_from": "2026-01-05"} for i, (n, *_rest) in enumerate(listed)),
        batch_size=500)


def supplier_names(rng: random.Random, listed: list[tuple[str, str, str, str]]) -> list[str]:
    names = []
    for n in range(SUPPLIERS):
        name, city, core, english = rng.choice(listed)
        roll = n % 20
        if roll < 9:
            names.append(name)
        elif roll < 10:
            names.append(f"{name}（{rng.choice(CITIES)}）")
        elif roll < 13:
            names.append(f"{city}{core}")
        elif roll < 15:
            place, brand = ("".join(lazy_pinyin(x)).title() for x in (city, core))
            names.append(f"{place} {brand} {english} Co., Ltd.")
        elif roll < 16:
            names.append(name.replace(core[0], rng.choice(SYLLABLES), 1))
        else:
            names.append(f"示例未列入{''.join(rng.sample(SYLLABLES, 3))}电池回收有限公司")
    return names


def timed(label: str, fn, target: str = "") -> object:
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.2f} s{f' (target {target})' if target else ''}", flush=True)
    return result


def main() -> int:
    rng = random.Random(11)
    listed = make_list(rng)
    names = supplier_names(rng, listed)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        seed(db, listed)
        timed("load the pinyin tables (once per process)", lambda: (syllable_table(), place_pinyin()))
        rows = timed(f"verify {SUPPLIERS} suppliers against a {LIST_SIZE}-entry list", lambda: verify_names(
            db, names, as_of=DAY), "≤ 5 s")
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        print("   statuses:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        suppliers = [SupplierRow(n, "", f"S{i}", f"C{i}", "") for i, n in enumerate(names)]
        timed(f"resolve a {SUPPLIERS}-supplier watchlist (watch import)",
              lambda: add_suppliers(db, suppliers, as_of=DAY))
        timed(f"re-check the {SUPPLIERS}-supplier watchlist (report)", lambda: recheck(db, as_of=DAY))
        change = {"kind": "criteria.changed", "summary": "bench", "category": "criteria", "details": {}}

        def alert_all() -> int:
            with immediate(db):  # as in ingest: inside the transaction of the criteria change
                return len(supplier_events(db, change, 0, []))

        made = timed("supplier.criteria_changed for every bound supplier (one criteria change)", alert_all)
        print(f"   alerts: {made}")
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
