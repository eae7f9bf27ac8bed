"""DingTalk (钉钉) custom robots."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any, ClassVar
from urllib.parse import quote_plus

from notifier.channels.base import Channel, Message
from notifier.channels.http import post_json, require_zero_code
from notifier.limits import DINGTALK_MARKDOWN_BYTES
from notifier.render.common import inert_text
from options import Option

TITLE_CHARS = 60


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """加签: base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


class DingTalkChannel(Channel, kind="dingtalk"):
    """DingTalk group robot (钉钉自定义机器人), markdown message. With `secret` set, every request
    is signed (加签). DingTalk answers HTTP 200 with a non-zero errcode when it refuses a
    message; that counts as a failure and is retried."""

    options: ClassVar[dict[str, Any]] = {
        "webhook_url": Option("url", "robot webhook URL, with its access_token", required=True, secret=True),
        "secret": Option("str", "the robot's 加签 secret (SEC…)", secret=True),
    }

    def signed_url(self) -> str:
        url = self.settings["webhook_url"]
        if not self.settings["secret"]:
            return url
        timestamp = int(time.time() * 1000)
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}timestamp={timestamp}&sign={dingtalk_sign(self.settings['secret'], timestamp)}"

    def send(self, message: Message) -> str:
        rendering = message.rendering
        title = inert_text(rendering.headline[0][:TITLE_CHARS])
        payload = {"msgtype": "markdown",
                   "markdown": {"title": title, "text": rendering.markdown_within(DINGTALK_MARKDOWN_BYTES)}}
        status, reply = post_json(self.signed_url(), payload, {"X-Regwatch-Delivery": message.delivery_id},
                                  self.timeout)
        return require_zero_code("DingTalk", status, reply, ("errcode",))
