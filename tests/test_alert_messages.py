"""What reaches each channel, as the loopback receivers got it: the demo's timeline (issue 9's headlines,
summary tables, severities and vocabulary) and a synthetic 公告 of 200 enterprises (every channel's limits).
"""

from __future__ import annotations

import csv
import email
import email.policy
import importlib.util
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from notifier import limits

ROOT = Path(__file__).resolve().parent.parent
PROPOSED = "【白名单】工信部公示第六批拟公告企业名单（12家）"
FINAL = "【白名单】工信部公告第六批符合规范条件企业名单（11家，其中公示后确认10家、更名1家；公示后未列入1家）"
FINAL_EN = "MIIT final white-list batch 6: 11 enterprises (10 confirmed, 1 renamed; 1 dropped after 公示)"
CRITERIA_EN = "Criteria draft changes 2 clauses: 杂质铝 1.5%→1%, 工艺废水循环利用率 90%→95%"
REVOKED = "【白名单】工信部撤销2家企业的规范条件公告资格"


def _emails(folder: Path) -> dict[str, email.message.EmailMessage]:
    out = {}
    for path in sorted(folder.glob("*-email.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        out[str(message["subject"])] = message
    return out


def _part(message: email.message.EmailMessage, kind: str) -> str:
    return next(p for p in message.walk() if p.get_content_type() == kind).get_content()


def _by_headline(folder: Path, channel: str) -> dict[str, dict]:
    """Chat posts of one channel keyed by the text they carry."""
    return {path.read_text("utf-8"): json.loads(path.read_text("utf-8"))
            for path in sorted(folder.glob(f"*-{channel}.json"))}


def _one(posts: dict[str, dict], needle: str) -> dict:
    found = [post for text, post in posts.items() if needle in text]
    assert len(found) == 1, f"{len(found)} posts carry {needle!r}"
    return found[0]


def test_email_headlines_tables_and_severities(demo_run):
    _, folder, database = demo_run
    mails = _emails(folder)
    subjects = list(mails)
    assert len(subjects) == 6, subjects
    final = next(mails[s] for s in subjects if FINAL in s)
    assert FINAL_EN in final["subject"]
    text = _part(final, "text/plain")
    assert text.count("公示后确认 / confirmed") == 10
    assert text.count("公示后未列入 / dropped after 公示") == 1
    assert "更名 / renamed（原名 / renamed from 贵阳示例新程资源循环利用有线公司）" in text
    assert "removed from the white list" not in text and "（共13项变更）" not in text
    html = _part(final, "text/html")
    assert "重要 / critical" in html
    assert len(re.findall(r"<tr valign[^>]*><td style=\"padding:3px 6px", html)) == 12, "one row per enterprise"
    assert html.count("工业和信息化部公告2026年第33号") == 1, "the evidence once, not once per change"
    assert not final["Message-ID"].startswith("<rw-digest-"), "an immediate bundle is no digest"

    proposed = next(mails[s] for s in subjects if PROPOSED in s)
    assert "注意 / warning" in _part(proposed, "text/html")
    assert "公示 / proposed" in _part(proposed, "text/plain")

    criteria = next(mails[s] for s in subjects if CRITERIA_EN in s)
    body = _part(criteria, "text/plain")
    assert "六(一)1" in body and "八(三)" in body and "征求意见 / draft for comment" in body
    assert "(2 changed) (2 changes)" not in criteria["subject"]
    assert "附件 / Attachment：附件" not in body

    revoked = next(mails[s] for s in subjects if REVOKED in s)
    revoked_text = _part(revoked, "text/plain")
    assert "撤销 2家 / 2 revoked" in revoked_text and revoked_text.count("包头示例润禾电源科技有限责任公司") == 2
    assert "重要 / critical" in _part(revoked, "text/html")

    db = sqlite3.connect(database)
    stored = dict(db.execute("select kind || ':' || coalesce(json_extract(details, '$.reason'), ''), severity "
                             "from changes where kind like 'list.entry_removed'").fetchall())
    db.close()
    assert set(stored.values()) == {"critical"}, "the alert says what the database says"


def test_slack_and_webhook_carry_the_summary(demo_run):
    _, folder, _ = demo_run
    slack = _by_headline(folder, "slack")
    proposed = _one(slack, PROPOSED)
    assert proposed["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": PROPOSED}}
    listing = json.dumps(proposed["blocks"], ensure_ascii=False)
    assert len(re.findall(r"示例[^ ·*`]+?公司 · ", listing)) == 12, "the 公示 post lists its enterprises"
    final = json.dumps(_one(slack, FINAL)["blocks"], ensure_ascii=False)
    assert final.count("`公示后确认 confirmed`") == 10 and "重要 / critical" in final
    assert len(_one(slack, FINAL)["blocks"]) <= limits.SLACK_BLOCKS

    hooks = _by_headline(folder, "hook")
    final_hook = _one(hooks, FINAL)
    summary = final_hook["summaries"][0]
    assert summary["headline"] == {"zh": FINAL, "en": FINAL_EN}
    assert summary["counts"] == {"dropped after 公示": 1, "renamed": 1, "confirmed": 10}
    assert summary["severity"] == "critical" == max((a["severity"] for a in final_hook["alerts"]),
                                                   key=["info", "warning", "critical"].index)
    assert len(final_hook["alerts"]) == 13, "every change still travels in the JSON"
    revoked = _one(hooks, REVOKED)["summaries"][0]
    assert revoked["counts"] == {"revoked": 2} and revoked["severity"] == "critical"
    criteria = _one(hooks, CRITERIA_EN)["summaries"][0]
    assert criteria["severity"] == "warning"


@pytest.mark.parametrize("channel", ["dingtalk", "wecom", "feishu"])
def test_chat_robots_get_the_summary_route(demo_run, channel):
    _, folder, _ = demo_run
    posts = _by_headline(folder, channel)
    assert len(posts) == 4, "min_severity = warning: the new inspection and penalty documents stay out"
    for needle in (PROPOSED, FINAL, CRITERIA_EN, REVOKED):
        post = _one(posts, needle)
        if channel == "wecom":
            assert len(post["markdown"]["content"].encode()) <= limits.WECOM_MARKDOWN_BYTES
    final = json.dumps(_one(posts, FINAL), ensure_ascii=False)
    assert "公示后未列入 dropped after 公示" in final and "and 2 more" in final, "summary: the first 10 rows of 12"
    assert "regwatch show" in final, "without [serve] public_url the command that shows it all is named"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_alert_sizes", ROOT / "bench" / "bench_alert_sizes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def big_announcement(tmp_path_factory):
    return _bench().deliver_announcement(tmp_path_factory.mktemp("big"), 200)


NAME = re.compile(r"示例\d{3}新能源循环科技(?:股份)?有限公司")


def test_a_200_enterprise_announcement_is_one_email_under_100_kb_with_the_full_csv(big_announcement):
    mails = big_announcement["email"]
    assert len(mails) == 1
    html = _part(mails[0], "text/html")
    assert len(html.encode()) <= limits.EMAIL_HTML_BYTES
    assert "工信部公告第九批符合规范条件企业名单（198家，其中公示后确认196家、更名2家；公示后未列入2家）" in html
    attachment = next(p for p in mails[0].walk() if p.get_filename())
    rows = list(csv.reader(io.StringIO(attachment.get_payload(decode=True).decode("utf-8-sig"))))
    assert len(rows) == 201 and all(NAME.fullmatch(r[0]) for r in rows[1:])
    assert {r[4] for r in rows[1:]} == {"confirmed", "renamed", "dropped after 公示"}


def test_a_200_enterprise_announcement_fits_every_chat_limit_in_whole_rows(big_announcement):
    slack = big_announcement["slack"]
    assert len(slack) == 1
    blocks = slack[0].json()["blocks"]
    assert len(blocks) <= limits.SLACK_BLOCKS
    assert all(len(b["text"]["text"]) <= limits.SLACK_SECTION_CHARS for b in blocks if "text" in b
               and b["type"] == "section")
    for channel, limit in (("dingtalk", limits.DINGTALK_BODY_BYTES), ("feishu", limits.FEISHU_BODY_BYTES)):
        assert len(big_announcement[channel]) == 1
        assert len(big_announcement[channel][0].body) <= limit, channel
    wecom = big_announcement["wecom"][0].json()["markdown"]["content"]
    assert len(wecom.encode()) <= limits.WECOM_MARKDOWN_BYTES
    for channel in ("dingtalk", "wecom", "feishu"):
        text = big_announcement[channel][0].body.decode()
        text = re.sub("renamed from " + NAME.pattern, "", text)  # a renamed row also names its old name
        shown = len(NAME.findall(text))
        more = re.search(r"and (\d+) more", text)
        assert more and shown + int(more.group(1)) == 200, f"{channel}: rows shown plus 'and N more' is all"
        assert len(re.findall(r"示例\d{3}", text)) == shown, f"{channel}: a name was cut"


def test_show_prints_one_announcement_in_full(demo_run):
    from click.testing import CliRunner

    from regwatch.cli import cli

    _, _, database = demo_run
    config = database.parent / "regwatch.toml"
    db = sqlite3.connect(database)
    dropped = db.execute("select id from changes where kind = 'list.entry_removed' order by id").fetchone()[0]
    draft = db.execute("select id from changes where kind = 'criteria.changed'").fetchone()[0]
    db.close()
    shown = CliRunner().invoke(cli, ["--config", str(config), "show", str(dropped)])
    assert shown.exit_code == 0, shown.output
    assert FINAL in shown.output and shown.output.count("公示后确认 / confirmed") == 10
    assert "工业和信息化部公告2026年第33号" in shown.output
    clause = CliRunner().invoke(cli, ["--config", str(config), "show", str(draft)]).output
    assert "杂质铝含量低于[-1.5%-]{+1%+}" in clause and "八(三)" in clause, "show gives the clause diff word by word"
    missing = CliRunner().invoke(cli, ["--config", str(config), "show", "99999"])
    assert missing.exit_code == 1 and missing.output.strip() == "Error: no change with id 99999"
    listed = CliRunner().invoke(cli, ["--config", str(config), "changes", "--kind", "list.*"]).output
    assert "公示后未列入 / dropped after 公示" in listed and "撤销 / revoked" in listed
