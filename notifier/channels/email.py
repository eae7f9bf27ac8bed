"""Email over SMTP."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, ClassVar

from notifier.channels.base import Channel, Message
from notifier.errors import ConfigError, DeliveryError
from notifier.render import CSV_NAME
from options import Option

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class EmailChannel(Channel, kind="email"):
    """Email through an SMTP server (STARTTLS, implicit SSL, or none), with a plain-text and an
    HTML part. The Message-ID is derived from the delivery id, so a resent alert threads with,
    and can be dropped as a duplicate of, the first copy."""

    options: ClassVar[dict[str, Any]] = {
        "host": Option("str", "SMTP server host name", required=True),
        "port": Option("int", "SMTP port; default 587 (starttls), 465 (ssl) or 25 (none)", minimum=1),
        "security": Option("str", "transport security", default="starttls", choices=("starttls", "ssl", "none")),
        "username": Option("str", "SMTP login name; leave out to send without AUTH"),
        "password": Option("str", "SMTP password", secret=True),
        "from": Option("str", "sender address", required=True),
        "to": Option("list", "recipient addresses", required=True),
        "subject_prefix": Option("str", "text put before every subject", default="[regwatch] "),
        "ca_file": Option("str", "PEM file of CA certificates to trust (a private mail server)"),
    }

    def check(self) -> None:
        if self.settings["username"] and not self.settings["password"]:
            raise ConfigError(f"channels.{self.name}: 'username' is set, so 'password' is required")
        for address in (self.settings["from"], *self.settings["to"]):
            if "@" not in address:
                raise ConfigError(f"channels.{self.name}: {address!r} is not an email address")

    @property
    def port(self) -> int:
        return self.settings["port"] or DEFAULT_PORTS[self.settings["security"]]

    def message_id(self, delivery_id: str) -> str:
        domain = self.settings["from"].rsplit("@", 1)[-1].strip(" >") or "regwatch.invalid"
        return f"<{delivery_id}@{domain}>"

    def build(self, message: Message) -> EmailMessage:
        rendering = message.rendering
        mail = EmailMessage()
        mail["Subject"] = self.settings["subject_prefix"] + rendering.subject
        mail["From"] = self.settings["from"]
        mail["To"] = ", ".join(message.recipients or self.settings["to"])
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = self.message_id(message.delivery_id)
        mail["X-Regwatch-Delivery"] = message.delivery_id
        mail["Auto-Submitted"] = "auto-generated"
        # An alert fits its HTML to the clipping size and may bring its list as CSV; other mail
        # (the supplier report) is sent as its text and HTML are.
        text, html, table = rendering.email if hasattr(rendering, "email") else (rendering.text, rendering.html, None)
        mail.set_content(text)
        mail.add_alternative(html, subtype="html")
        if table is not None:  # the rows the HTML had no room for, all of them, as a spreadsheet
            mail.add_attachment(table, maintype="text", subtype="csv", filename=CSV_NAME)
        for file_name, media_type, data in message.attachments:
            maintype, _, subtype = media_type.partition("/")
            mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=file_name)
        return mail

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings["ca_file"])

    def _connect(self) -> smtplib.SMTP:
        host, security = self.settings["host"], self.settings["security"]
        if security == "ssl":
            return smtplib.SMTP_SSL(host, self.port, timeout=self.timeout, context=self._tls())
        smtp = smtplib.SMTP(host, self.port, timeout=self.timeout)
        if security == "starttls":
            try:
                smtp.starttls(context=self._tls())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def send(self, message: Message) -> str:
        mail = self.build(message)
        try:
            with self._connect() as smtp:
                if self.settings["username"]:
                    smtp.login(self.settings["username"], self.settings["password"])
                refused = smtp.send_message(mail)
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"SMTP {self.settings['host']}:{self.port} refused: {exc}") from None
        except (TimeoutError, OSError) as exc:
            raise DeliveryError(f"SMTP {self.settings['host']}:{self.port}: {type(exc).__name__}: {exc}") from None
        if refused:
            raise DeliveryError(f"SMTP refused some recipients: {', '.join(sorted(refused))}")
        count = len(message.recipients or self.settings["to"])
        return f"accepted by {self.settings['host']}:{self.port} for {count} recipient(s)"
