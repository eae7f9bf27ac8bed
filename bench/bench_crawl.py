"""Crawl benchmark: every crawl figure paired with its floor, measured side by side, repeated.

Run from the repository root: python bench/bench_crawl.py [--scale 600] [--repeats 3]

- full crawl (delay 0, robots off) against a plain fetch of exactly the URLs it requested, with
  fresh connections and one request at a time per host (bench/floor.py); CPU per response is the
  crawl processes' own CPU time (user + system) over the responses the replica served them;
  beside it, Scrapy's engine alone on the same URLs (bench/engine_floor.py), the floor of any
  crawl that goes through Scrapy;
- unchanged re-crawl against urlwatch checking the same URLs, on the scaled site and on the
  small (scale 0) site, where a crawl's fixed cost (imports, jieba) shows;
- an unchanged re-crawl at the real politeness settings (robots.txt, the configured delay)
  against the same plain fetch with the same delay, and the real gap between two requests to
  one host, read from the replica's own log, against the configured delay.

Prints a table with targets and writes the section "crawl" of bench/results.json.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_floor import null_crawl
from bench.floor import crawl_urls, plain_fetch, request_gaps
from bench.report import Figure, machine, save, table
from bench.urlwatch_run import run_urlwatch, urlwatch_bin, write_jobs
from regwatch.config import Config, load_config
from regwatch.crawl import run_crawl
from replica.testing import ReplicaProcess

FAST = {"ROBOTSTXT_OBEY": False}


@dataclass
class CrawlRun:
    seconds: float
    cpu_seconds: float
    log: list[dict[str, Any]]
    statuses: dict[str, str]

    @property
    def requests(self) -> int:
        return len(self.log)


def config_for(replica: ReplicaProcess, work: Path, delay: float | None = None) -> Config:
    env = {"REGWATCH_MIIT_BASE_URL": replica.miit, "REGWATCH_SAMR_BASE_URL": replica.samr,
           "REGWATCH_DB": str(work / "bench.db"), "REGWATCH_BLOBS": str(work / "blobs")}
    config = load_config(environ=env)
    if delay is not None:
        config.general["download_delay"] = delay
    return config


def crawl(replica: ReplicaProcess, config: Config, *, full: bool, polite: bool) -> CrawlRun:
    """One crawl in its own process, timed by wall clock and by that process's CPU."""
    replica.clear_requests()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    outcome = run_crawl(config, full=full, polite=polite, extra=None if polite else FAST)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if outcome.returncode not in (0, 3):
        print(outcome.log[-3000:], file=sys.stderr)
        raise SystemExit(f"crawl failed with {outcome.returncode}")
    return CrawlRun(seconds, cpu, replica.requests(), outcome.statuses)


def bases(replica: ReplicaProcess) -> dict[str, str]:
    return {"miit": replica.miit, "samr": replica.samr}


def scaled_figures(scale: int, repeats: int, use_urlwatch: bool, urlwatch_runs: int) -> list[Figure]:
    """Full crawl vs floor, and unchanged re-crawl vs full crawl and vs urlwatch, at one scale."""
    ratio, cpu_ms, cpu_ratio, floor_s, crawl_s, reqs = [], [], [], [], [], []
    engine_ratio, engine_s, beyond_engine = [], [], []
    recrawl_share, recrawl_reqs, recrawl_vs_uw = [], [], []
    folder = Path(tempfile.mkdtemp(prefix="regwatch-bench-urlwatch-"))
    with ReplicaProcess().start(scale=scale) as replica:
        for rep in range(repeats):
            work = Path(tempfile.mkdtemp(prefix="regwatch-bench-"))
            config = config_for(replica, work)
            first = crawl(replica, config, full=True, polite=False)
            urls = crawl_urls(first.log, bases(replica))
            floor = plain_fetch(urls)
            engine = null_crawl(urls)
            engine_ratio.append(engine.seconds / floor.seconds)
            engine_s.append(engine.seconds)
            beyond_engine.append(max(first.cpu_seconds - engine.cpu_seconds, 0.0) * 1000 / max(first.requests, 1))
            ratio.append(first.seconds / floor.seconds)
            cpu_ms.append(first.cpu_seconds * 1000 / max(first.requests, 1))
            cpu_ratio.append(first.cpu_seconds / max(floor.cpu_seconds, 1e-9))
            floor_s.append(floor.seconds)
            crawl_s.append(first.seconds)
            reqs.append(first.requests)
            again = crawl(replica, config, full=False, polite=False)
            recrawl_share.append(again.seconds / first.seconds)
            recrawl_reqs.append(again.requests / max(first.requests, 1))
            if use_urlwatch and rep < urlwatch_runs:
                if rep == 0:
                    write_jobs(folder, urls)
                    run_urlwatch(folder)  # fills the cache: the first look at every URL
                check = run_urlwatch(folder)
                recrawl_vs_uw.append(again.seconds / check.seconds)
            print(f"  scale {scale} run {rep + 1}: full crawl {first.requests} requests {first.seconds:.1f} s "
                  f"(CPU {first.cpu_seconds:.1f} s), floor {floor.seconds:.1f} s ({floor.errors} errors), "
                  f"Scrapy alone {engine.seconds:.1f} s (CPU {engine.cpu_seconds:.1f} s); "
                  f"re-crawl {again.requests} requests {again.seconds:.2f} s", flush=True)
    tag = f"scale {scale}"
    figures = [
        Figure(f"full crawl ÷ fresh-connection floor ({tag}, delay 0)", ratio, "×", 3.0,
               note="wall clock; floor = plain fetch of the same URLs, fresh connections, 1 per host"),
        Figure(f"Scrapy engine alone ÷ fresh-connection floor ({tag}, delay 0)", engine_ratio, "×",
               note="a do-nothing spider on the same URLs, one process per host: no crawl can go below it"),
        Figure(f"full crawl CPU per response ({tag})", cpu_ms, "ms", 5.0),
        Figure(f"full crawl CPU per response beyond the engine's ({tag})", beyond_engine, "ms",
               note="reading, classifying, segmenting and storing"),
        Figure(f"Scrapy engine alone wall ({tag})", engine_s, "s"),
        Figure(f"full crawl CPU ÷ floor CPU ({tag})", cpu_ratio, "×"),
        Figure(f"full crawl wall ({tag})", crawl_s, "s"),
        Figure(f"floor wall ({tag})", floor_s, "s"),
        Figure(f"full crawl requests ({tag})", [float(r) for r in reqs], ""),
        Figure(f"unchanged re-crawl ÷ full crawl, time ({tag})", recrawl_share, "×"),
        Figure(f"unchanged re-crawl ÷ full crawl, requests ({tag})", recrawl_reqs, "×"),
    ]
    if recrawl_vs_uw:
        figures.append(Figure(f"unchanged re-crawl ÷ urlwatch, same URLs ({tag}, delay 0)", recrawl_vs_uw, "×", 1.0))
    return figures


def small_site_figures(repeats: int, use_urlwatch: bool) -> list[Figure]:
    """The fixed cost of a run: an unchanged re-crawl of the small site against urlwatch, both
    through Scrapy (replay off) and as a quiet-run replay (the steady state of a daemon on a site
    that did not change; the first Scrapy re-crawl records the plan)."""
    vs_uw: dict[bool, list[float]] = {False: [], True: []}
    cpu: dict[bool, list[float]] = {False: [], True: []}
    wall: dict[bool, list[float]] = {False: [], True: []}
    with ReplicaProcess() as replica:
        work = Path(tempfile.mkdtemp(prefix="regwatch-bench-small-"))
        config = config_for(replica, work)
        first = crawl(replica, config, full=True, polite=False)
        urls = crawl_urls(first.log, bases(replica))
        folder = work / "urlwatch"
        if use_urlwatch:
            write_jobs(folder, urls)
            run_urlwatch(folder)
        for replay in (False, True):
            config.general["replay"] = replay
            for rep in range(repeats):
                again = crawl(replica, config, full=False, polite=False)
                cpu[replay].append(again.cpu_seconds)
                wall[replay].append(again.seconds)
                check = run_urlwatch(folder) if use_urlwatch else None
                if check is not None:
                    vs_uw[replay].append(again.seconds / check.seconds)
                print(f"  small site, {'replay' if replay else 'Scrapy'} run {rep + 1}: re-crawl {again.requests} "
                      f"requests {again.seconds:.2f} s CPU {again.cpu_seconds:.2f} s; urlwatch on {len(urls)} URLs "
                      f"{check.seconds if check else float('nan'):.2f} s", flush=True)
            if replay is False:
                # the plan is recorded by a quiet Scrapy run with replay on: one such run before the series
                config.general["replay"] = True
                crawl(replica, config, full=False, polite=False)
    figures = []
    for replay, how in ((False, "through Scrapy (replay off)"), (True, "replayed")):
        figures += [Figure(f"small site: unchanged re-crawl {how}, wall", wall[replay], "s"),
                    Figure(f"small site: unchanged re-crawl {how}, CPU", cpu[replay], "s")]
        if vs_uw[replay]:
            figures.append(Figure(f"small site: unchanged re-crawl {how} ÷ urlwatch ({len(urls)} URLs)",
                                  vs_uw[replay], "×", 1.0 if replay else None))
    return figures


def polite_figures(repeats: int, delay: float) -> list[Figure]:
    """The real politeness settings: robots.txt obeyed, the configured delay between requests."""
    ratio, gap_ratio = [], []
    with ReplicaProcess() as replica:
        work = Path(tempfile.mkdtemp(prefix="regwatch-bench-polite-"))
        crawl(replica, config_for(replica, work), full=True, polite=False)
        config = config_for(replica, work, delay=delay)
        for rep in range(repeats):
            run = crawl(replica, config, full=False, polite=True)
            floor = plain_fetch(crawl_urls(run.log, bases(replica)), delay=delay)
            gaps = request_gaps(run.log)
            ratio.append(run.seconds / floor.seconds)
            gap_ratio.append(statistics.mean(gaps) / delay if gaps else float("nan"))
            print(f"  polite run {rep + 1}: {run.requests} requests {run.seconds:.1f} s, same fetch with "
                  f"delay {delay} s: {floor.seconds:.1f} s; mean gap {statistics.mean(gaps or [0]):.2f} s", flush=True)
    return [
        Figure(f"polite re-crawl ÷ plain fetch with the same {delay:g} s delay", ratio, "×", 1.1),
        Figure(f"real gap per host ÷ configured delay ({delay:g} s)", gap_ratio, "×", 1.05),
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=600, help="extra articles per replica column")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2.0, help="the polite run's download delay")
    parser.add_argument("--skip", action="append", default=[], choices=["scaled", "small", "polite"])
    parser.add_argument("--label", default="crawl", help="section name in bench/results.json")
    parser.add_argument("--urlwatch-runs", type=int, default=1,
                        help="paired urlwatch checks on the scaled site (each takes minutes at scale 600; "
                             "the small site always has --repeats of them)")
    args = parser.parse_args()
    # A user's Python caches bytecode; a sandbox that turns caching off would charge every crawl
    # (and every urlwatch run) for compiling its imports again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    use_urlwatch = urlwatch_bin() is not None
    if not use_urlwatch:
        print("  urlwatch is not installed (pip install -e '.[bench]'); its figures are skipped")
    figures: list[Figure] = []
    if "scaled" not in args.skip:
        figures += scaled_figures(args.scale, args.repeats, use_urlwatch, args.urlwatch_runs)
    if "small" not in args.skip:
        figures += small_site_figures(args.repeats, use_urlwatch)
    if "polite" not in args.skip:
        figures += polite_figures(args.repeats, args.delay)
    print(table(figures))
    save(args.label, figures, {"scale": args.scale, "repeats": args.repeats, "machine": machine()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
