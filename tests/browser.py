"""Helpers for the browser test and `make screenshots`: a database crawled from the replica's
timeline, `regwatch serve` in a subprocess that is always stopped, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"]


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def start_chromium(profile: Path) -> Any:
    """Headless Chromium through Selenium, with a fresh profile and nothing reaching the network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium_paths()
    if paths is None:
        raise RuntimeError("chromium and chromedriver are not installed (make test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(paths[1]), options=options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """`regwatch serve` in a child process; `stop()` (or the context manager) always ends it."""

    def __init__(self, database: str, blobs: str) -> None:
        self.database, self.blobs = database, blobs
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()

    def start(self, timeout: float = 60) -> ServeProcess:
        env = {**os.environ, "REGWATCH_BLOBS": self.blobs, "PYTHONPATH": str(ROOT)}
        env.pop("REGWATCH_CONFIG", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "regwatch.cli", "--db", self.database, "serve",
                                      "--port", str(self.port)], stdout=self.log, stderr=self.log, env=env,
                                     cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/-/regwatch/sources", timeout=2):
                    return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    output = self.log.read().decode(errors="replace")[-2000:]
                    self.stop()
                    raise RuntimeError(f"regwatch serve did not start: {output}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        self.log.close()

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def crawl_timeline(watcher: Any) -> None:
    """Crawl state 0 (the baseline), then each later state, as the end-to-end test does."""
    watcher.replica.reset()
    watcher.crawl()
    for state in range(1, 6):
        watcher.replica.set_state(state)
        watcher.crawl()
