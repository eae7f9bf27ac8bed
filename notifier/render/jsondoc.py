"""The JSON payload: a versioned envelope around the change exactly as stored.

Schema "regwatch.alert/1". Fields are only ever added within version 1; renaming or removing
one would make it "regwatch.alert/2".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from notifier.alert import Alert
from notifier.summary import Summary

SCHEMA = "regwatch.alert/1"


def alert_item(alert: Alert) -> dict[str, Any]:
    return {
        "headline": {"zh": alert.headline_zh, "en": alert.headline_en},
        "needs_review": alert.needs_review,
        "severity": str(alert.payload.get("severity") or "info"),
        "links": [{"label": label, "url": url} for label, url in alert.links],
        "change": dict(alert.payload),
    }


def summary_item(s: Summary) -> dict[str, Any]:
    """The message's summary, one per document: what a receiver shows before the details."""
    return {
        "headline": {"zh": s.headline_zh, "en": s.headline_en},
        "severity": s.severity.value,
        "counts": {o.value: n for o, n in s.counts},
        "rows": [{"enterprise": r.enterprise, "province": r.province, "type": r.type, "outcome": r.outcome.value,
                  "note": r.note} for r in s.rows],
        "change_ids": s.change_ids,
        "full_view": s.full_view[1] if s.full_view else None,
    }


def document(alerts: list[Alert], *, delivery_id: str, route: str | None, digest: bool,
             test: bool, summaries: Sequence[Summary] = ()) -> dict[str, Any]:
    return {
        "summaries": [summary_item(s) for s in summaries],
        "schema": SCHEMA,
        "delivery_id": delivery_id,
        "route": route,
        "test": test,
        "digest": {"route": route, "count": len(alerts)} if digest else None,
        "alerts": [alert_item(a) for a in alerts],
    }


def encode(doc: dict[str, Any]) -> bytes:
    """Stable bytes: a resent delivery is byte-identical, so its signature is identical too."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()
