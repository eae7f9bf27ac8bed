"""The random part of the download delay is drawn once per request sent, not per look at the queue."""

from __future__ import annotations

from crawler.politeness import OnceDrawnSlot


def test_delay_is_drawn_once_per_request_sent():
    slot = OnceDrawnSlot(1, 2.0, 0.5)
    slot.lastseen = 100.0
    first = {slot.download_delay() for _ in range(50)}
    assert len(first) == 1 and 1.0 <= first.pop() <= 3.0
    draws = []
    for i in range(400):
        slot.lastseen = 200.0 + i
        draws.append(slot.download_delay())
    assert len(set(draws)) > 300
    assert abs(sum(draws) / len(draws) - 2.0) < 0.1


def test_no_jitter_is_the_exact_delay():
    slot = OnceDrawnSlot(1, 2.0, 0.0)
    assert slot.download_delay() == 2.0
