"""The HTTP side: one ThreadingHTTPServer per site, sharing one Control, plus the admin endpoints.

Every request passes the faults first (a blocking fault answers instead of the site), then the
site's routes, then the transforming faults. Admin requests (/__admin/...) skip the faults, are
not logged, and are refused unless they come from a loopback address.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from replica.control import Control
from replica.faults import FaultError
from replica.province import PROVINCE, ProvinceRoutes, ProvinceSite
from replica.routes import SiteRoutes
from replica.sites import SITES, Site
from replica.wire import Reply, Request

ADMIN = "/__admin/"


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address == "localhost"


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], site: Site | ProvinceSite, control: Control,
                 verbose: bool = False, routes: SiteRoutes | ProvinceRoutes | None = None) -> None:
        self.site = site
        self.control = control
        self.routes = routes or SiteRoutes(site, control)  # type: ignore[arg-type]
        self.verbose = verbose
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    @property
    def base_url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (about 40 ms) on every keep-alive response. A real server does not stall so.
    disable_nagle_algorithm = True
    server: SiteServer

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"{self.server.site.key} {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _request(self, method: str) -> Request:
        parts = urlsplit(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.server.site.key, method, parts.path or "/", parts.query, headers)

    def _body_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data

    def _serve(self, method: str) -> None:
        request = self._request(method)
        if request.path.startswith(ADMIN):
            self._send(request, self._admin(request))
            return
        if method == "POST" and self.headers.get("Content-Length"):
            self.rfile.read(int(self.headers["Content-Length"]))
        control = self.server.control
        try:
            reply = control.blocking_reply(request) or self.server.routes.handle(request)
            reply = control.transform(request, reply)
        except Exception:  # a bug in the replica must not kill the connection silently
            traceback.print_exc(file=sys.stderr)
            reply = Reply.html(500, "<html><body><h1>500</h1></body></html>")
        delay = control.delay(request)
        if delay > 0:
            time.sleep(delay)  # server side only: the "slow" fault
        control.record(request, reply.status)
        self._send(request, reply)

    def _send(self, request: Request, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Length", str(len(reply.body)))
        if reply.cut_transport:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if request.method == "HEAD" or reply.status == 304:
            return
        if reply.cut_transport:
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            return
        self.wfile.write(reply.body)

    # --- admin --------------------------------------------------------------------------------

    def _admin(self, request: Request) -> Reply:
        if not is_loopback(self.client_address[0]):
            return Reply.json(403, {"error": "admin endpoints answer loopback clients only"}, "admin")
        control = self.server.control
        action = (request.method, request.path.removeprefix(ADMIN).rstrip("/"))
        try:
            if action == ("GET", "status"):
                return Reply.json(200, {"site": self.server.site.key, **control.status()}, "admin")
            if action == ("GET", "requests"):
                site = dict(parse_qsl(request.query)).get("site")
                log = [e for e in control.requests() if site in (None, e["site"])]
                return Reply.json(200, {"requests": log}, "admin")
            if request.method != "POST":
                return Reply.json(404, {"error": f"no admin endpoint {request.method} {request.path}"}, "admin")
            body = self._body_json()
            if action[1] == "state":
                control.set_state(body.get("state"))
            elif action[1] == "faults":
                options = {k: v for k, v in body.items() if k not in ("name", "on")}
                control.set_fault(str(body.get("name")), bool(body.get("on", True)), **options)
            elif action[1] == "reset":
                control.reset()
            elif action[1] == "requests/clear":
                control.clear_requests()
            else:
                return Reply.json(404, {"error": f"no admin endpoint POST {request.path}"}, "admin")
            return Reply.json(200, {"site": self.server.site.key, **control.status()}, "admin")
        except (FaultError, ValueError, TypeError) as exc:
            return Reply.json(400, {"error": str(exc)}, "admin")


class Replica:
    """Both national sites and the provincial look-alike, each on its own port and thread."""

    def __init__(self, control: Control, host: str = "127.0.0.1", miit_port: int = 0, samr_port: int = 0,
                 verbose: bool = False, province_port: int = 0) -> None:
        self.control = control
        self.servers = {
            "miit": SiteServer((host, miit_port), SITES["miit"], control, verbose),
            "samr": SiteServer((host, samr_port), SITES["samr"], control, verbose),
            "province": SiteServer((host, province_port), PROVINCE, control, verbose, ProvinceRoutes(control)),
        }
        self._threads: list[threading.Thread] = []

    @property
    def urls(self) -> dict[str, str]:
        return {key: server.base_url for key, server in self.servers.items()}

    def start(self) -> Replica:
        for key, server in self.servers.items():
            thread = threading.Thread(target=server.serve_forever, name=f"replica-{key}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
