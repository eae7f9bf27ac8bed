"""Content from the web cannot act in a chat client: per channel, a page title and summary full
of links, images, bare URLs and mentions arrive inert; the only links are the ones regwatch built."""

from __future__ import annotations

import json
import re

import pytest

from notifier.channels import Message, build_channel
from notifier.render import Rendering
from replica.sinks import HttpReceiver
from storage.kinds import sample

HOSTILE = ('[点此查看](https://evil.example/phish) ![](https://evil.example/pixel.png) '
           'https://evil.example/bare www.evil.example @all @所有人 <at user_id="all"></at> <!channel> '
           '<!here> <@U024BE7LH> **粗体** `代码` # 标题')
OWN_URL = "https://www.miit.gov.cn/jgsj/jns/wjfb/art/2026/art_0123456789abcdef0123456789abcdef.html"
MENTIONS = ("@all", "@所有人", "<at ", "<!channel>", "<!here>", "<@U")
MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")


@pytest.fixture
def rx():
    with HttpReceiver() as receiver:
        yield receiver


def message() -> Message:
    change = {**sample("document.new"), "id": 9, "title": HOSTILE, "summary": HOSTILE, "url": OWN_URL,
              "details": {"excerpt": HOSTILE}}
    return Message("rw-" + "0" * 32, Rendering.for_change(change), "compliance")


def markdown_texts(kind: str, body: dict) -> list[str]:
    """The fields each platform renders as markdown (titles are plain text, checked as a whole)."""
    if kind == "dingtalk":
        return [body["markdown"]["text"]]
    if kind == "wecom":
        return [body["markdown"]["content"]]
    if body.get("msg_type") == "interactive":
        return [e["content"] for e in body["card"]["elements"]]
    return []


CASES = [
    ("dingtalk", {}),
    ("wecom", {}),
    ("feishu", {"msg_type": "interactive"}),
    ("feishu", {"msg_type": "post"}),
    ("feishu", {"msg_type": "text"}),
    ("slack", {}),
]


@pytest.mark.parametrize(("kind", "extra"), CASES, ids=[f"{k}-{e.get('msg_type', 'default')}" for k, e in CASES])
def test_content_cannot_link_embed_or_mention(rx, kind, extra):
    key = "webhook_url"
    build_channel(f"t-{kind}", {"kind": kind, key: rx.url(f"/{kind}"), "timeout": 2.0, **extra}).deliver(message())
    [request] = rx.requests(f"/{kind}")
    body = request.json()
    everything = json.dumps(body, ensure_ascii=False)
    for mention in MENTIONS:
        assert mention not in everything, mention
    assert "://evil.example" not in everything and "://www.evil" not in everything.replace("www．", "")
    for text in markdown_texts(kind, body):
        assert "![" not in text and "**粗体**" not in text and "`代码`" not in text
        assert all(url.startswith("https://www.miit.gov.cn/") for _, url in MD_LINK.findall(text)), text
        assert any(url == OWN_URL for _, url in MD_LINK.findall(text)), "our own link is still there"
    if kind == "slack":
        links = re.findall(r"<(https?://[^|>]+)\|", everything)
        assert links and all(url.startswith("https://www.miit.gov.cn/") for url in links)
    if extra.get("msg_type") == "post":
        hrefs = [seg["href"] for line in body["content"]["post"]["zh_cn"]["content"] for seg in line
                 if seg["tag"] == "a"]
        assert hrefs and all(h.startswith("https://www.miit.gov.cn/") for h in hrefs)


def test_apprise_carries_no_live_mention(rx):
    build_channel("t-apprise", {"kind": "apprise", "url": f"json://127.0.0.1:{rx.port}/apprise",
                                "timeout": 2.0}).deliver(message())
    [request] = rx.requests("/apprise")
    everything = json.dumps(request.json(), ensure_ascii=False)
    for mention in MENTIONS:
        assert mention not in everything, mention
