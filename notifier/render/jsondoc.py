"""The JSON payload: a versioned envelope around the change exactly as stored.

Schema "regwatch.alert/1". Fields are only ever added within version 1; renaming or removing
one would make it "regwatch.alert/2".
"""

from __future__ import annotations

import json
from typing import Any

from notifier.alert import Alert

SCHEMA = "regwatch.alert/1"


def alert_item(alert: Alert) -> dict[str, Any]:
    return {
        "headline": {"zh": alert.headline_zh, "en": alert.headline_en},
        "needs_review": alert.needs_review,
        "severity": str(alert.payload.get("severity") or "info"),
        "links": [{"label": label, "url": url} for label, url in alert.links],
        "change": dict(alert.payload),
    }


def document(alerts: list[Alert], *, delivery_id: str, route: str | None, digest: bool,
             test: bool) -> dict[str, Any]:
    return {
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
