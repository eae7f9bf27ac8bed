"""urlwatch, the reference tool, checking the same URLs as a crawl (from the `bench` extra).

Each run is a separate `urlwatch` process with its own jobs file, config and cache in a work
folder; reports go nowhere but a quiet stdout, so the time is the check itself.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = """\
display: {new: false, error: true, unchanged: false, empty-diff: false}
report:
  text: {details: false, footer: false, line_length: 75, minimal: true}
  stdout: {enabled: true, color: false}
  html: {diff: unified}
  email: {enabled: false}
  markdown: {enabled: false}
job_defaults:
  all: {}
  url: {}
"""


@dataclass
class UrlwatchRun:
    seconds: float
    cpu_seconds: float
    returncode: int


def urlwatch_bin() -> str | None:
    here = Path(sys.executable).parent / "urlwatch"
    return str(here) if here.exists() else shutil.which("urlwatch")


def write_jobs(folder: Path, urls: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    jobs = "\n---\n".join(f"url: \"{u}\"\nname: \"u{i}\"" for i, u in enumerate(urls))
    (folder / "urls.yaml").write_text(jobs + "\n")
    (folder / "urlwatch.yaml").write_text(CONFIG)
    (folder / "hooks.py").write_text("")


def run_urlwatch(folder: Path) -> UrlwatchRun:
    """One check of every job; the first run fills the cache, later runs compare against it."""
    exe = urlwatch_bin()
    if exe is None:
        raise RuntimeError("urlwatch is not installed: pip install -e '.[bench]'")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([exe, "--urls", str(folder / "urls.yaml"), "--config", str(folder / "urlwatch.yaml"),
                           "--hooks", str(folder / "hooks.py"), "--cache", str(folder / "cache.db")],
                          capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return UrlwatchRun(seconds, cpu, proc.returncode)
