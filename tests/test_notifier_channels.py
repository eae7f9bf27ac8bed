"""Every channel kind against real loopback receivers: what arrives, how it is signed, and how
each kind of failure (HTTP error, robot errcode, hang, dropped connection) is reported."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from email.message import EmailMessage

import pytest

from notifier.channels import Message, build_channel
from notifier.errors import DeliveryError
from notifier.render import Rendering
from replica.sinks import HttpReceiver, Reply, SmtpSink, make_certificate
from storage.kinds import sample

DELIVERY = "rw-0123456789abcdef0123456789abcdef"


@pytest.fixture
def rx():
    with HttpReceiver() as receiver:
        yield receiver


@pytest.fixture
def message():
    change = {**sample("list.proposed"), "id": 7, "title": "<script>x</script> <!channel> 名单（第四批）"}
    return Message(DELIVERY, Rendering.for_change(change), "compliance")


def channel(kind, **settings):
    return build_channel(f"test-{kind}", {"kind": kind, "timeout": 2.0, **settings})


def test_slack_gets_block_kit_with_the_delivery_id(rx, message):
    detail = channel("slack", webhook_url=rx.url("/services/T0/B0/abc")).deliver(message)
    [req] = rx.requests("/services/T0/B0/abc")
    body = req.json()
    assert detail == "HTTP 200" and req.headers["x-regwatch-delivery"] == DELIVERY
    header = {"type": "plain_text", "text": message.rendering.headline[0]}
    assert body["blocks"][0] == {"type": "header", "text": header}
    blocks = json.dumps(body["blocks"], ensure_ascii=False)
    assert "&lt;!channel&gt;" in blocks and "<!channel>" not in blocks and "<script>" not in blocks


def test_webhook_posts_the_json_document_signed_with_hmac(rx, message):
    secret = "hook-secret-1"
    channel("webhook", url=rx.url("/hook"), secret=secret).deliver(message)
    [req] = rx.requests("/hook")
    expected = "sha256=" + hmac.new(secret.encode(), req.body, hashlib.sha256).hexdigest()
    assert req.headers["x-regwatch-signature"] == expected
    assert req.headers["x-regwatch-delivery"] == DELIVERY
    doc = req.json()
    assert doc["schema"] == "regwatch.alert/1" and doc["delivery_id"] == DELIVERY and doc["route"] == "compliance"
    assert doc["alerts"][0]["change"]["details"]["entries"][0]["enterprise"] == "天津巴特瑞"


def test_webhook_without_secret_is_unsigned(rx, message):
    channel("webhook", url=rx.url("/hook")).deliver(message)
    assert "x-regwatch-signature" not in rx.requests("/hook")[0].headers


def test_dingtalk_signs_each_request(rx, message):
    secret = "SEC0123456789abcdef"
    rx.default("/robot/send", Reply(body={"errcode": 0, "errmsg": "ok"}))
    ding = channel("dingtalk", webhook_url=rx.url("/robot/send?access_token=tok123456"), secret=secret)
    detail = ding.deliver(message)
    [req] = rx.requests("/robot/send")
    timestamp = req.query["timestamp"]
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    assert req.query["sign"] == base64.b64encode(digest).decode()  # parse_qsl has undone the URL-encoding
    assert req.query["access_token"] == "tok123456" and "accepted" in detail
    body = req.json()
    assert body["msgtype"] == "markdown" and body["markdown"]["text"].startswith("### 【白名单】")


def test_dingtalk_errcode_is_a_failure_even_with_http_200(rx, message):
    rx.default("/robot/send", Reply(body={"errcode": 310000, "errmsg": "sign not match"}))
    with pytest.raises(DeliveryError, match="DingTalk rejected the message: errcode 310000: sign not match"):
        channel("dingtalk", webhook_url=rx.url("/robot/send?access_token=t"), secret="SECx").deliver(message)


def test_wecom_gets_markdown_within_its_byte_limit(rx, message):
    rx.default("/cgi-bin/webhook/send", Reply(body={"errcode": 0, "errmsg": "ok"}))
    channel("wecom", webhook_url=rx.url("/cgi-bin/webhook/send?key=k")).deliver(message)
    content = rx.requests("/cgi-bin/webhook/send")[0].json()["markdown"]["content"]
    assert len(content.encode()) <= 4096 and "天津巴特瑞" in content and "<script>" not in content
    rx.default("/cgi-bin/webhook/send", Reply(body={"errcode": 93000, "errmsg": "invalid webhook url"}))
    with pytest.raises(DeliveryError, match="WeCom rejected the message: errcode 93000"):
        channel("wecom", webhook_url=rx.url("/cgi-bin/webhook/send?key=k")).deliver(message)


@pytest.mark.parametrize("msg_type", ["interactive", "post", "text"])
def test_feishu_signs_with_the_timestamp_as_key(rx, message, msg_type):
    secret = "feishu-secret-5"
    rx.default("/open-apis/bot/v2/hook/abc", Reply(body={"code": 0, "msg": "success"}))
    bot = channel("feishu", webhook_url=rx.url("/open-apis/bot/v2/hook/abc"), secret=secret, msg_type=msg_type)
    bot.deliver(message)
    body = rx.requests("/open-apis/bot/v2/hook/abc")[0].json()
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == msg_type
    assert "天津巴特瑞" in json.dumps(body, ensure_ascii=False)


def test_feishu_code_is_a_failure_even_with_http_200(rx, message):
    rx.default("/hook", Reply(body={"code": 19021, "msg": "sign match fail"}))
    with pytest.raises(DeliveryError, match="Feishu rejected the message: code 19021: sign match fail"):
        channel("feishu", webhook_url=rx.url("/hook"), secret="s3cr3t").deliver(message)


def test_apprise_json_url_reaches_the_receiver(rx, message):
    detail = channel("apprise", url=f"json://127.0.0.1:{rx.port}/apprise").deliver(message)
    [req] = rx.requests("/apprise")
    body = req.json()
    assert detail == "delivered by Apprise"
    assert body["title"] == message.rendering.subject and "天津巴特瑞" in body["message"]
    assert req.headers["x-regwatch-delivery"] == DELIVERY


def test_apprise_failure_is_reported(rx, message):
    rx.default("/apprise", Reply(status=500))
    with pytest.raises(DeliveryError, match="Apprise could not deliver"):
        channel("apprise", url=f"json://127.0.0.1:{rx.port}/apprise").deliver(message)


def test_log_channel_appends_the_text_to_a_file(tmp_path, message):
    path = tmp_path / "alerts.log"
    channel("log", path=str(path)).deliver(message)
    channel("log", path=str(path)).deliver(message)
    text = path.read_text(encoding="utf-8")
    assert text.count(f"=== regwatch alert {DELIVERY} ===") == 2 and "天津巴特瑞" in text


def test_log_channel_writes_to_stderr_by_default(capsys, message):
    channel("log").deliver(message)
    assert "天津巴特瑞" in capsys.readouterr().err


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize(("security", "auth"), [("none", None), ("starttls", ("mailer", "mail-pass-9")),
                                                ("ssl", ("mailer", "mail-pass-9"))])
def test_email_arrives_multipart_with_a_stable_message_id(message, certificate, security, auth):
    with SmtpSink(security=security, auth=auth, cert=certificate) as sink:
        settings = {"host": "127.0.0.1", "port": sink.port, "security": security, "from": "regwatch@example.com",
                    "to": ["compliance@example.com", "legal@example.com"], "ca_file": str(certificate[0])}
        if auth:
            settings.update(username=auth[0], password=auth[1])
        channel("email", **settings).deliver(message)
        [mail] = sink.wait_for(1)
        assert sink.authenticated == [auth is not None]
        assert sink.envelopes[0][1] == ["compliance@example.com", "legal@example.com"]
    assert isinstance(mail, EmailMessage)
    assert mail["Message-ID"] == f"<{DELIVERY}@example.com>" and mail["X-Regwatch-Delivery"] == DELIVERY
    assert mail["Subject"] == "[regwatch] " + message.rendering.subject
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "天津巴特瑞" in text and "<script>x</script>" in text  # plain text is shown as is
    assert "天津巴特瑞" in html and "<script>" not in html and "&lt;script&gt;" in html


def test_email_wrong_password_fails_without_leaking_it(message, certificate):
    with SmtpSink(security="starttls", auth=("mailer", "right-pass"), cert=certificate) as sink:
        mail = channel("email", host="127.0.0.1", port=sink.port, security="starttls", username="mailer",
                       password="wrong-pass-77", ca_file=str(certificate[0]), **{"from": "a@example.com"},
                       to=["b@example.com"])
        with pytest.raises(DeliveryError, match=r"refused: .*535") as caught:
            mail.deliver(message)
    assert "wrong-pass-77" not in str(caught.value)


def test_email_starttls_rejects_an_untrusted_certificate(message, certificate):
    with SmtpSink(security="starttls", cert=certificate) as sink:
        mail = channel("email", host="127.0.0.1", port=sink.port, security="starttls",
                       **{"from": "a@example.com"}, to=["b@example.com"])
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            mail.deliver(message)
        assert sink.messages == []


@pytest.mark.parametrize(("reply", "error"), [
    (Reply(status=500, body="boom"), "answered HTTP 500: boom"),
    (Reply(hang=True), "no answer within 0.3 s"),
    (Reply(drop=True), "connection failed: RemoteDisconnected"),
], ids=["http-500", "hang", "dropped"])
def test_http_failures_become_delivery_errors(rx, message, reply, error):
    rx.default("/hook", reply)
    hook = build_channel("h", {"kind": "webhook", "url": rx.url("/hook"), "timeout": 0.3})
    with pytest.raises(DeliveryError, match=error):
        hook.deliver(message)


def test_nothing_listening_is_a_delivery_error(message):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(DeliveryError, match="cannot connect"):
        channel("slack", webhook_url=f"http://127.0.0.1:{port}/x").deliver(message)


def test_receiver_errors_never_carry_secrets(rx, message):
    rx.default("/robot/send", Reply(status=403, body="token tok-abcdef-99 is not allowed for SECsecretvalue"))
    ding = channel("dingtalk", webhook_url=rx.url("/robot/send?access_token=tok-abcdef-99"), secret="SECsecretvalue")
    with pytest.raises(DeliveryError) as caught:
        ding.deliver(message)
    assert "tok-abcdef-99" not in str(caught.value) and "SECsecretvalue" not in str(caught.value)
    assert "HTTP 403" in str(caught.value)


@pytest.mark.parametrize("kind", ["slack", "webhook", "dingtalk", "wecom", "feishu", "apprise", "email"])
def test_dry_run_sends_nothing(rx, message, kind, caplog):
    settings = {
        "slack": {"webhook_url": rx.url("/x")}, "webhook": {"url": rx.url("/x")},
        "dingtalk": {"webhook_url": rx.url("/x")}, "wecom": {"webhook_url": rx.url("/x")},
        "feishu": {"webhook_url": rx.url("/x")}, "apprise": {"url": f"json://127.0.0.1:{rx.port}/x"},
        "email": {"host": "127.0.0.1", "port": 1, "from": "a@example.com", "to": ["b@example.com"]},
    }[kind]
    caplog.set_level("INFO", logger="regwatch.notifier")
    assert channel(kind, dry_run=True, **settings).deliver(message).startswith("dry run")
    assert rx.requests() == []
    assert DELIVERY in caplog.text
