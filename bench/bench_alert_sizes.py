"""How big one final 公告 of 200 enterprises gets in each channel, against that channel's limit.

A synthetic batch: 200 proposed enterprises, then a 公告 confirming 196, dropping 2, renaming 2,
recorded as the crawl records them and delivered through every channel to loopback receivers
(aiosmtpd and the HTTP listener). Prints the bytes each receiver got; asserts nothing.

    python bench/bench_alert_sizes.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from notifier.routes import parse_notifier_config  # noqa: E402
from notifier.worker import deliver_due  # noqa: E402
from replica.sinks import HttpReceiver, Reply, SmtpSink  # noqa: E402
from storage.changes import record_change  # noqa: E402
from storage.db import open_db  # noqa: E402

PROVINCES = ("广东省", "江苏省", "浙江省", "湖南省", "四川省", "安徽省", "江西省", "湖北省")
ROBOT_OK = {"dingtalk": {"errcode": 0}, "wecom": {"errcode": 0}, "feishu": {"code": 0}}
BATCH_URL = "https://www.miit.gov.cn/jgsj/jns/wjfb/art/2026/art_00000000000000000000000000000200.html"


def enterprise(i: int) -> dict[str, str]:
    return {"enterprise": f"示例{i:03d}新能源循环科技有限公司", "province": PROVINCES[i % len(PROVINCES)],
            "type": ("梯次利用", "再生利用", "both")[i % 3]}


def announcement_changes(n: int = 200) -> list[dict[str, Any]]:
    """The changes a 公告 of `n` enterprises makes, as storage/whitelist.py writes them."""
    base = {"source_id": "miit", "document_id": 900, "new_version_id": 901, "category": "whitelist",
            "authority": "MIIT", "stage": "公告",
            "title": "符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第九批）",
            "url": BATCH_URL, "doc_number": "工业和信息化部公告2026年第90号", "published_at": "2026-12-01",
            "attachments": [{"url": BATCH_URL.replace(".html", ".xlsx"), "name": "附件：企业名单.xlsx",
                             "sha256": "ab" * 32}],
            "evidence": {"raw_sha256": "cd" * 32, "version_id": 901}}
    out = [{**base, "kind": "document.new", "summary": "新文件：第九批名单", "details": {"excerpt": "予以公告。"}}]
    for i in range(n):
        e = enterprise(i)
        if i < 2:
            out.append({**base, "kind": "list.entry_removed", "entity": e["enterprise"], "summary": "公示后未列入",
                        "details": {"batch": 9, **e, "reason": "listed in the 公示 but not in the 公告"}})
        elif i < 4:
            new = {**e, "enterprise": e["enterprise"].replace("有限公司", "股份有限公司")}
            out.append({**base, "kind": "list.entry_changed", "entity": new["enterprise"], "summary": "更名",
                        "details": {"batch": 9, "old": e, "new": new, "fields": ["enterprise"]}})
        else:
            out.append({**base, "kind": "list.entry_added", "entity": e["enterprise"], "summary": "公示后确认",
                        "details": {"batch": 9, **e, "reason": "confirmed from the 公示"}})
    return out


def config(mail_port: int, url: str, fmt: str = "full") -> dict[str, Any]:
    return {
        # The default batch of 50 rows: an announcement of 201 changes is claimed whole all the same.
        "notify": {"batch_size": 50},
        "channels": {
            "mail": {"kind": "email", "host": "127.0.0.1", "port": mail_port, "security": "none",
                     "from": "regwatch@localhost", "to": ["compliance@localhost"]},
            "slack": {"kind": "slack", "webhook_url": url + "slack"},
            "hook": {"kind": "webhook", "url": url + "hook"},
            "dingtalk": {"kind": "dingtalk", "webhook_url": url + "dingtalk"},
            "wecom": {"kind": "wecom", "webhook_url": url + "wecom"},
            "feishu": {"kind": "feishu", "webhook_url": url + "feishu"},
        },
        "routes": {"all": {"channels": ["mail", "slack", "hook", "dingtalk", "wecom", "feishu"],
                           **({"format": fmt} if fmt != "full" else {})}},
    }


def deliver_announcement(folder: Path, n: int = 200, fmt: str = "full") -> dict[str, Any]:
    """Record and deliver one 公告 of `n` enterprises; what each receiver got, by channel."""
    with SmtpSink() as mail, HttpReceiver() as chat:
        for path, answer in ROBOT_OK.items():
            chat.default(f"/{path}", Reply(body=answer))
        cfg = parse_notifier_config(config(mail.port, chat.url("/"), fmt))
        db = open_db(folder / "regwatch.db")
        for change in announcement_changes(n):
            record_change(db, change, cfg.route_filters())
        while deliver_due(db, cfg).handled:
            pass
        db.close()
        received: dict[str, Any] = {"email": mail.wait_for(1)}
        for path in ("slack", "hook", "dingtalk", "wecom", "feishu"):
            received[path] = chat.wait_for(1, f"/{path}")
    return received


def sizes(received: dict[str, Any]) -> dict[str, int]:
    """Bytes per channel as each limit counts them."""
    mail = received["email"][0]
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_content()
    body = {k: received[k][0].body for k in ("slack", "hook", "dingtalk", "wecom", "feishu")}
    return {"email messages": len(received["email"]), "email HTML": len(html.encode()), "email total": len(bytes(mail)),
            "Slack body": len(body["slack"]), "Slack blocks": len(json.loads(body["slack"]).get("blocks", [])),
            "webhook body": len(body["hook"]), "DingTalk body": len(body["dingtalk"]),
            "WeCom markdown": len(json.loads(body["wecom"])["markdown"]["content"].encode()),
            "Feishu body": len(body["feishu"])}


def main() -> None:
    for fmt in ("full", "summary"):
        with tempfile.TemporaryDirectory() as tmp:
            got = deliver_announcement(Path(tmp), fmt=fmt)
        print(f"a 公告 of 200 enterprises, format = {fmt!r}:")
        for name, value in sizes(got).items():
            print(f"  {name:16} {value:>8}")


if __name__ == "__main__":
    main()
