"""Rendering: headlines, Chinese numerals and dates, every format for every kind, escaping,
and Slack's and the IM robots' size limits."""

from __future__ import annotations

import json

import pytest

from notifier.alert import build_alert
from notifier.limits import SLACK_BLOCKS as MAX_BLOCKS
from notifier.limits import SLACK_HEADER_CHARS as HEADER_CHARS
from notifier.limits import SLACK_SECTION_CHARS as SECTION_CHARS
from notifier.render import Rendering
from notifier.render.jsondoc import SCHEMA
from storage.chinese import batch_number, beijing_time, chinese_numeral, zh_date
from storage.kinds import ChangeKind, sample

HOSTILE = "<script>alert(1)</script> <!channel> & <@U123>"


@pytest.mark.parametrize(("n", "zh"), [(1, "一"), (6, "六"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
                                       (100, "一百"), (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")])
def test_chinese_numerals(n, zh):
    assert chinese_numeral(n) == zh
    assert batch_number(f"第{zh}批") == n


@pytest.mark.parametrize(("value", "expected"), [("2026-04-28", "2026年4月28日"), ("2026-04-28T10:00:00+08:00",
                                                 "2026年4月28日"), ("2026年4月28日", "2026年4月28日"), ("", "")])
def test_chinese_dates(value, expected):
    assert zh_date(value) == expected


def test_detected_time_is_shown_in_beijing_time():
    assert beijing_time("2026-04-27T16:30:00+00:00").startswith("2026-04-28 00:30")


def test_headline_of_a_proposed_batch():
    change = sample("list.proposed", authority="MIIT")
    change["details"]["batch"] = 6
    change["details"]["entries"] = [{"enterprise": f"示例企业{i}", "province": "广东省", "type": "梯次利用"}
                                    for i in range(12)]
    alert = build_alert(change)
    assert alert.headline_zh == "【白名单】工信部公示第六批拟公告企业名单（12家）"
    assert alert.headline_en == "MIIT proposed white-list batch 6 (12 enterprises)"


@pytest.mark.parametrize("kind", sorted(ChangeKind.registry))
def test_every_kind_renders_in_every_format(kind):
    change = {**sample(kind), "id": 42}
    rendering = Rendering.for_change(change)
    zh, en = rendering.headline
    assert zh.startswith("【") and en and en.split(":")[0].split("(")[0].replace("公示", "").isascii()
    assert zh in rendering.text and en in rendering.text
    assert "<!DOCTYPE html>" in rendering.html
    assert rendering.slack_blocks[0]["type"] == "header"
    assert rendering.markdown.startswith("### ")
    doc = json.loads(rendering.json_bytes("rw-test", "compliance"))
    assert doc["schema"] == SCHEMA and doc["delivery_id"] == "rw-test" and doc["route"] == "compliance"
    assert doc["alerts"][0]["change"] == json.loads(json.dumps(change))
    assert doc["alerts"][0]["headline"] == {"zh": zh, "en": en}


def test_white_list_table_and_facts_in_text():
    text = Rendering.for_change(sample("list.proposed")).text
    for expected in ("天津巴特瑞", "天津市", "梯次利用", "第四批 / batch 4", "2022年11月16日",
                     "公示截止 / Comments until", "2022年11月30日", "5c" * 32, "3f" * 32):
        assert expected in text
    removed = Rendering.for_change(sample("list.entry_removed")).text
    assert "撤销 1家 / 1 revoked" in removed and "示例再生资源有限公司" in removed


def test_clause_diff_marks_words_in_every_format():
    rendering = Rendering.for_change(sample("criteria.changed"))
    assert "杂质铝含量低于[-1%-]{+1.5%+}" in rendering.text
    assert "[-铜、铝-]{+破碎分离后的电极粉料+}" in rendering.text
    assert '<del style="' in rendering.html and ">1.5%</ins>" in rendering.html
    assert "~~1%~~" in rendering.markdown and "**1.5%**" in rendering.markdown
    slack = json.dumps(rendering.slack_blocks, ensure_ascii=False)
    assert "~1%~" in slack and "*1.5%*" in slack


def test_suspect_change_says_needs_review_everywhere():
    rendering = Rendering.for_change(sample("list.entry_removed", suspect=1))
    for text in (rendering.text, rendering.html, rendering.markdown, json.dumps(rendering.slack_blocks,
                                                                                  ensure_ascii=False)):
        assert "需要复核 / needs review" in text
    assert json.loads(rendering.json_bytes("x"))["alerts"][0]["needs_review"] is True


def test_web_strings_are_escaped_in_html():
    change = sample("list.entry_added", title=HOSTILE, summary=HOSTILE, url="javascript:alert(1)")
    change["details"]["enterprise"] = "<b>衢州华友</b>"
    html = Rendering.for_change(change).html
    assert "<script>" not in html and "<b>衢州" not in html and "<!channel>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;衢州华友&lt;/b&gt;" in html
    assert 'href="javascript' not in html


def test_web_strings_are_escaped_in_slack_mrkdwn():
    change = sample("document.new", title=HOSTILE, summary=HOSTILE)
    rendering = Rendering.for_change(change)
    mrkdwn = [b["text"]["text"] for b in rendering.slack_blocks if b["type"] == "section" and "text" in b]
    mrkdwn += [f["text"] for b in rendering.slack_blocks for f in b.get("fields", [])]
    mrkdwn += [e["text"] for b in rendering.slack_blocks if b["type"] == "context" for e in b["elements"]]
    joined = "\n".join(mrkdwn) + rendering.slack_text
    assert "<!channel>" not in joined and "<@U123>" not in joined and "<script>" not in joined
    assert "&lt;!channel&gt;" in joined and "&amp;" in joined


def test_markdown_neutralises_tags_and_keeps_links_intact():
    change = sample("document.new", title="<font color=\"warning\">假</font>]（x）")
    markdown = Rendering.for_change(change).markdown
    assert "<font" not in markdown and "＜font" in markdown
    assert "[原文 / Original](https://www.samr.gov.cn/" in markdown


def _huge_criteria_change(clauses: int, chars: int) -> dict:
    change = sample("criteria.changed")
    change["details"]["clauses"] = [
        {"number": f"第{chinese_numeral(i + 1)}条", "status": "changed",
         "diff": [{"op": "replace", "old": "甲" * chars, "new": "乙" * chars}]}
        for i in range(clauses)
    ]
    return change


@pytest.mark.parametrize(("clauses", "chars"), [(200, 50), (3, 9000)], ids=["many-clauses", "huge-clause"])
def test_slack_blocks_stay_within_limits(clauses, chars):
    change = _huge_criteria_change(clauses, chars)
    blocks = Rendering.for_change(change).slack_blocks
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_CHARS
        if "text" in block and block["type"] == "section":
            assert len(block["text"]["text"]) <= SECTION_CHARS
        assert len(block.get("fields", [])) <= 10
    if clauses == 200:  # word diffs give way to each clause's label; every clause still named
        named = "".join(b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b)
        assert all(f"*第{chinese_numeral(i + 1)}条*" in named for i in range(200))
    else:  # one long clause is split over several sections rather than cut
        assert sum(b["text"]["text"].count("乙") for b in blocks if b["type"] == "section" and "text" in b) \
            == 3 * 9000


def test_slack_keeps_every_fact_even_past_ten_fields():
    alert = build_alert(sample("criteria.changed", stage="公告"))
    alert.facts += [(f"附加 {i}", f"值{i}") for i in range(12)]
    blocks = Rendering([alert]).slack_blocks
    fields = [f["text"] for b in blocks for f in b.get("fields", [])]
    assert len(fields) > 10 and all(f"值{i}" in "".join(fields) for i in range(12))
    assert all(len(b.get("fields", [])) <= 10 for b in blocks)


def test_markdown_fits_a_byte_budget_by_leaving_out_whole_clauses():
    change = {**_huge_criteria_change(300, 100), "id": 9}
    cut = Rendering.for_change(change).markdown_within(4096)
    assert len(cut.encode("utf-8")) <= 4096
    assert "第一条" in cut and "more clauses" in cut and "regwatch show" in cut


def test_digest_bundles_alerts_and_stays_within_slack_limits():
    alerts = [build_alert({**sample("list.entry_added"), "id": i, "new_version_id": i}) for i in range(120)]
    digest = Rendering.for_digest("compliance", alerts)
    assert digest.headline[0] == "【汇总】regwatch 路由 compliance：120份文件，120项变更"
    assert digest.text.count("【白名单】第一批新列入：衢州华友钴新材料有限公司") == 120
    assert digest.html.count("<h2") == 120
    assert len(digest.slack_blocks) <= MAX_BLOCKS
    doc = json.loads(digest.json_bytes("rw-digest-x"))
    assert doc["digest"] == {"route": "compliance", "count": 120} and len(doc["alerts"]) == 120


def test_json_bytes_are_stable_so_a_resend_signs_identically():
    rendering = Rendering.for_change({**sample("list.proposed"), "id": 3})
    again = Rendering.for_change({**sample("list.proposed"), "id": 3})
    assert rendering.json_bytes("rw-1", "r") == again.json_bytes("rw-1", "r")
