"""The channel contract: a subclass names its `kind`, declares its config keys, and sends.

Subclasses register themselves by kind (`class SlackChannel(Channel, kind="slack")`); their
docstring is their help text. Everything about failure handling that all channels share
lives here: dry runs, timeouts, and scrubbing secrets out of errors and reprs.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from notifier.errors import ConfigError, DeliveryError
from notifier.render import Rendering
from options import Option, validate

log = logging.getLogger("regwatch.notifier")
REDACTED = "***"
MIN_SECRET_CHARS = 4  # shorter values would be scrubbed out of ordinary words

COMMON_OPTIONS = {
    "kind": Option("str", "which kind of channel this is", required=True),
    "dry_run": Option("bool", "log what would be sent instead of sending it", default=False),
    "timeout": Option("float", "seconds to wait for the receiver", default=10.0, minimum=0.05),
    "bundle_limit": Option("int", "most changes in one bundled message (0: no limit); a larger bundle is split "
                           "in outbox order, the same way on every resend", default=0, minimum=0),
}


@dataclass(frozen=True)
class Message:
    """What a channel delivers: one rendering under one stable delivery id."""

    delivery_id: str
    rendering: Rendering
    route: str | None = None
    recipients: tuple[str, ...] = ()  # instead of the channel's own (a supplier's owner)
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (file name, media type, bytes), email only


class Channel:
    """Base class: not a channel kind by itself."""

    kind: ClassVar[str] = ""
    options: ClassVar[dict[str, Option]] = {}
    registry: ClassVar[dict[str, type[Channel]]] = {}

    def __init_subclass__(cls, kind: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is None:
            return
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"channel kind {kind!r} needs a docstring: it is the help text")
        if kind in Channel.registry:
            raise TypeError(f"channel kind {kind!r} is registered twice")
        cls.kind = kind
        Channel.registry[kind] = cls

    @classmethod
    def all_options(cls) -> dict[str, Option]:
        return {**COMMON_OPTIONS, **cls.options}

    @classmethod
    def help(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    def __init__(self, name: str, settings: Mapping[str, Any]) -> None:
        self.name = name
        self.settings = validate(f"channels.{name}", self.all_options(), {"kind": self.kind, **settings})
        self.check()

    def check(self) -> None:
        """Cross-key validation for subclasses; raise ConfigError."""

    @property
    def dry_run(self) -> bool:
        return bool(self.settings["dry_run"])

    @property
    def timeout(self) -> float:
        return float(self.settings["timeout"])

    def deliver(self, message: Message) -> str:
        """Send, or log under dry_run. Returns a short outcome; raises DeliveryError, redacted."""
        if self.dry_run:
            log.info("dry run: channel %s (%s) would send %s: %s", self.name, self.kind,
                     message.delivery_id, message.rendering.subject)
            return "dry run: logged, not sent"
        try:
            return self.send(message)
        except DeliveryError as exc:
            raise DeliveryError(self.redact(str(exc))) from None
        except Exception as exc:  # a channel bug must fail one delivery, never the worker
            raise DeliveryError(self.redact(f"{type(exc).__name__}: {exc}")) from None

    def send(self, message: Message) -> str:
        raise NotImplementedError

    def secret_values(self) -> list[str]:
        """Every form in which a secret could surface in an error: whole, URL-quoted, and the
        token-bearing parts of a secret URL (its path and query values)."""
        found: set[str] = set()
        for key, option in self.all_options().items():
            value = self.settings.get(key)
            if not option.secret or not isinstance(value, str) or len(value) < MIN_SECRET_CHARS:
                continue
            found.update({value, quote(value, safe=""), quote_plus(value)})
            if "://" in value:
                parts = urlsplit(value)
                if len(parts.path) > MIN_SECRET_CHARS:
                    found.add(parts.path)
                found.update(v for _, v in parse_qsl(parts.query) if len(v) >= MIN_SECRET_CHARS)
                if parts.password:
                    found.add(parts.password)
        return sorted(found, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secret_values():
            text = text.replace(secret, REDACTED)
        return text

    def shown(self, key: str) -> str:
        value = self.settings.get(key)
        option = self.all_options()[key]
        if not option.secret or value in (None, ""):
            return repr(value)
        return repr(redact_url(value)) if isinstance(value, str) and "://" in value else repr(REDACTED)

    def __repr__(self) -> str:
        keys = " ".join(f"{k}={self.shown(k)}" for k in self.all_options() if k != "kind"
                        and self.settings.get(k) is not None)
        return f"<{type(self).__name__} {self.name!r} kind={self.kind} {keys}>"


def redact_url(url: str) -> str:
    """Scheme and host only: webhook URLs carry their token in the path or query."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return REDACTED
    if parts.scheme in ("http", "https") and host:
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}/{REDACTED}"
    return f"{parts.scheme}://{REDACTED}"


def build_channel(name: str, settings: Mapping[str, Any]) -> Channel:
    if not isinstance(settings, Mapping):
        raise ConfigError(f"channels.{name}: expected a table of keys")
    kind = settings.get("kind")
    if kind not in Channel.registry:
        kinds = ", ".join(sorted(Channel.registry))
        raise ConfigError(f"channels.{name}.kind: {kind!r} is not a channel kind; kinds: {kinds}")
    return Channel.registry[kind](name, {k: v for k, v in settings.items() if k != "kind"})
