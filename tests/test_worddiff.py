"""Word diff of Chinese text: small edits stay small, noise stays equal, numbers are found."""

from __future__ import annotations

import itertools
import json

import pytest

from diff.render import render_word_diff, summarize_ops
from diff.text import normalize
from diff.words import (
    DiffOp,
    changed_numbers,
    has_changes,
    ops_to_json,
    tokens,
    word_diff,
)

TRACE = (
    "企业应当建立健全废旧动力电池溯源管理制度，"
    "按照国家有关规定及时上传拆解、再生利用等环节的溯源信息，确保全过程可追溯。"
)
RECTIFY = "湖南鑫瑞泰源循环科技有限公司应于2026年6月30日前完成整改，并向省级工业和信息化主管部门提交整改报告。"
REGEN = "冶炼过程锂回收率应不低于90%，杂质铝含量低于1%，碳酸锂生产综合能耗低于2200千克标准煤/吨。"


def changes(ops: list[DiffOp]) -> list[DiffOp]:
    return [op for op in ops if op.op != "equal"]


@pytest.mark.parametrize(
    ("old", "new", "gone", "came"),
    [
        (TRACE, TRACE.replace("健全", "键全"), "健", "键"),
        (TRACE, TRACE.replace("全过程", "全流程"), "过", "流"),
        (RECTIFY, RECTIFY.replace("鑫瑞泰源", "鑫瑞达源"), "泰", "达"),
        (RECTIFY, RECTIFY.replace("整改报告", "整治报告"), "改", "治"),
        (REGEN, REGEN.replace("锂回收率", "锂收率"), "回", ""),
    ],
    ids=["typo-in-known-word", "word-swap", "unknown-company-name", "last-word", "one-char-deleted"],
)
def test_one_character_edit_shows_as_that_word_only(old, new, gone, came):
    ops = word_diff(old, new)
    edits = changes(ops)
    assert len(edits) == 1
    edit = edits[0]
    assert gone in edit.old and came in edit.new
    assert len(edit.old) <= 4 and len(edit.new) <= 4
    equal_chars = sum(len(op.new) for op in ops if op.op == "equal")
    assert equal_chars >= len(normalize(new)) - 4


@pytest.mark.parametrize(
    ("old", "new", "op", "text"),
    [
        (REGEN, REGEN.replace("，杂质铝含量低于1%", ""), "delete", "杂质铝含量低于1%"),
        (REGEN, REGEN.replace("综合能耗", "单位产品综合能耗"), "insert", "单位产品"),
        ("第一段。\n第三段。", "第一段。\n第二段新增。\n第三段。", "insert", "第二段新增。\n"),
        ("第一段。\n第二段删除。\n第三段。", "第一段。\n第三段。", "delete", "第二段删除。\n"),
    ],
    ids=["delete-phrase", "insert-words", "insert-paragraph", "delete-paragraph"],
)
def test_insert_and_delete(old, new, op, text):
    edits = changes(word_diff(old, new))
    assert [e.op for e in edits] == [op]
    assert (edits[0].new if op == "insert" else edits[0].old).strip(",") == text


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("杂质铝含量低于１．５％，ＧＢ／Ｔ　３４０１５", "杂质铝含量低于1.5%,GB/T 34015"),
        ("国市监处罚〔2026〕29号\u200b", "国市监处罚〔2026〕29号"),
        ("  再生利用 \t企业\r\n\r\n\r\n名单  ", "再生利用 企业\n名单"),
        ("", "   "),
    ],
    ids=["full-width-forms", "zero-width-space", "whitespace-and-blank-lines", "empty"],
)
def test_identical_after_normalisation_is_all_equal(old, new):
    ops = word_diff(old, new)
    assert not has_changes(ops)
    assert all(op.op == "equal" for op in ops)
    assert summarize_ops(ops) == ""


def test_rewrapped_text_is_equal_only_when_line_breaks_are_ignored():
    one_line = "为加强新能源汽车废旧动力电池综合利用行业管理，提高废旧动力电池综合利用水平。"
    wrapped = "为加强新能源汽车废旧动力电池综合利用行业管\n理，提高废旧动力电池综合利用水平。"
    assert has_changes(word_diff(one_line, wrapped))
    assert not has_changes(word_diff(one_line, wrapped, ignore_line_breaks=True))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (TRACE, RECTIFY),
        (TRACE + "\n" + REGEN, REGEN + "\n" + TRACE + "\n新增一段。"),
        ("一、总则\n（一）适用范围。\n（二）定义。", "一、总则\n（二）定义。\n（三）要求。"),
        (REGEN, REGEN.replace("90%", "92%").replace("1%", "1.5%")),
    ],
    ids=["unrelated", "reordered-paragraphs", "clauses", "numbers"],
)
def test_ops_rebuild_both_texts(old, new):
    ops = word_diff(old, new)
    assert "".join(op.old for op in ops) == normalize(old)
    assert "".join(op.new for op in ops) == normalize(new)
    for left, right in itertools.pairwise(ops):
        assert not (left.op == "equal" and right.op == "equal")


def test_line_breaks_are_kept_as_structure():
    old = "第一条 总则。\n第二条 适用范围。\n第三条 附则。"
    new = "第一条 总则。\n第二条 适用于再生利用企业。\n第三条 附则。"
    ops = word_diff(old, new)
    assert ops[0].op == "equal" and ops[0].new.startswith("第一条 总则。\n")
    assert ops[-1].op == "equal" and ops[-1].new.endswith("\n第三条 附则。")
    assert all("\n" not in op.old + op.new for op in changes(ops))
    assert tokens(normalize(old)).count("\n") == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("杂质铝含量低于1%", "杂质铝含量低于1.5%", [("1%", "1.5%")]),
        (REGEN, REGEN.replace("2200千克标准煤/吨", "2000千克标准煤/吨"),
         [("2200千克标准煤/吨", "2000千克标准煤/吨")]),
        ("回收率≥98%", "回收率≥99%", [("≥98%", "≥99%")]),
        ("企业名单（第五批）", "企业名单（第六批）", [("第五批", "第六批")]),
        ("产能不低于5000吨/年，锂回收率90%", "锂回收率90%", [("5000吨/年", "")]),
        ("锂回收率90%", "锂回收率90%，注册资本1000万元", [("", "1000万元")]),
        (REGEN, REGEN.replace("应不低于", "不得低于"), []),
    ],
    ids=["percent", "energy-unit", "comparator", "chinese-ordinal", "removed", "added", "words-only"],
)
def test_changed_numbers(old, new, expected):
    assert changed_numbers(old, new) == expected
    assert changed_numbers(word_diff(old, new)) == expected


def test_summary_is_one_compact_line():
    old = TRACE + "\n" + REGEN
    new = TRACE + "\n" + REGEN.replace("低于1%", "低于1.5%")
    summary = summarize_ops(word_diff(old, new), context=6)
    assert "[-1%-]{+1.5%+}" in summary
    assert "\n" not in summary
    assert summary.startswith("…")
    assert len(summary) < 40


def test_ops_as_plain_json():
    ops = word_diff(REGEN, REGEN.replace("90%", "92%"))
    data = json.loads(json.dumps(ops_to_json(ops), ensure_ascii=False))
    assert [DiffOp(d["op"], d["old"], d["new"]) for d in data] == ops


@pytest.mark.parametrize("fmt", ["text", "json", "html"], ids=["text", "json", "html"])
def test_render_word_diff(fmt):
    old = "<script>alert(1)</script> R&D 回收率90%，详见附件。"
    new = "<script>alert(2)</script> R&D 回收率92%，详见附件。"
    rendered = render_word_diff(word_diff(old, new), fmt)
    if fmt == "html":
        assert "<script>" not in rendered
        assert "&lt;script&gt;" in rendered
        assert "R&amp;D" in rendered and "R&D" not in rendered
        assert "<del" in rendered and "<ins" in rendered
    elif fmt == "json":
        assert rendered["schema"] == "regwatch.worddiff/1"
        assert {"op": "replace", "old": "90%", "new": "92%"} in rendered["ops"]
        json.dumps(rendered)
    else:
        assert "[-90%-]{+92%+}" in rendered


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render_word_diff([], "pdf")  # type: ignore[arg-type]
