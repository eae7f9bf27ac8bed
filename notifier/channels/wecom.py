"""WeCom (企业微信) group robots."""

from __future__ import annotations

from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.channels.http import post_json, require_zero_code
from notifier.limits import WECOM_MARKDOWN_BYTES
from options import Option


class WeComChannel(Channel, kind="wecom"):
    """WeCom group robot (企业微信群机器人), markdown message cut to WeCom's 4096 bytes with a
    link to the original. A 200 answer with a non-zero errcode is a failure."""

    options: ClassVar[dict[str, Any]] = {
        "webhook_url": Option("url", "robot webhook URL, with its key", required=True, secret=True)}

    def send(self, message: Message) -> str:
        payload = {"msgtype": "markdown",
                   "markdown": {"content": message.rendering.markdown_within(WECOM_MARKDOWN_BYTES)}}
        status, reply = post_json(self.settings["webhook_url"], payload,
                                  {"X-Regwatch-Delivery": message.delivery_id}, self.timeout)
        return require_zero_code("WeCom", status, reply, ("errcode",))
