"""Generic JSON webhooks, signed."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.channels.http import post, require_2xx
from notifier.render.jsondoc import SCHEMA
from options import Option


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel(Channel, kind="webhook"):
    """JSON POST of the "regwatch.alert/1" document. Headers: X-Regwatch-Delivery (the stable
    delivery id, for dropping duplicates) and, when a secret is set, X-Regwatch-Signature:
    sha256=<hex HMAC-SHA256 of the raw body>. Any 2xx answer counts as delivered."""

    options: ClassVar[dict[str, Any]] = {
        "url": Option("url", "where to POST", required=True, secret=True),
        "secret": Option("str", "shared secret for the HMAC signature", secret=True),
    }

    def send(self, message: Message) -> str:
        body = message.rendering.json_bytes(message.delivery_id, message.route)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "X-Regwatch-Delivery": message.delivery_id, "X-Regwatch-Schema": SCHEMA}
        if self.settings["secret"]:
            headers["X-Regwatch-Signature"] = signature(self.settings["secret"], body)
        status, reply = post(self.settings["url"], body, headers, self.timeout)
        return require_2xx("webhook", status, reply)
