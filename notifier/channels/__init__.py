"""Alert channels, registered by kind. Importing this package registers every built-in kind."""

from notifier.channels import apprise_url, dingtalk, email, feishu, log, slack, webhook, wecom  # noqa: F401
from notifier.channels.base import Channel, Message, build_channel, redact_url

__all__ = ["Channel", "Message", "build_channel", "redact_url"]
