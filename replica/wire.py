"""The request and reply values that pass between the HTTP handler, the faults and the routes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    site: str  # "miit" or "samr"
    method: str
    path: str  # without the query string
    query: str
    headers: dict[str, str]  # lower-case names

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    kind: str = "other"  # article, attachment, fragment, shell, api, admin, other
    cut_transport: bool = False  # send the full Content-Length, then close after half the body

    @classmethod
    def html(cls, status: int, text: str, kind: str = "other") -> Reply:
        return cls(status, text.encode("utf-8"), kind=kind)

    @classmethod
    def json(cls, status: int, payload: object, kind: str = "api") -> Reply:
        import json

        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return cls(status, body, "application/json;charset=UTF-8", kind=kind)
