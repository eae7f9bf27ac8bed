"""Fault switches: ways the replica can misbehave, each one independent and picked by name.

Every fault accepts `host` (miit, samr or both; default both) and `paths` (a substring of the
request target, or a glob on the path when it holds * ? or [; a string or a list; default all),
plus its own options. Unknown names and options are refused with the allowed ones listed.
"""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path
from typing import Any, ClassVar

from replica.sites import BUILD_UNIT_PATH
from replica.whitelist import edited_list_attachment
from replica.wire import Reply, Request


class FaultError(ValueError):
    """A fault name or option that does not exist, or a bad option value."""


class Fault:
    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    registry: ClassVar[dict[str, type[Fault]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            Fault.registry[cls.name] = cls

    def __init__(self, **options: Any) -> None:
        allowed = {"host", "paths", *self.defaults}
        unknown = sorted(set(options) - allowed)
        if unknown:
            raise FaultError(f"fault {self.name!r}: unknown option(s) {unknown}; allowed: {sorted(allowed)}")
        self.host = options.pop("host", "both")
        if self.host not in ("miit", "samr", "province", "both"):
            raise FaultError(f"fault {self.name!r}: host must be miit, samr, province or both, not {self.host!r}")
        paths = options.pop("paths", None)
        self.paths: list[str] = [paths] if isinstance(paths, str) else list(paths or [])
        self.options = {**self.defaults, **options}

    def matches(self, request: Request) -> bool:
        if self.host != "both" and request.site != self.host:
            return False
        if not self.paths:
            return True
        for pattern in self.paths:
            if any(ch in pattern for ch in "*?["):
                if fnmatch.fnmatchcase(request.path, pattern):
                    return True
            elif pattern in request.target:
                return True
        return False

    def describe(self) -> dict[str, Any]:
        return {"host": self.host, "paths": self.paths, **self.options}

    # Hooks. A blocking fault answers instead of the site; a transforming one edits the answer.
    def block(self, request: Request) -> Reply | None:
        return None

    def transform(self, request: Request, reply: Reply) -> Reply:
        return reply

    def delay(self) -> float:
        return 0.0

    @property
    def exhausted(self) -> bool:
        return False


def _token(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


class NotFound(Fault):
    """404 (or 410 with gone=true) for the matching paths, as for a withdrawn article."""

    name = "not_found"
    defaults: ClassVar[dict[str, Any]] = {"gone": False}

    def block(self, request: Request) -> Reply | None:
        status = 410 if self.options["gone"] else 404
        return Reply.html(status, f"<html><body><h1>{status}</h1></body></html>")


class Redirect(Fault):
    """302 to the same path with `?moved=1` appended: on the same host, or (offsite=true) on
    another host. The 3xx body carries article markup, so a client that stores it shows it."""

    name = "redirect"
    defaults: ClassVar[dict[str, Any]] = {"offsite": False, "status": 302}

    def block(self, request: Request) -> Reply | None:
        if "moved=1" in request.target:
            return None
        host = "http://offsite.invalid" if self.options["offsite"] else ""
        joiner = "&" if "?" in request.target else "?"
        reply = Reply.html(int(self.options["status"]), '<html><body><h1 id="con_title">Moved</h1>'
                           '<div id="con_con"><p>Moved</p></div></body></html>')
        reply.headers.append(("Location", f"{host}{request.target}{joiner}moved=1"))
        return reply


class Hostile(Fault):
    """Serve a file from disk in place of the matching pages or attachments: `files` maps a
    substring of the request target to a path (tests write the hostile corpus there)."""

    name = "hostile"
    defaults: ClassVar[dict[str, Any]] = {"files": {}}

    def matches(self, request: Request) -> bool:
        return super().matches(request) and any(key in request.target for key in self.options["files"])

    def transform(self, request: Request, reply: Reply) -> Reply:
        if reply.status != 200:
            return reply
        for key, path in self.options["files"].items():
            if key in request.target:
                with Path(path).open("rb") as fh:
                    reply.body = fh.read()
                break
        return reply


class UserAgentCheck(Fault):
    """403 without a browser-like User-Agent, and 403 for build/unit calls without a Referer."""

    name = "ua_check"

    def block(self, request: Request) -> Reply | None:
        if "Mozilla/" not in request.header("user-agent"):
            return Reply.html(403, "<html><body><h1>403 Forbidden</h1></body></html>")
        if request.path == BUILD_UNIT_PATH and not request.header("referer"):
            return Reply.html(403, "<html><body><h1>403 Forbidden</h1></body></html>")
        return None


class JslChallenge(Fault):
    """加速乐-style 521: a tiny page whose script sets __jsl_clearance_s and reloads."""

    name = "jsl521"

    def block(self, request: Request) -> Reply | None:
        token = _token("jsl", request.target)
        body = (
            "<html><head></head><body><script>"
            f"document.cookie=('__jsl_clearance_s')+('=')+('1764115200.{token[:3]}|0|{token[3:30]}')"
            "+(';max-age=3600;path=/');location.href=location.pathname+location.search"
            "</script></body></html>"
        )
        reply = Reply.html(521, body)
        reply.headers.append(("Set-Cookie", f"__jsluid_s={token[:32]}; max-age=31536000; path=/; HttpOnly"))
        return reply


class RuishuChallenge(Fault):
    """瑞数-style 412: a page that defines $_ts and loads an obfuscated script."""

    name = "ruishu412"

    def block(self, request: Request) -> Reply | None:
        token = _token("rs", request.target)
        body = (
            f'<!DOCTYPE html><html><head><meta id="{token[:10]}" content="{token}">'
            f"<script>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=48211;$_ts.cd=\"{token}\";</script>"
            f'<script src="/{token[:8]}/{token[8:16]}.js" r="m"></script></head><body></body></html>'
        )
        reply = Reply.html(412, body)
        reply.headers.append(("Set-Cookie", f"{token[:6]}S={token[6:40]}; path=/; HttpOnly"))
        return reply


class ServerErrors(Fault):
    """The next `count` matching requests answer `status` (503), then the fault switches off."""

    name = "error5xx"
    defaults: ClassVar[dict[str, Any]] = {"count": 3, "status": 503}

    def block(self, request: Request) -> Reply | None:
        if self.options["count"] <= 0:
            return None
        self.options["count"] -= 1
        return Reply.html(int(self.options["status"]), "<html><body><h1>Service Unavailable</h1></body></html>")

    @property
    def exhausted(self) -> bool:
        return self.options["count"] <= 0


class Slow(Fault):
    """Delay each matching response by `delay` seconds."""

    name = "slow"
    defaults: ClassVar[dict[str, Any]] = {"delay": 2.0}

    def delay(self) -> float:
        return float(self.options["delay"])


class Truncate(Fault):
    """Cut bodies in half: mode=transport promises the full length and closes early;
    mode=content sends half the bytes with a matching Content-Length (a garbage file)."""

    name = "truncate"
    defaults: ClassVar[dict[str, Any]] = {"mode": "transport"}

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if self.options["mode"] not in ("transport", "content"):
            raise FaultError("fault 'truncate': mode must be transport or content")

    def transform(self, request: Request, reply: Reply) -> Reply:
        if len(reply.body) < 2:
            return reply
        if self.options["mode"] == "content":
            reply.body = reply.body[: len(reply.body) // 2]
        else:
            reply.cut_transport = True
        return reply


class Gbk(Fault):
    """Article pages encoded in GBK while the header still says charset=utf-8 (the meta says gbk)."""

    name = "gbk"

    def transform(self, request: Request, reply: Reply) -> Reply:
        if reply.kind != "article":
            return reply
        text = reply.body.decode("utf-8").replace("charset=utf-8", "charset=gbk", 1)
        reply.body = text.encode("gbk", errors="xmlcharrefreplace")
        return reply


class ListEdit(Fault):
    """A list attachment replaced in place: batch `batch`'s file, at the same URL and under an
    unchanged article page, publishes the enterprise `old` as `new`. Its ETag follows the bytes, and a
    conditional request is answered against the new ETag (a 304 only for the edited file's own), as
    a real server does for a replaced static file."""

    name = "list_edit"
    defaults: ClassVar[dict[str, Any]] = {"batch": 2, "old": "", "new": ""}

    def transform(self, request: Request, reply: Reply) -> Reply:
        if reply.kind != "attachment" or reply.status not in (200, 304):
            return reply
        data = edited_list_attachment(request.path, int(self.options["batch"]), str(self.options["old"]),
                                      str(self.options["new"]))
        if data is None:
            return reply
        etag = '"' + hashlib.sha1(data).hexdigest()[:32] + '"'
        headers = [(k, etag if k == "ETag" else v) for k, v in reply.headers]
        wanted = {tag.strip().removeprefix("W/") for tag in (request.header("if-none-match") or "").split(",")}
        if etag in wanted or "*" in wanted:
            return Reply(304, b"", reply.content_type, headers, reply.kind)
        return Reply(200, data, reply.content_type, headers, reply.kind)


class Redesign(Fault):
    """A redesigned template: fragments and articles use other markup; still HTTP 200."""

    name = "redesign"


BLOCKING_ORDER = ("not_found", "redirect", "ua_check", "jsl521", "ruishu412", "error5xx")
TRANSFORM_ORDER = ("list_edit", "gbk", "truncate", "hostile")


def make_fault(name: str, options: dict[str, Any]) -> Fault:
    cls = Fault.registry.get(name)
    if cls is None:
        raise FaultError(f"unknown fault {name!r}; known: {sorted(Fault.registry)}")
    return cls(**options)


def parse_cli_fault(spec: str) -> tuple[str, dict[str, Any]]:
    """`name` or `name:key=value,key=value` (values: numbers, true/false, or text)."""
    name, _, rest = spec.partition(":")
    options: dict[str, Any] = {}
    for pair in filter(None, rest.split(",")):
        key, _, value = pair.partition("=")
        options[key.strip()] = _cli_value(value.strip())
    return name.strip(), options


def _cli_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value
