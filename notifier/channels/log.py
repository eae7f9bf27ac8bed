"""The log channel: alerts written where an operator will see them, with nothing to configure."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from options import Option

_lock = threading.Lock()


class LogChannel(Channel, kind="log"):
    """Writes the plain-text rendering to stderr, or appends it to `path`. A channel named `log`
    always exists and the default routes use it, so no alert is dropped for want of config."""

    options: ClassVar[dict[str, Any]] = {"path": Option("str", "file to append alerts to; stderr when left out")}

    def send(self, message: Message) -> str:
        block = f"=== regwatch alert {message.delivery_id} ===\n{message.rendering.text}\n"
        with _lock:
            if self.settings["path"]:
                path = Path(self.settings["path"])
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(block)
                return f"appended to {path}"
            sys.stderr.write(block)
            sys.stderr.flush()
        return "written to stderr"
