"""Entity diff of the white list: additions, removals, renames and field changes."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace

import pytest

from diff.entities import EntityDiff, ListEntry, diff_entries
from diff.render import render_entity_diff

# Batch 1 as announced in 工业和信息化部公告2018年第40号 (type not split in batch 1).
BATCH1 = [
    ListEntry("衢州华友钴新材料有限公司", "浙江省", "unspecified", 1),
    ListEntry("赣州市豪鹏科技有限公司", "江西省", "unspecified", 1),
    ListEntry("荆门市格林美新材料有限公司", "湖北省", "unspecified", 1),
    ListEntry("湖南邦普循环科技有限公司", "湖南省", "unspecified", 1),
    ListEntry("广东光华科技股份有限公司", "广东省", "unspecified", 1),
]


def replace(entries: list[ListEntry], index: int, **fields) -> list[ListEntry]:
    out = list(entries)
    e = out[index]
    out[index] = ListEntry(**{**{"enterprise": e.enterprise, "province": e.province, "type": e.type,
                                 "batch": e.batch}, **fields})
    return out


def summary(diff: EntityDiff) -> tuple[list[str], list[str], list[tuple[str, str, tuple[str, ...]]], int]:
    return (
        [e.enterprise for e in diff.added],
        [e.enterprise for e in diff.removed],
        [(o.enterprise, n.enterprise, f) for o, n, f in diff.changed],
        diff.unchanged_count,
    )


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (BATCH1, ([], [], [], 5)),
        ([*BATCH1, ListEntry("安徽南都华铂新材料科技有限公司", "安徽省", "再生利用", 4)],
         (["安徽南都华铂新材料科技有限公司"], [], [], 5)),
        (BATCH1[1:], ([], ["衢州华友钴新材料有限公司"], [], 4)),
        (replace(BATCH1, 1, enterprise="赣州市豪鹏新能源科技有限公司"),
         ([], [], [("赣州市豪鹏科技有限公司", "赣州市豪鹏新能源科技有限公司", ("enterprise",))], 4)),
        (replace(BATCH1, 3, enterprise="湖南邦普循环科技股份有限公司"),
         ([], [], [("湖南邦普循环科技有限公司", "湖南邦普循环科技股份有限公司", ("enterprise",))], 4)),
        (replace(BATCH1, 2, province="湖南省"),
         ([], [], [("荆门市格林美新材料有限公司", "荆门市格林美新材料有限公司", ("province",))], 4)),
        (replace(BATCH1, 4, type="再生利用"),
         ([], [], [("广东光华科技股份有限公司", "广东光华科技股份有限公司", ("type",))], 4)),
        (replace(BATCH1, 0, enterprise="衢州华友钴新材料有限责任公司（注1）"), ([], [], [], 5)),
        (list(reversed(BATCH1)), ([], [], [], 5)),
    ],
    ids=["same", "added", "removed", "renamed", "legal-form-changed", "province-changed", "type-changed",
         "only-normalisation-differs", "reordered"],
)
def test_diff_entries(new, expected):
    assert summary(diff_entries(BATCH1, new)) == expected


def test_rename_is_one_change_not_add_and_remove():
    old = [ListEntry("江西睿达新能源科技有限公司", "江西省", "梯次利用", 4)]
    new = [ListEntry("江西瑞达新能源科技有限公司", "江西省", "梯次利用", 4)]  # one character corrected
    diff = diff_entries(old, new)
    assert not diff.added and not diff.removed
    assert [f for _o, _n, f in diff.renamed] == [("enterprise",)]


def test_a_different_company_in_the_same_province_and_type_is_add_and_remove():
    old = [ListEntry("湖南邦普循环科技有限公司", "湖南省", "再生利用", 1)]
    new = [ListEntry("湖南金源新材料循环科技有限公司", "湖南省", "再生利用", 6)]
    diff = diff_entries(old, new)
    assert summary(diff) == (["湖南金源新材料循环科技有限公司"], ["湖南邦普循环科技有限公司"], [], 0)


def test_rename_needs_the_same_province_and_type():
    old = [ListEntry("赣州市豪鹏科技有限公司", "江西省", "再生利用", 2)]
    moved = [ListEntry("赣州市豪鹏新能源科技有限公司", "广东省", "再生利用", 2)]
    retyped = [ListEntry("赣州市豪鹏新能源科技有限公司", "江西省", "梯次利用", 2)]
    assert not diff_entries(old, moved).changed
    assert not diff_entries(old, retyped).changed
    assert diff_entries(old, moved, rename_threshold=0.5).added == moved


def test_same_company_listed_for_both_types():
    both = [ListEntry("湖南邦普循环科技有限公司", "湖南省", "梯次利用", 2),
            ListEntry("湖南邦普循环科技有限公司", "湖南省", "再生利用", 2)]
    diff = diff_entries(both, list(reversed(both)))
    assert diff.is_empty() and diff.unchanged_count == 2
    diff = diff_entries(both, both[1:])
    assert [e.type for e in diff.removed] == ["梯次利用"] and diff.unchanged_count == 1


def test_batch_counts_only_when_both_sides_give_one():
    old = ListEntry("湖南邦普循环科技有限公司", "湖南省", "再生利用", 1)
    assert diff_entries([old], [ListEntry(old.enterprise, old.province, old.type, None)]).changed == []
    [(_, _, fields)] = diff_entries([old], [ListEntry(old.enterprise, old.province, old.type, 2)]).changed
    assert fields == ("batch",)
    assert diff_entries([old], [{"enterprise": old.enterprise, "province": "湖南省", "type": "再生利用",
                                 "batch": "1"}]).changed == []


def test_dicts_and_objects_are_entries_too():
    old = [{"enterprise": "荆门市格林美新材料有限公司", "province": "湖北省", "type": "再生利用"},
           {"enterprise": "anything", "normalized_name": "衢州华友钴新材料有限公司", "province": "浙江省",
            "type": "再生利用"}]
    new = [SimpleNamespace(enterprise="荆门市格林美新材料有限公司", province="湖北省", type="梯次利用", batch=None),
           SimpleNamespace(enterprise="衢州华友钴新材料有限公司", province="浙江省", type="再生利用", batch=None)]
    diff = diff_entries(old, new)
    assert [f for _o, _n, f in diff.changed] == [("type",)]
    assert diff.unchanged_count == 1


def test_ten_thousand_entries_with_known_changes():
    rng = random.Random(11)
    syllables = "华邦格瑞泰盛鑫源达宏远恒昌丰德润隆锦嘉晟博睿航宇天启融汇安康永信海川峰岳明辉凯"
    provinces = ["江苏省", "浙江省", "广东省", "湖南省", "湖北省", "四川省", "安徽省", "江西省"]
    names: set[str] = set()
    old: list[ListEntry] = []
    while len(old) < 10_000:
        province = rng.choice(provinces)
        name = province[:2] + "".join(rng.choice(syllables) for _ in range(4)) + "循环科技有限公司"
        if name not in names:
            names.add(name)
            old.append(ListEntry(name, province, rng.choice(["梯次利用", "再生利用"]), rng.randint(1, 5)))
    new = list(old)
    for n in range(100):  # renames: one character of the core corrected
        e = new[n]
        k = 3
        other = rng.choice(syllables.replace(e.enterprise[k], ""))
        new[n] = ListEntry(e.enterprise[:k] + other + e.enterprise[k + 1 :], e.province, e.type, e.batch)
    for n in range(100, 130):  # province corrections
        e = new[n]
        new[n] = ListEntry(e.enterprise, rng.choice([p for p in provinces if p != e.province]), e.type, e.batch)
    del new[130:330]
    diff = diff_entries(old, new)
    assert len(diff.removed) == 200 and not diff.added
    assert len(diff.renamed) == 100
    assert len(diff.changed) == 130
    assert diff.unchanged_count == 10_000 - 330


@pytest.mark.parametrize("fmt", ["text", "json", "html"], ids=["text", "json", "html"])
def test_render_entity_diff(fmt):
    old = BATCH1[:3]
    new = [*replace(old, 1, enterprise="赣州市豪鹏新能源科技有限公司")[:2],
           ListEntry("<script>alert(1)</script> R&D有限公司", "安徽省", "再生利用", 6)]
    rendered = render_entity_diff(diff_entries(old, new), fmt)
    if fmt == "html":
        assert "<script>" not in rendered and "&lt;script&gt;" in rendered
        assert "R&amp;D" in rendered and "R&D" not in rendered
        assert "<ins" in rendered and "<del" in rendered
    elif fmt == "json":
        json.dumps(rendered, ensure_ascii=False)
        assert rendered["schema"] == "regwatch.entitydiff/1"
        assert rendered["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 1}
        assert rendered["changed"][0]["fields"] == ["enterprise"]
        assert rendered["removed"][0]["enterprise"] == "荆门市格林美新材料有限公司"
    else:
        assert "新增 added (1):" in rendered and "删除 removed (1):" in rendered
        assert "赣州市豪鹏科技有限公司 → 赣州市豪鹏新能源科技有限公司" in rendered
        assert rendered.endswith("未变 unchanged: 1")
