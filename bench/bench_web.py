"""Search over 50,000 stored versions (median ms per query, in-process, as the web UI runs it)
and peak memory while exporting 100,000 changes (each format in its own process).

Prints figures; asserts nothing about time. Targets from issues 10 and 15: ≤ 30 ms per query;
export memory flat (100,000 changes need no more than 10,000 do, give or take a few MB).
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diff.text import tokens_for_index  # noqa: E402
from storage.db import open_db  # noqa: E402
from storage.search import search  # noqa: E402

DOCS = 50_000
CHANGES = 100_000
QUERIES = ["梯次利用", "杂质铝含量", "梯次利用 名单", "再生利用 回收率", '"综合利用行业规范条件"', "邦普",
           "行政处罚", "动力电池 监督检查", "公示", "锂回收率"]


FILLERS_PER_COLUMN = 5_000  # the replica has 10 columns: 50,000 filler articles plus its real documents
_TAGS = re.compile(r"<[^>]+>")


def paragraphs() -> list[str]:
    data = resources.files("replica").joinpath("data")
    out = []
    for name in ("criteria_2024.txt", "criteria_2019.txt", "inspection_protocol_2026.txt", "certification_2023.txt",
                 "enforcement_notice_2026.txt", "announcement_2018_no40.txt"):
        out += [p.strip() for p in data.joinpath(name).read_text("utf-8").split("\n") if len(p.strip()) > 10]
    return out


def replica_corpus() -> Iterator[tuple[str, list[str]]]:
    """The replica's own documents and its scale fillers: the corpus the crawl benchmark stores."""
    from replica.catalog import catalog
    from replica.scale import filler_documents

    for doc in [*catalog().documents, *filler_documents(FILLERS_PER_COLUMN)]:
        yield doc.title, [_TAGS.sub("", p).strip() for p in doc.body if _TAGS.sub("", p).strip()]


def dense_corpus() -> Iterator[tuple[str, list[str]]]:
    """A stress case: every document is 3–8 paragraphs of the real criteria and notices, so common
    words match most of the 50,000 documents and bm25 must rank tens of thousands of rows."""
    pool = paragraphs()
    rng = random.Random(7)
    for i in range(DOCS):
        picks = [pool[j] for j in rng.sample(range(len(pool)), rng.randint(3, 8))]
        yield f"文件{i} " + picks[0][:20], picks


def build_documents(path: Path, corpus: Iterator[tuple[str, list[str]]]) -> int:
    """Store documents, versions and the FTS index; each distinct sentence is segmented once."""
    db = open_db(path)
    cache: dict[str, str] = {}

    def tokens(text: str) -> str:
        parts = []
        for piece in re.split(r"(?<=[，。；])", text):
            if piece not in cache:
                cache[piece] = tokens_for_index(piece)
            parts.append(cache[piece])
        return " ".join(parts)

    n = 0
    with db.conn:
        for n, (title, paras) in enumerate(corpus, start=1):
            text = "\n".join(paras)
            db.conn.execute("insert into documents (id, source_id, doc_key, title, category, current_version_id) "
                            "values (?, 'miit', ?, ?, 'related', ?)", [n, f"k{n}", title, n])
            db.conn.execute("insert into versions (id, document_id, title, text) values (?, ?, ?, ?)",
                            [n, n, title, text])
            db.conn.execute("insert into documents_fts (rowid, title, body, document_id) values (?, ?, ?, ?)",
                            [n, tokens(title), " ".join(tokens(p) for p in paras), n])
    db.close()
    return n


def bench_search(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    search(conn, "预热")  # the first query creates the temp vocabulary table
    times = []
    for _ in range(3):
        for q in QUERIES:
            start = time.perf_counter()
            search(conn, q, limit=20)
            times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def build_changes(path: Path, n: int) -> None:
    db = open_db(path)
    details = {"batch": 6, "enterprise": "湖南邦普循环科技有限公司", "province": "湖南省", "type": "梯次利用",
               "reason": "revoked", "entries": [{"enterprise": f"示例企业{i}有限公司"} for i in range(12)]}
    with db.conn:
        db.conn.executemany(
            "insert into changes (id, detected_at, kind, source_id, category, summary, details, severity) "
            "values (?, ?, 'list.entry_removed', 'miit', 'whitelist', ?, ?, 'warning')",
            ((i, f"2026-11-{1 + i % 28:02d}T10:00:00+00:00", f"第6批名单删除：示例企业{i}有限公司",
              json.dumps(details, ensure_ascii=False)) for i in range(1, n + 1)))
    db.close()


EXPORT = """
import sys
sys.path.insert(0, {root!r})
from storage.db import open_db
from regwatch.exporting import export
from storage.export_rows import Filters
import openpyxl


def hwm():
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak across exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])


before = hwm()
with open({out!r}, "wb") as out:
    export(open_db({db!r}), "changes", {fmt!r}, Filters(), out, today="2026-12-01")
print(before, hwm())
"""


def export_peak_mb(db: Path, fmt: str, out: Path) -> tuple[float, float]:
    """Peak RSS of the exporting process, and how much the export itself added to it (MB)."""
    code = EXPORT.format(root=str(ROOT), out=str(out), db=str(db), fmt=fmt)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = (int(x) / 1024 for x in done.stdout.split()[-2:])
    return after, after - before


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, corpus in (("replica", replica_corpus()), ("dense", dense_corpus())):
            docs = Path(tmp) / f"{name}.db"
            start = time.perf_counter()
            count = build_documents(docs, corpus)
            result = bench_search(docs)
            verdict = "met" if result["median_ms"] <= 30 else "missed"
            print(f"search, {name} corpus of {count} stored versions (built in {time.perf_counter() - start:.0f} s): "
                  f"median {result['median_ms']:.1f} ms/query, max {result['max_ms']:.1f} ms "
                  f"(target ≤ 30 ms: {verdict})")
        for n in (10_000, CHANGES):
            path = Path(tmp) / f"changes{n}.db"
            build_changes(path, n)
            peaks = {fmt: export_peak_mb(path, fmt, Path(tmp) / f"out.{fmt}") for fmt in ("csv", "jsonl", "xlsx")}
            print(f"export {n} changes, peak RSS (export's own share): "
                  + ", ".join(f"{k} {v[0]:.0f} MB (+{v[1]:.1f})" for k, v in peaks.items()))


if __name__ == "__main__":
    main()
