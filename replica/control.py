"""The state both sites share in one process: timeline state, faults, request log, visit counters.

All access goes through one lock; handler threads never touch the fields directly.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from typing import Any

from replica.faults import BLOCKING_ORDER, TRANSFORM_ORDER, Fault, make_fault
from replica.timeline import MAX_STATE
from replica.wire import Reply, Request

LOG_LIMIT = 200_000


class Control:
    def __init__(self, state: int = 0, scale: int = 0) -> None:
        self._lock = threading.Lock()
        self.scale = scale
        self._state = 0
        self._faults: dict[str, Fault] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=LOG_LIMIT)
        self._counts: dict[str, Counter[str]] = {"miit": Counter(), "samr": Counter(), "province": Counter()}
        self._views: Counter[str] = Counter()
        self.set_state(state)

    # --- timeline -----------------------------------------------------------------------------

    @property
    def state(self) -> int:
        with self._lock:
            return self._state

    def set_state(self, state: object) -> None:
        if not isinstance(state, int) or not 0 <= state <= MAX_STATE:
            raise ValueError(f"state must be an integer 0..{MAX_STATE}")
        with self._lock:
            self._state = state

    # --- faults -------------------------------------------------------------------------------

    def set_fault(self, name: str, on: bool = True, **options: Any) -> None:
        fault = make_fault(name, options) if on else None  # validates even before switching on
        with self._lock:
            if fault is None:
                self._faults.pop(name, None)
            else:
                self._faults[name] = fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {name: fault.describe() for name, fault in self._faults.items()}

    def blocking_reply(self, request: Request) -> Reply | None:
        with self._lock:
            for name in BLOCKING_ORDER:
                fault = self._faults.get(name)
                if fault and fault.matches(request):
                    reply = fault.block(request)
                    if fault.exhausted:
                        del self._faults[name]
                    if reply is not None:
                        return reply
        return None

    def delay(self, request: Request) -> float:
        with self._lock:
            fault = self._faults.get("slow")
            return fault.delay() if fault and fault.matches(request) else 0.0

    def active(self, name: str, request: Request) -> bool:
        with self._lock:
            fault = self._faults.get(name)
            return bool(fault and fault.matches(request))

    def transform(self, request: Request, reply: Reply) -> Reply:
        with self._lock:
            faults = [self._faults.get(name) for name in TRANSFORM_ORDER]
            chosen = [fault for fault in faults if fault and fault.matches(request)]
        for fault in chosen:
            reply = fault.transform(request, reply)
        return reply

    # --- counters and the request log ---------------------------------------------------------

    def view(self, site: str, art_id: str) -> int:
        """Count one visit of an article page and return its 浏览次数."""
        with self._lock:
            self._views[f"{site}:{art_id}"] += 1
            return 100 + int(art_id[:3], 16) % 900 + self._views[f"{site}:{art_id}"]

    def record(self, request: Request, status: int) -> None:
        entry = {
            "time": round(time.time(), 3),
            "site": request.site,
            "method": request.method,
            "path": request.target,
            "status": status,
            "user_agent": request.header("user-agent"),
            "referer": request.header("referer"),
            "if_none_match": bool(request.header("if-none-match")),
            "if_modified_since": bool(request.header("if-modified-since")),
        }
        with self._lock:
            self._log.append(entry)
            self._counts[request.site][request.path] += 1

    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._lock:
            self._log.clear()
            for counter in self._counts.values():
                counter.clear()

    def reset(self) -> None:
        """State 0, no faults, counters and log emptied."""
        with self._lock:
            self._state = 0
            self._faults.clear()
            self._log.clear()
            self._views.clear()
            for counter in self._counts.values():
                counter.clear()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "state": self._state,
                "scale": self.scale,
                "faults": {name: fault.describe() for name, fault in self._faults.items()},
                "requests": {site: dict(counter) for site, counter in self._counts.items()},
                "total_requests": sum(sum(c.values()) for c in self._counts.values()),
            }
