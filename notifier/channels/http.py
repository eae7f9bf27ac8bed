"""POST with the standard library, a timeout per channel, and errors that never carry the URL."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from typing import Any

from notifier.errors import DeliveryError

USER_AGENT = "regwatch-notifier/1"
MAX_REPLY_BYTES = 64 * 1024


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """Return (status, reply body) for any HTTP answer; raise DeliveryError when there is none."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"User-Agent": USER_AGENT, **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(MAX_REPLY_BYTES)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(MAX_REPLY_BYTES)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise DeliveryError(f"no answer within {timeout:g} s") from None
        raise DeliveryError(f"cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as exc:
        raise DeliveryError(f"connection failed: {type(exc).__name__}: {exc}") from None


def post_json(url: str, payload: Any, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return post(url, body, {"Content-Type": "application/json; charset=utf-8", **headers}, timeout)


def reply_text(reply: bytes, limit: int = 300) -> str:
    text = reply.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def require_2xx(service: str, status: int, reply: bytes) -> str:
    if not 200 <= status < 300:
        raise DeliveryError(f"{service} answered HTTP {status}: {reply_text(reply) or '(empty body)'}")
    return f"HTTP {status}"


def require_zero_code(service: str, status: int, reply: bytes, keys: tuple[str, ...]) -> str:
    """Chat robots answer 200 even when they reject a message; the JSON code says what happened."""
    require_2xx(service, status, reply)
    try:
        answer = json.loads(reply.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"{service} answered HTTP {status} with a body that is not JSON: "
                            f"{reply_text(reply)}") from None
    if isinstance(answer, dict):
        for key in keys:
            code = answer.get(key)
            if code not in (None, 0, "0"):
                message = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
                raise DeliveryError(f"{service} rejected the message: {key} {code}: {message}")
    return f"HTTP {status}, accepted"
