"""The enterprise list read from published tables of every shape."""

from __future__ import annotations

import pytest

from crawler.extract.listtable import entries_from_tables, looks_like_header, normalize_type

T = list[list[list[str]]]

CASES: list[tuple[str, T, str | None, list[tuple[str, str | None, str, int | None]]]] = [
    (
        "standard",
        [[["序号", "省份", "企业名称", "类型"],
          ["1", "浙江省", "甲循环科技有限公司", "梯次利用"],
          ["2", "湖南省", "乙新材料有限公司", "再生利用"]]],
        None,
        [("甲循环科技有限公司", "浙江省", "梯次利用", 1), ("乙新材料有限公司", "湖南省", "再生利用", 2)],
    ),
    (
        "other-order-and-wording",
        [[["单位名称", "类别", "所在地", "编号"],
          ["甲循环科技有限公司", "梯次利用", "江苏", "7"],
          ["乙新材料有限公司", "再生利用", "安徽", "8"]]],
        None,
        [("甲循环科技有限公司", "江苏", "梯次利用", 7), ("乙新材料有限公司", "安徽", "再生利用", 8)],
    ),
    (
        "bracketed-province-header-and-title-row",
        [[["符合规范条件企业名单(第六批)"] * 4,
          ["序号", "省（区、市）", "公司名称", "综合利用类型"],
          ["1", "广东省", "甲有限公司", "梯次利用、再生利用"]]],
        None,
        [("甲有限公司", "广东省", "梯次利用和再生利用", 1)],
    ),
    (
        "merged-province-blank-below",
        [[["序号", "地区", "企业名称", "类型"],
          ["1", "江西省", "甲有限公司", "梯次利用"],
          ["2", "", "乙有限公司", "再生利用"],
          ["3", "", "丙有限公司", ""],
          ["4", "福建省", "丁有限公司", "梯次利用"]]],
        None,
        [("甲有限公司", "江西省", "梯次利用", 1), ("乙有限公司", "江西省", "再生利用", 2),
         ("丙有限公司", "江西省", "再生利用", 3), ("丁有限公司", "福建省", "梯次利用", 4)],
    ),
    (
        "section-rows-set-type",
        [[["序号", "省份", "企业名称"],
          ["一、梯次利用企业", "一、梯次利用企业", "一、梯次利用企业"],
          ["1", "天津市", "甲有限公司"],
          ["2", "河北省", "乙有限公司"],
          ["", "二、再生利用企业(2家)", ""],
          ["1", "山东省", "丙有限公司"],
          ["2", "", "丁有限公司"]]],
        None,
        [("甲有限公司", "天津市", "梯次利用", 1), ("乙有限公司", "河北省", "梯次利用", 2),
         ("丙有限公司", "山东省", "再生利用", 1), ("丁有限公司", "山东省", "再生利用", 2)],
    ),
    (
        "blank-rows-footnote-and-wrapped-name",
        [[["序号", "省份", "企业名称", "备注"],
          ["", "", "", ""],
          ["1", "湖北省", "荆门市示例新材料有\n限公司", ""],
          ["注:排名不分先后", "注:排名不分先后", "注:排名不分先后", "注:排名不分先后"]]],
        None,
        [("荆门市示例新材料有限公司", "湖北省", "unspecified", 1)],
    ),
    (
        "batch1-untyped-comprehensive",
        [[["序号", "省份", "企业名称", "类型"],
          ["1", "浙江省", "衢州华友钴新材料有限公司", "综合利用"]]],
        None,
        [("衢州华友钴新材料有限公司", "浙江省", "unspecified", 1)],
    ),
    (
        "default-type",
        [[["序号", "企业名称"], ["1", "甲有限公司"]]],
        "再生利用",
        [("甲有限公司", None, "再生利用", 1)],
    ),
    (
        "split-with-repeated-header",
        [[["序号", "省份", "企业名称", "类型"], ["1", "四川省", "甲有限公司", "梯次利用"]],
         [["序号", "省份", "企业名称", "类型"], ["2", "", "乙有限公司", "梯次+再生"]]],
        None,
        [("甲有限公司", "四川省", "梯次利用", 1), ("乙有限公司", "四川省", "梯次利用和再生利用", 2)],
    ),
    (
        "split-without-header",
        [[["序号", "省份", "企业名称", "类型"], ["1", "四川省", "甲有限公司", "梯次利用"]],
         [["2", "重庆市", "乙有限公司", "再生利用"]]],
        None,
        [("甲有限公司", "四川省", "梯次利用", 1), ("乙有限公司", "重庆市", "再生利用", 2)],
    ),
    (
        "no-header-columns-inferred",
        [[["1", "北京市", "甲科技有限公司", "梯次利用"],
          ["2", "上海市", "乙环保集团", "再生利用"]]],
        None,
        [("甲科技有限公司", "北京市", "梯次利用", 1), ("乙环保集团", "上海市", "再生利用", 2)],
    ),
    (
        "dual-enterprise-in-both-sections",
        [[["序号", "省份", "企业名称"],
          ["一、梯次利用", "一、梯次利用", "一、梯次利用"],
          ["1", "湖南省", "甲有限公司"],
          ["2", "江西省", "乙有限公司"],
          ["二、再生利用", "二、再生利用", "二、再生利用"],
          ["1", "湖南省", "甲有限公司"]]],
        None,
        [("甲有限公司", "湖南省", "梯次利用和再生利用", 1), ("乙有限公司", "江西省", "梯次利用", 2)],
    ),
    (
        "same-list-in-body-and-attachment",
        [[["序号", "省份", "企业名称", "类型"], ["1", "浙江省", "甲有限公司", "梯次利用"]],
         [["序号", "省（区、市）", "企业名称", "类型"], ["1", "浙江省", "甲有限公司", "梯次利用"]]],
        None,
        [("甲有限公司", "浙江省", "梯次利用", 1)],
    ),
    (
        "unrelated-table-before-the-list",
        [[["联系人", "电话"], ["张三", "010-68205365"]],
         [["序号", "省份", "企业名称"], ["1", "云南省", "甲有限公司"]]],
        None,
        [("甲有限公司", "云南省", "unspecified", 1)],
    ),
]


@pytest.mark.parametrize(("tables", "default_type", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_entries_from_tables(tables: T, default_type: str | None, expected: list) -> None:
    result = entries_from_tables(tables, default_type=default_type)
    assert [(e.enterprise, e.province, e.type, e.row_no) for e in result.entries] == expected


def test_header_is_reported() -> None:
    result = entries_from_tables(CASES[0][1])
    assert result.header == ["序号", "省份", "企业名称", "类型"]
    assert result.problems == []


def test_inferred_columns_say_so() -> None:
    result = entries_from_tables(dict((c[0], c[1]) for c in CASES)["no-header-columns-inferred"])
    assert result.header is None
    assert any("inferred" in p for p in result.problems)


NOTHING = [
    ("no-tables", [], "no tables"),
    ("empty-tables", [[], []], "no tables"),
    ("contact-table-only", [[["联系人", "电话"], ["张三", "010-68205365"]]], "enterprise column"),
    ("header-without-rows", [[["序号", "省份", "企业名称", "类型"]]], "no enterprise rows"),
]


@pytest.mark.parametrize(("tables", "reason"), [c[1:] for c in NOTHING], ids=[c[0] for c in NOTHING])
def test_nothing_found_always_says_why(tables: T, reason: str) -> None:
    result = entries_from_tables(tables)
    assert result.entries == []
    assert any(reason in p for p in result.problems), result.problems


def test_unknown_type_is_a_problem_not_a_guess() -> None:
    result = entries_from_tables([[["企业名称", "类型"], ["甲有限公司", "拆解"]]])
    assert [e.type for e in result.entries] == ["unspecified"]
    assert any("拆解" in p for p in result.problems)


TYPES = [
    ("cascade", "梯次利用", "梯次利用"), ("cascade-old-word", "梯级利用", "梯次利用"),
    ("recycle", "再生利用", "再生利用"), ("both-comma", "梯次利用、再生利用", "梯次利用和再生利用"),
    ("both-plus", "梯次+再生", "梯次利用和再生利用"), ("both-and", "梯次利用和再生利用", "梯次利用和再生利用"),
    ("section", "一、梯次利用企业", "梯次利用"), ("comprehensive", "综合利用", "unspecified"),
    ("blank", "", None), ("other", "拆解", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TYPES], ids=[c[0] for c in TYPES])
def test_normalize_type(text: str, expected: str | None) -> None:
    assert normalize_type(text) == expected


def test_looks_like_header() -> None:
    assert looks_like_header(["序号", "省份", "企业名称", "类型"])
    assert looks_like_header(["地区", "类别"])
    assert not looks_like_header(["1", "浙江省", "甲有限公司", "梯次利用"])
