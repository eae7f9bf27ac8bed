"""Anything Apprise can reach (Telegram, Teams, Discord, ntfy, …), by Apprise URL."""

from __future__ import annotations

import logging
import warnings
from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.errors import ConfigError, DeliveryError
from notifier.render.common import no_mentions
from options import Option


def load_apprise() -> Any:
    """Apprise pulls in the deprecated `imghdr` on import; keep that out of our warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise
    return apprise


class AppriseChannel(Channel, kind="apprise"):
    """Any Apprise URL (https://github.com/caronc/apprise/wiki), for services without a channel
    of their own. The body is the plain-text rendering, the title the headline. For json://,
    xml:// and form:// URLs the X-Regwatch-Delivery header is added."""

    options: ClassVar[dict[str, Any]] = {
        "url": Option("str", "an Apprise URL such as tgram://… or json://host/path", required=True,
                      secret=True)}

    def check(self) -> None:
        if "://" not in self.settings["url"]:
            raise ConfigError(f"channels.{self.name}.url: expected an Apprise URL (scheme://…)")

    def target(self, delivery_id: str) -> str:
        url = self.settings["url"]
        sep = "&" if "?" in url else "?"
        extra = f"cto={self.timeout:g}&rto={self.timeout:g}"
        if url.split("://", 1)[0].lower() in ("json", "jsons", "xml", "xmls", "form", "forms"):
            extra += f"&+X-Regwatch-Delivery={delivery_id}"
        return f"{url}{sep}{extra}"

    def send(self, message: Message) -> str:
        apprise = load_apprise()
        rendering = message.rendering
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            notifier = apprise.Apprise()
            if not notifier.add(self.target(message.delivery_id)):
                raise DeliveryError("Apprise does not understand this URL (check its scheme and fields)")
            with apprise.LogCapture(level=logging.WARNING) as captured:
                # Apprise reaches Discord, Telegram, Teams…: no mention from content may fire there.
                ok = notifier.notify(title=no_mentions(rendering.subject), body=no_mentions(rendering.text))
        if not ok:
            lines = [line for line in captured.getvalue().splitlines() if line.strip()]
            raise DeliveryError("Apprise could not deliver: " + (" | ".join(lines[-3:]) or "no detail given"))
        return "delivered by Apprise"
