"""Recognise anti-bot answers (SITES.md §4) so they are recorded as 'blocked', never as content."""

from __future__ import annotations

from collections.abc import Mapping


def detect_challenge(status: int, headers: Mapping[bytes | str, object], body: bytes) -> str | None:
    """The reason a response is a challenge or block page, or None when it is not one."""
    head = body[:4096]
    set_cookie = " ".join(str(v) for k, v in _items(headers) if _lower(k) == "set-cookie")
    if status == 521 and (b"document.cookie" in head or b"__jsl_clearance" in head):
        return "JSL cookie challenge (HTTP 521 with a cookie script)"
    if status == 521:
        return "HTTP 521 (origin refused; a JSL-style block)"
    if status == 412:
        return "Ruishu-style challenge (HTTP 412)" if b"$_ts" in head else "HTTP 412 (precondition challenge)"
    if status in (307, 302) and "wzws_cid" in set_cookie:
        return "WZWS challenge (redirect setting wzws_cid)"
    if status == 403:
        return "HTTP 403 forbidden (the site refused this client)"
    if status == 200 and (b"$_ts" in head and b"<script" in head and len(body) < 20_000):
        return "challenge script served with HTTP 200"
    return None


def _lower(key: bytes | str) -> str:
    return (key.decode("latin-1") if isinstance(key, bytes) else key).lower()


def _items(headers: Mapping[bytes | str, object]):
    for key in headers:
        values = headers.getlist(key) if hasattr(headers, "getlist") else [headers[key]]
        for value in values:
            yield key, value.decode("latin-1") if isinstance(value, bytes) else value
