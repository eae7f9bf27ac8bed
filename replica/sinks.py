"""Loopback receivers for the demo and the tests: an HTTP server that records every request and answers
as scripted (ok, an error status, a hang past the client's timeout, a dropped connection, a
slow answer), and an aiosmtpd SMTP sink with optional STARTTLS, implicit TLS and AUTH.

Both listen on 127.0.0.1 port 0 and never reach the internet.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HANG_LIMIT = 30.0


@dataclass(frozen=True)
class Reply:
    """How the receiver answers one request."""

    status: int = 200
    body: Any = b'{"ok": true}'
    delay: float = 0.0  # answer after this long (the server waits; the test never sleeps)
    hang: bool = False  # do not answer until released, so the client times out
    drop: bool = False  # close the connection without any answer

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


OK = Reply()


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    status: int  # what the receiver answered; 0 when it hung or dropped
    at: float = field(default_factory=time.time)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class HttpReceiver:
    """`with HttpReceiver() as rx:` then point channels at `rx.url("/path")`."""

    def __init__(self) -> None:
        self._scripts: dict[str, deque[Reply]] = {}
        self._defaults: dict[str, Reply] = {}
        self._received: list[Received] = []
        self._changed = threading.Condition()
        self._release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver._handle(self)

            do_GET = do_PUT = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> HttpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        """Answer the next requests to `path` with these replies, in order."""
        with self._changed:
            self._scripts.setdefault(path, deque()).extend(replies)

    def default(self, path: str, reply: Reply) -> None:
        """Answer requests to `path` with this once its script is used up."""
        with self._changed:
            self._defaults[path] = reply

    def requests(self, path: str | None = None) -> list[Received]:
        with self._changed:
            return [r for r in self._received if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self._received if path is None or r.path == path]
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found
                self._changed.wait(left)

    def _next_reply(self, path: str) -> Reply:
        with self._changed:
            queued = self._scripts.get(path)
            if queued:
                return queued.popleft()
            return self._defaults.get(path, OK)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        reply = self._next_reply(parts.path)
        answered = 0 if (reply.hang or reply.drop) else reply.status
        record = Received(handler.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                          {k.lower(): v for k, v in handler.headers.items()}, body, answered)
        with self._changed:
            self._received.append(record)
            self._changed.notify_all()
        if reply.drop:
            handler.close_connection = True
            return
        if reply.hang:
            self._release.wait(HANG_LIMIT)
        elif reply.delay:
            self._release.wait(reply.delay)
        payload = reply.payload()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:
            pass  # the client gave up (a hang test): nothing to answer


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "regwatch test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 port 0 that keeps every message it accepts.

    security: "none", "starttls" (STARTTLS offered and required) or "ssl" (implicit TLS).
    auth: (username, password) to offer AUTH; required with STARTTLS. `authenticated` records,
    per message, whether the client logged in.
    """

    def __init__(self, *, security: str = "none", auth: tuple[str, str] | None = None,
                 cert: tuple[Path, Path] | None = None) -> None:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP, AuthResult, Session

        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.authenticated: list[bool] = []
        self._changed = threading.Condition()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                                  policy=email.policy.default)
                with sink._changed:
                    sink.messages.append(parsed)  # type: ignore[arg-type]
                    sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
                    sink.authenticated.append(bool(session.authenticated))
                    sink._changed.notify_all()
                return "250 Message accepted for delivery"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            ok = auth is not None and (data.login.decode(), data.password.decode()) == auth
            return AuthResult(success=ok, handled=False)

        class QuietSession(Session):
            """aiosmtpd 1.4 sets its own deprecated `login_data` on every AUTH, which warns."""

            @property
            def login_data(self) -> Any:
                return self._login_data

            @login_data.setter
            def login_data(self, value: Any) -> None:
                self._login_data = value

        class QuietSMTP(SMTP):
            def _create_session(self) -> Session:
                return QuietSession(self.loop)

        class LoopbackController(Controller):
            """Binds port 0 and learns the real port before aiosmtpd's own start-up check."""

            def factory(self) -> SMTP:
                return QuietSMTP(self.handler, **self.SMTP_kwargs)

            def _create_server(self) -> Any:
                return self._bind()

            async def _bind(self) -> Any:
                server = await self.loop.create_server(self._factory_invoker, host=self.hostname, port=0,
                                                       ssl=self.ssl_context)
                self.port = server.sockets[0].getsockname()[1]
                return server

        kwargs: dict[str, Any] = {}
        if security != "none":
            if cert is None:
                raise ValueError("TLS needs a certificate: pass cert=make_certificate(tmp_path)")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(cert[0]), str(cert[1]))
            if security == "ssl":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if auth is not None and security == "starttls":
            kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        elif auth is not None:
            # aiosmtpd cannot tell that an implicit-TLS session is encrypted, so AUTH is offered
            # without requiring TLS; `authenticated` shows whether the client logged in.
            kwargs.update(authenticator=authenticator, auth_required=False, auth_require_tls=False)
        self.controller = LoopbackController(Handler(), hostname="127.0.0.1", port=0, **kwargs)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            return list(self.messages)
