"""Run the replica in a subprocess, the way Scrapy's tests run their mock server.

    proc = ReplicaProcess().start(state=0, scale=0)
    proc.miit, proc.samr, proc.province   # base URLs, no trailing slash
    proc.set_state(2); proc.set_fault("jsl521", paths="/zwgk/"); proc.reset(); proc.stop()
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

START_TIMEOUT = 30.0
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SITE_KEYS = ("miit", "samr", "province")


class ReplicaError(RuntimeError):
    """The replica did not start, or an admin call failed."""


class ReplicaProcess:
    def __init__(self, timeout: float = START_TIMEOUT) -> None:
        self.timeout = timeout
        self.proc: subprocess.Popen[str] | None = None
        self.miit = ""
        self.samr = ""
        self.province = ""
        self._stderr: Any = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self, state: int = 0, scale: int = 0, faults: list[str] | None = None) -> ReplicaProcess:
        args = [sys.executable, "-m", "replica", "--port", "0", "--state", str(state), "--scale", str(scale)]
        for fault in faults or []:
            args += ["--fault", fault]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env,
                                     cwd=PACKAGE_ROOT)
        urls = self._read_urls()
        self.miit, self.samr, self.province = urls["miit"], urls["samr"], urls["province"]
        return self

    def _read_urls(self) -> dict[str, str]:
        """Read the three URL lines on a helper thread, waiting at most `timeout` seconds."""
        assert self.proc and self.proc.stdout
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout

        def reader() -> None:
            for _ in range(len(SITE_KEYS)):
                lines.put(stdout.readline())

        threading.Thread(target=reader, name="replica-stdout", daemon=True).start()
        deadline = time.monotonic() + self.timeout
        urls: dict[str, str] = {}
        while len(urls) < len(SITE_KEYS):
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if not line:
                problem = "exited before printing its URLs" if line == "" else f"printed no URLs within {self.timeout}s"
                stderr = self._stderr_text()
                self.stop()
                raise ReplicaError(f"replica {problem}: {stderr}")
            key, _, url = line.strip().partition(" ")
            if key in SITE_KEYS and url.startswith("http://"):
                urls[key] = url.rstrip("/")
        return urls

    def _stderr_text(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read()[-2000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self.proc = None

    def __enter__(self) -> ReplicaProcess:
        return self if self.proc else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- admin --------------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if not self.miit:
            raise ReplicaError("the replica is not running")
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(f"{self.miit}/__admin/{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ReplicaError(f"admin {method} {path}: {exc.code} {exc.read().decode('utf-8', 'replace')}") from exc

    def set_state(self, state: int) -> dict[str, Any]:
        return self._admin("POST", "state", {"state": state})

    def set_fault(self, name: str, on: bool = True, **options: Any) -> dict[str, Any]:
        return self._admin("POST", "faults", {"name": name, "on": on, **options})

    def clear_faults(self) -> None:
        for name in self.stats()["faults"]:
            self.set_fault(name, on=False)

    def reset(self) -> dict[str, Any]:
        """State 0, every fault off, request log and counters emptied."""
        return self._admin("POST", "reset")

    def stats(self) -> dict[str, Any]:
        """The status: state, scale, faults, and request counts per site and path."""
        return self._admin("GET", "status")

    def requests(self) -> list[dict[str, Any]]:
        """The request log: method, path with query, status, user agent, referer, validators sent."""
        return self._admin("GET", "requests")["requests"]

    def clear_requests(self) -> None:
        self._admin("POST", "requests/clear")
