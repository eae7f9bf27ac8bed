"""Clauses: splitting on Chinese numbering, and aligning two versions of the criteria."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diff.clauses import Clause, diff_clauses, split_clauses, substantive
from diff.render import render_clause_diff

FIXTURES = Path(__file__).parent / "fixtures" / "criteria"
DRAFT = (FIXTURES / "criteria_2024_regen_clause_DRAFT_20240814_simplified.txt").read_text("utf-8")
FINAL = (FIXTURES / "criteria_2024_regen_clause_FINAL_20241224_simplified.txt").read_text("utf-8")
PDF_OPENING = (FIXTURES / "criteria_2024ben_opening_pdf_extract.txt").read_text("utf-8")

CRITERIA = """新能源汽车废旧动力电池综合利用行业规范条件
一、总则
（一）为加强行业管理，制订本规范条件。
（二）本规范条件适用于梯次利用和再生利用企业。
二、企业布局与项目选址
（一）项目应符合国家产业政策。
（二）企业应具备以下条件：
1．具有独立法人资格；
2．注册资本不低于1000万元；
（1）实缴资本不低于500万元；
（2）投产时间不少于1年。
3．再生利用产能原则上不低于5000吨/年。
三、资源综合利用
（一）冶炼过程锂回收率应不低于90%。
（二）杂质铝含量低于1%，杂质铜含量低于1%。
（三）碳酸锂生产综合能耗低于2200千克标准煤/吨。
"""


def by_label(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.label: c for c in clauses}


def test_real_draft_against_final():
    changes = diff_clauses(DRAFT, FINAL)
    assert [c.status for c in changes] == ["changed"]
    change = changes[0]
    deleted = "".join(op.old for op in change.ops if op.op in ("delete", "replace"))
    inserted = "".join(op.new for op in change.ops if op.op in ("insert", "replace"))
    unchanged = "".join(op.new for op in change.ops if op.op == "equal")
    # 杂质铝 and 杂质铜: 1% -> 1.5%
    assert change.numbers.count(("1%", "1.5%")) == 2
    assert any(op.op == "replace" and (op.old, op.new) == ("1%", "1.5%") for op in change.ops)
    assert "杂质铝含量低于" in unchanged and "杂质铜含量低于" in unchanged
    # 铜、铝回收率 98% replaced by 破碎分离后的电极粉料回收率 98%
    assert "铜、铝" in deleted and "电极粉料" in inserted
    assert "不低于98%" in unchanged
    # 稀土等其他主要有价金属综合回收率不低于97% is absent from the final quotation
    assert "稀土等其他主要有价金属综合回收率不低于97%" in deleted
    assert ("97%", "") in change.numbers
    # 碳酸锂生产综合能耗 -> 碳酸锂生产单位产品综合能耗: only the inserted words
    assert any(op.op == "insert" and op.new == "单位产品" for op in change.ops)
    # 锂回收率 90% unchanged: never reported
    assert "冶炼过程锂回收率应不低于90%" in unchanged
    assert all("90%" not in pair for pair in change.numbers)
    assert all("90%" not in op.old + op.new for op in change.ops if op.op != "equal")


def test_nested_numbering_split():
    clauses = split_clauses(CRITERIA)
    assert [c.path for c in clauses] == [
        (),
        ("一",),
        ("一", "(一)"),
        ("一", "(二)"),
        ("二",),
        ("二", "(一)"),
        ("二", "(二)"),
        ("二", "(二)", "1"),
        ("二", "(二)", "2"),
        ("二", "(二)", "2", "(1)"),
        ("二", "(二)", "2", "(2)"),
        ("二", "(二)", "3"),
        ("三",),
        ("三", "(一)"),
        ("三", "(二)"),
        ("三", "(三)"),
    ]
    labels = by_label(clauses)
    assert labels["序言"].text == "新能源汽车废旧动力电池综合利用行业规范条件"
    assert labels["二"].heading == "企业布局与项目选址" and labels["二"].text == ""
    assert labels["二(二)2(1)"].text == "实缴资本不低于500万元;"
    assert labels["二(二)2(1)"].level == 4 and labels["二(二)2(1)"].number == "(1)"
    assert labels["二(二)"].text == "企业应具备以下条件:"


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("第一章 总则\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于：\n（一）梯次利用；\n（二）再生利用。\n"
         "第二章 附则\n第三条 本办法自发布之日起施行。",
         [("第一章",), ("第一章", "第一条"), ("第一章", "第二条"), ("第一章", "第二条", "(一)"),
          ("第一章", "第二条", "(二)"), ("第二章",), ("第二章", "第三条")]),
        ("1、企业应：\n①建立制度；\n②上传信息。\n2、其他要求。",
         [("1",), ("1", "①"), ("1", "②"), ("2",)]),
        ("一. 总则\n1) 适用范围\n2) 定义",
         [("一",), ("一", "1)"), ("一", "2)")]),
        ("杂质铝含量低于1.5%\n1.5%的要求自2026年起执行。",
         [()]),
    ],
    ids=["chapters-and-articles", "circled-numbers", "dot-and-paren", "decimal-is-not-a-number"],
)
def test_numbering_styles(text, paths):
    assert [c.path for c in split_clauses(text)] == paths


def test_pdf_line_wraps_are_joined():
    clauses = by_label(split_clauses(PDF_OPENING))
    assert "规范条件(2024年本)" in clauses["序言"].text
    assert clauses["一"].heading == "总则"
    first = clauses["一(一)"].text
    assert "\n" not in first
    assert "行业管理,提高" in first and "《中华人民共和国循环经济促进法》" in first
    assert first.endswith("制订本规范条件。")


def test_rewrapped_and_full_width_versions_are_unchanged():
    unwrapped = (
        "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）\n"
        "一、总则\n"
        "（一）为加强新能源汽车废旧动力电池综合利用行业管理，提高废旧动力电池综合利用水平，"
        "依据《中华人民共和国循环经济促进法》《中华人民共和国固体废物污染环境防治法》等法律法规和规章，"
        "制订本规范条件。\n"
        "（二）本规范条件"
    )
    assert diff_clauses(PDF_OPENING, unwrapped) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("（一）回收率不低于９８％。\n（二）能耗低于２２００千克标准煤／吨。",
         "(一)回收率不低于98%。\n(二)能耗低于2200千克标准煤/吨。"),
        ("１．具有独立法人资格；\n２．注册资本不低于1000万元。", "1.具有独立法人资格;\n2、注册资本不低于1000万元。"),
        ("第一条　企业应当建立溯源管理制度。", "第一条 企业应当建立溯源\n管理制度。"),
    ],
    ids=["full-width-parens-and-digits", "full-width-dot-and-dunhao", "ideographic-space-and-wrap"],
)
def test_normalisation_differences_are_not_changes(old, new):
    assert diff_clauses(old, new) == []


def test_insertion_renumbers_without_changing():
    old = CRITERIA
    new = CRITERIA.replace(
        "（二）杂质铝含量低于1%，杂质铜含量低于1%。\n（三）碳酸锂",
        "（二）镍、钴、锰回收率应不低于98%。\n（三）杂质铝含量低于1%，杂质铜含量低于1%。\n（四）碳酸锂",
    )
    changes = diff_clauses(old, new)
    assert [(c.status, c.new.label if c.new else None) for c in changes] == [
        ("added", "三(二)"),
        ("moved", "三(三)"),
        ("moved", "三(四)"),
    ]
    assert all(c.renumbered and not c.ops for c in changes if c.status == "moved")
    assert [c.status for c in substantive(changes)] == ["added"]
    assert [c.status for c in diff_clauses(old, new, include_moved=False)] == ["added"]


def test_removal_and_edit_under_renumbering():
    new = CRITERIA.replace("（一）项目应符合国家产业政策。\n（二）企业应具备", "（一）企业应具备").replace(
        "投产时间不少于1年", "投产时间不少于2年"
    )
    changes = diff_clauses(CRITERIA, new)
    summary = [(c.status, c.old.label if c.old else None, c.new.label if c.new else None) for c in changes]
    assert ("removed", "二(一)", None) in summary
    assert ("moved", "二(二)", "二(一)") in summary
    edited = next(c for c in changes if c.status == "changed")
    assert (edited.old.label, edited.new.label) == ("二(二)2(2)", "二(一)2(2)")
    assert edited.renumbered and edited.numbers == [("1年", "2年")]
    assert 0.8 < edited.similarity < 1.0
    # sub-clauses that only moved with their parent are 'moved', never 'changed'
    assert {c.status for c in changes} == {"removed", "moved", "changed"}
    assert sum(1 for c in changes if c.status == "changed") == 1


def test_reordered_clauses_are_moved_not_rewritten():
    old = "一、甲\n（一）企业应建立溯源管理制度。\n（二）企业应配备安全管理人员。\n（三）企业应定期开展应急演练。"
    new = "一、甲\n（一）企业应定期开展应急演练。\n（二）企业应建立溯源管理制度。\n（三）企业应配备安全管理人员。"
    changes = diff_clauses(old, new)
    assert {c.status for c in changes} == {"moved"}
    assert len(changes) == 3


def test_added_and_removed_clauses_are_not_paired_when_unrelated():
    old = "一、要求\n（一）企业应建立溯源管理制度。\n（二）厂区应设置防渗漏设施。"
    new = "一、要求\n（一）企业应建立溯源管理制度。\n（二）碳酸锂综合能耗低于2200千克标准煤/吨。"
    assert [c.status for c in diff_clauses(old, new)] == ["removed", "added"]


def test_preamble_and_identical_texts():
    assert split_clauses("") == []
    only = split_clauses("根据有关规定，现予公告。")
    assert [(c.number, c.level, c.path) for c in only] == [("", 0, ())]
    assert diff_clauses(CRITERIA, CRITERIA) == []


@pytest.mark.parametrize("fmt", ["text", "json", "html"], ids=["text", "json", "html"])
def test_render_clause_diff(fmt):
    old = "一、要求\n（一）杂质铝含量低于1%。\n（二）企业应具备R&D能力。"
    new = "一、要求\n（一）杂质铝含量低于1.5%。\n（二）企业应具备R&D能力。\n（三）<script>alert(1)</script>不得超标。"
    rendered = render_clause_diff(diff_clauses(old, new), fmt)
    if fmt == "html":
        assert "<script>" not in rendered and "&lt;script&gt;" in rendered
        assert "<del" in rendered and "<ins" in rendered
    elif fmt == "json":
        text = json.dumps(rendered, ensure_ascii=False)
        assert rendered["schema"] == "regwatch.clausediff/1"
        assert rendered["counts"] == {"changed": 1, "added": 1, "removed": 0, "moved": 0}
        assert rendered["changes"][0]["numbers"] == [["1%", "1.5%"]]
        assert rendered["changes"][0]["old"]["path"] == ["一", "(一)"]
        assert "<script>" in text  # JSON carries the data; escaping is the renderer's job
    else:
        assert "一(一) 修改 (changed)" in rendered
        assert "[-1%-]{+1.5%+}" in rendered
        assert "一(三) 新增 (added)" in rendered
