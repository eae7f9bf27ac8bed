"""One crawl pass, run in a child process (see crawler.run) with settings from the config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.classify import load_rules
from crawler.sources import load_sources
from regwatch.config import Config
from regwatch.staleness import check_staleness
from storage.changes import iso, utcnow
from storage.db import open_db
from storage.health import finish_run
from storage.vocab import GOOD_RUNS


@dataclass
class CrawlOutcome:
    statuses: dict[str, str]
    returncode: int
    log: str

    @property
    def exit_code(self) -> int:
        """0 when every source was read (ok, or degraded with some errors), 3 otherwise."""
        if self.returncode not in (0, 3) or not self.statuses:
            return 1
        return 0 if all(s in GOOD_RUNS for s in self.statuses.values()) else 3


def crawl_settings(config: Config, *, full: bool = False, polite: bool = True) -> dict[str, Any]:
    general = config.general
    routes = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(r).items() if k != "extra"}
        for r in config.notifier().route_filters()
    ]
    settings: dict[str, Any] = {
        "REGWATCH_DB": str(Path(config.database).resolve()),
        "REGWATCH_BLOBS": str(Path(config.blobs).resolve()),
        "REGWATCH_SOURCE_OVERRIDES": config.sources,
        "REGWATCH_ROUTES": routes,
        "REGWATCH_SEVERITIES": dict(config.notifier().severities),
        "REGWATCH_FULL": full,
        "REGWATCH_MAX_PAGES": general["max_pages"],
        "REGWATCH_BACKFILL_PAGES": general["history_pages"],
        "REGWATCH_WITHDRAW_AFTER_RUNS": general["withdraw_after_runs"],
        "REGWATCH_SUSPECT_REMOVAL_SHARE": general["suspect_removal_share"],
        "REGWATCH_FLAPPING_WINDOW": general["flapping_window"],
        "REGWATCH_RECHECK_WITHDRAWN_DAYS": general["recheck_withdrawn_days"],
        "REGWATCH_REPLAY": general["replay"],
        "REGWATCH_CLASSIFY_RULES": checked_rules_path(config),
        "USER_AGENT": general["user_agent"],
        "DOWNLOAD_DELAY": general["download_delay"],
        "DOWNLOAD_TIMEOUT": general["download_timeout"],
        "DOWNLOAD_MAXSIZE": general["max_download_bytes"],
        "ROBOTSTXT_OBEY": general["obey_robots"],
    }
    if not polite:
        settings.update({"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_ENABLED": False})
    return settings


def checked_rules_path(config: Config) -> str:
    """The user's classification-rules override, validated here so a typo fails before a crawl."""
    path = config.general["classify_rules"]
    if path:

        load_rules(path)
        return str(Path(path).resolve())
    return ""


def enabled_sources(config: Config, wanted: list[str] | None = None, *, every: bool = False) -> list[str]:
    """The sources to crawl: `wanted` (checked), else the enabled ones, or all with every=True."""

    sources = load_sources(config.sources)
    if every:
        return list(sources)
    if wanted:
        unknown = [s for s in wanted if s not in sources]
        if unknown:
            raise ValueError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(sources)}")
        return wanted
    return [s.id for s in sources.values() if s.enabled]


def run_crawl(config: Config, sources: list[str] | None = None, *, full: bool = False,
              polite: bool = True, timeout: float | None = None, extra: dict[str, Any] | None = None,
              quiet: bool = True) -> CrawlOutcome:
    """One crawl pass: each source in a child process of its own, up to `crawl_processes` at
    once. A source's child is killed when it runs past that source's budget (`timeout` seconds,
    else its `crawl_budget_minutes`), and the overrun is recorded as a failed run with a health
    alert naming the budget. One process per source spreads the sources over the cores, keeps a
    crash or an overrun to its own source, and gives each source its own budget."""
    ids = enabled_sources(config, sources)
    settings = crawl_settings(config, full=full, polite=polite)
    if quiet:
        settings["LOG_LEVEL"] = "WARNING"
    settings.update(extra or {})
    workers = max(1, min(len(ids), int(config.general["crawl_processes"]) or os.cpu_count() or 1))
    outcomes = _crawl_children(config, ids, settings, timeout, workers)
    statuses = {k: v for outcome in outcomes for k, v in outcome.statuses.items()}
    codes = [o.returncode for o in outcomes]
    returncode = next((c for c in codes if c not in (0, 3)), 3 if 3 in codes else 0)
    check_staleness(config)  # a cron user who runs only `crawl` is told too
    logs = [f"--- {i}\n{o.log}" if len(ids) > 1 else o.log for i, o in zip(ids, outcomes, strict=True)]
    return CrawlOutcome(statuses=statuses, returncode=returncode, log="".join(logs))


def _crawl_children(config: Config, ids: list[str], settings: dict[str, Any], timeout: float | None,
                    workers: int) -> list[CrawlOutcome]:
    """Run the sources' children, `workers` at a time. Each child is started from this thread (its
    death signal, crawler.procs.die_with_parent, follows the thread that started it); helper
    threads only wait on them and read their output."""
    pending = list(ids)
    outcomes: dict[str, CrawlOutcome] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl-wait") as pool:
        waiting: dict[Future[CrawlOutcome], str] = {}
        while pending or waiting:
            while pending and len(waiting) < workers:
                source_id = pending.pop(0)
                budget = timeout if timeout is not None else crawl_budget(config, [source_id])
                proc = _start_child(source_id, settings)
                waiting[pool.submit(_finish_child, config, source_id, proc, budget)] = source_id
            done, _ = wait(waiting, return_when=FIRST_COMPLETED)
            for future in done:
                outcomes[waiting.pop(future)] = future.result()
    return [outcomes[i] for i in ids]


def _start_child(source_id: str, settings: dict[str, Any]) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.run", json.dumps(settings), source_id],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings", "REGWATCH_PARENT_PID": str(os.getpid())},
    )
    _running.add(proc)
    return proc


def _finish_child(config: Config, source_id: str, proc: subprocess.Popen[str], budget: float) -> CrawlOutcome:
    """Wait for one source's child within its budget; kill it and record the overrun past it."""
    try:
        stdout, stderr = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        record_overrun(config, [source_id], budget)
        return CrawlOutcome(statuses={source_id: "failed"}, returncode=3,
                            log=stderr + f"\ncrawl killed after its budget of {budget:g} s")
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    finally:
        _running.discard(proc)
        _stopping.discard(proc)
    statuses: dict[str, str] = {}
    for line in stdout.splitlines():
        if line.startswith('{"statuses"'):
            statuses = json.loads(line)["statuses"]
    return CrawlOutcome(statuses=statuses, returncode=proc.returncode, log=stderr)


def crawl_budget(config: Config, ids: list[str]) -> float:
    """Seconds one pass over these sources may take: the largest of their budgets."""

    sources = load_sources(config.sources)
    default = float(config.general["crawl_budget_minutes"])
    return 60 * max((sources[i].crawl_budget_minutes or default for i in ids), default=default)


def record_overrun(config: Config, ids: list[str], budget: float) -> None:
    """The killed crawl could not write its own crawl_runs row: write it here, with a health alert."""

    sources = load_sources(config.sources)
    db = open_db(config.database)
    try:
        for source_id in ids:
            finish_run(db, source_id=source_id, source=sources[source_id], started_at=iso(utcnow()),
                       status="failed", message=f"crawl ran past its budget of {budget / 60:g} min and was killed",
                       pages=0, items=0, requests=0, http_codes="{}", errors=1, stats="{}",
                       routes=config.notifier().route_filters(), overrun=True)
    finally:
        db.close()


_running: set[subprocess.Popen[str]] = set()
_stopping: set[subprocess.Popen[str]] = set()


def stop_running_crawls() -> int:
    """Ask every crawl child of this process to stop (SIGTERM: Scrapy closes its spiders, so
    each run is stored and recorded before the child exits). Returns how many were asked."""
    children = [proc for proc in _running if proc not in _stopping]
    for proc in children:
        if proc.poll() is None:
            # Once only: Scrapy takes a second SIGTERM as "stop now", skipping the clean close.
            _stopping.add(proc)
            proc.terminate()
    return len(children)
