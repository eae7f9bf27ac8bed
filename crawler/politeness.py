"""The download delay as the real gap between two requests to one host.

Scrapy's slot draws its random delay (±50% with DOWNLOAD_DELAY_JITTER = 0.5) anew every time it
looks at the host's queue. A look that finds the wait not yet over schedules another look, which
draws again, and waits again when the new draw is longer: the gap is the longest of several
draws, so a 2.0 s setting gave 2.38 s. Here the draw is made once per request sent and kept until
the next one leaves, so the mean gap is the configured delay. AutoThrottle (crawler/settings.py)
may still raise the delay when the site slows down; DOWNLOAD_DELAY is its floor.
"""

from __future__ import annotations

import random
from typing import Any

from scrapy.core.downloader import Downloader, Slot


class OnceDrawnSlot(Slot):
    """A slot whose random delay factor is drawn once per request sent (per `lastseen`)."""

    __slots__ = ("_drawn_for", "_factor")

    def __init__(self, concurrency: int, delay: float, jitter: float) -> None:
        super().__init__(concurrency, delay, jitter)
        self._drawn_for = -1.0
        self._factor = 1.0

    def download_delay(self) -> float:
        if not self.jitter:
            return self.delay
        if self._drawn_for != self.lastseen:
            self._drawn_for = self.lastseen
            self._factor = max(0.0, 1 + random.uniform(-self.jitter, self.jitter))
        return self.delay * self._factor


class PoliteDownloader(Downloader):
    """Scrapy's downloader with OnceDrawnSlot slots (DOWNLOADER = this class)."""

    def _get_slot(self, request: Any, spider: Any = None) -> tuple[str, Slot]:
        key, slot = super()._get_slot(request)
        if type(slot) is Slot:  # just created, still empty: swap in the once-drawn kind
            slot = OnceDrawnSlot(slot.concurrency, slot.delay, slot.jitter)
            self.slots[key] = slot
        return key, slot
