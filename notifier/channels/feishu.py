"""Feishu / Lark (飞书) custom bots."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.channels.http import post_json, require_zero_code
from notifier.limits import FEISHU_MARKDOWN_BYTES
from notifier.render import Rendering, json_size
from notifier.render.common import inert_text, safe_url
from options import Option
from storage.vocab import Severity


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu signs with the string as the *key* and an empty message."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def card(rendering: Rendering) -> dict[str, Any]:
    urgent = rendering.severity == Severity.CRITICAL or any(a.needs_review for a in rendering.alerts)
    return {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": inert_text(rendering.headline[0])},
                   "template": "red" if urgent else "blue"},
        "elements": [{"tag": "markdown", "content": rendering.markdown_within(FEISHU_MARKDOWN_BYTES)}],
    }


def post_content(rendering: Rendering) -> dict[str, Any]:
    lines: list[list[dict[str, str]]] = []
    used = 0
    for line in rendering.text.splitlines():  # whole lines, within Feishu's body size
        used += json_size(line) + 20
        if used > FEISHU_MARKDOWN_BYTES:
            lines.append([{"tag": "text", "text": "…内容过长，已截断 / truncated"}])
            break
        lines.append([{"tag": "text", "text": inert_text(line)}])
    for alert in rendering.alerts:
        for label, url in alert.links:
            if safe_url(url):
                lines.append([{"tag": "a", "text": inert_text(label), "href": url}])
    return {"post": {"zh_cn": {"title": inert_text(rendering.headline[0]), "content": lines}}}


def plain_text(rendering: Rendering) -> str:
    """The text message: content made inert, then our own links, which Feishu makes clickable."""
    links = [url for alert in rendering.alerts for _, url in alert.links if safe_url(url)]
    return "\n".join([inert_text(rendering.text_within(FEISHU_MARKDOWN_BYTES)), *links])


class FeishuChannel(Channel, kind="feishu"):
    """Feishu / Lark custom bot (飞书自定义机器人): an interactive card with markdown by default, or
    msg_type "post" (rich text) or "text". With `secret` set the request is signed. Feishu
    answers HTTP 200 with a non-zero code when it refuses a message; that is a failure."""

    options: ClassVar[dict[str, Any]] = {
        "webhook_url": Option("url", "bot webhook URL (…/open-apis/bot/v2/hook/…)", required=True, secret=True),
        "secret": Option("str", "the bot's signing secret", secret=True),
        "msg_type": Option("str", "message type", default="interactive", choices=("interactive", "post", "text")),
    }

    def body(self, rendering: Rendering) -> dict[str, Any]:
        kind = self.settings["msg_type"]
        if kind == "interactive":
            body: dict[str, Any] = {"msg_type": "interactive", "card": card(rendering)}
        elif kind == "post":
            body = {"msg_type": "post", "content": post_content(rendering)}
        else:
            body = {"msg_type": "text", "content": {"text": plain_text(rendering)}}
        if self.settings["secret"]:
            timestamp = int(time.time())
            body["timestamp"] = str(timestamp)
            body["sign"] = feishu_sign(self.settings["secret"], timestamp)
        return body

    def send(self, message: Message) -> str:
        status, reply = post_json(self.settings["webhook_url"], self.body(message.rendering),
                                  {"X-Regwatch-Delivery": message.delivery_id}, self.timeout)
        return require_zero_code("Feishu", status, reply, ("code", "StatusCode"))
