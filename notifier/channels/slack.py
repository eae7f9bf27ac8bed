"""Slack incoming webhooks."""

from __future__ import annotations

from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.channels.http import post_json, require_2xx
from options import Option


class SlackChannel(Channel, kind="slack"):
    """Slack incoming webhook. The alert goes as Block Kit blocks (at most 50, long diffs split
    or cut with a link to the original), with the headline as the notification text."""

    options: ClassVar[dict[str, Any]] = {
        "webhook_url": Option("url", "the incoming-webhook URL Slack gave you", required=True, secret=True)}

    def send(self, message: Message) -> str:
        rendering = message.rendering
        payload = {"text": rendering.slack_text, "blocks": rendering.slack_blocks}
        status, reply = post_json(self.settings["webhook_url"], payload,
                                  {"X-Regwatch-Delivery": message.delivery_id}, self.timeout)
        return require_2xx("Slack", status, reply)
