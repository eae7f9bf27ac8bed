"""An announced name change (企业名称变更) renames the listed enterprise: one entry_changed,
never a removal plus an addition."""

from __future__ import annotations

import json

import pytest

from crawler.classify import classify
from crawler.extract.renames import rename_pairs
from crawler.listkind import list_kind
from storage.ingest import IngestSettings, ingest
from storage.whitelist import list_on
from tests.test_ingest import doc, whitelist_doc

NOTICE = ("关于符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名称变更的公告\n"
          "根据企业申请，经省级工业和信息化主管部门核实，同意湖南示例甲循环科技有限公司名称变更为"
          "湖南示例甲新能源科技有限公司，其余公告内容不变。现予以公告。\n工业和信息化部\n2026年11月20日")


def test_a_name_change_notice_is_classified_as_a_rename():
    title = "关于符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名称变更的公告"
    verdict = classify(title, NOTICE)
    assert verdict.category == "whitelist"
    assert list_kind(verdict, title, NOTICE).kind == "rename"


@pytest.mark.parametrize(
    ("tables", "text", "expected"),
    [
        ([], NOTICE, [("同意湖南示例甲循环科技有限公司", "湖南示例甲新能源科技有限公司")]),
        ([[["序号", "原企业名称", "变更后企业名称"], ["1", "甲示例有限公司", "乙示例有限公司"]]], "", [
            ("甲示例有限公司", "乙示例有限公司")]),
        ([], "示例丙电源有限公司更名为示例丁电源有限公司。", [("示例丙电源有限公司", "示例丁电源有限公司")]),
        ([], "本公告不涉及名称。", []),
    ],
    ids=["sentence", "table", "更名为", "none"],
)
def test_rename_pairs(tables, text, expected):
    assert rename_pairs(tables, text) == expected


def test_a_rename_is_one_change_and_the_list_on_a_date_follows_it(fresh_db):
    names = ["湖南示例甲循环科技有限公司", "湖南示例乙循环科技有限公司"]
    ingest(fresh_db, whitelist_doc("k1", "final", names, "2024-01-01"), IngestSettings())
    notice = doc(NOTICE, doc_key="k2", category="whitelist", list_kind="rename", title="企业名称变更的公告",
                 published_at="2026-11-20T10:00+08:00",
                 renames=rename_pairs([], NOTICE))
    result = ingest(fresh_db, notice, IngestSettings())
    assert not result.problems
    changes = list(fresh_db.query("select * from changes where kind like 'list.%' and document_id = ?",
                                  [result.document_id]))
    assert [c["kind"] for c in changes] == ["list.entry_changed"]
    details = json.loads(changes[0]["details"])
    assert (details["old"]["enterprise"], details["new"]["enterprise"]) == (names[0], "湖南示例甲新能源科技有限公司")
    before = {r["enterprise"] for r in list_on(fresh_db, "2026-11-19")}
    after = {r["enterprise"] for r in list_on(fresh_db, "2026-11-20")}
    assert before == set(names)
    assert after == {"湖南示例甲新能源科技有限公司", names[1]}
    assert {r["batch"] for r in list_on(fresh_db, "2026-11-20")} == {1}


def test_a_rename_of_an_unknown_enterprise_changes_nothing(fresh_db):
    ingest(fresh_db, whitelist_doc("k1", "final", ["湖南示例乙循环科技有限公司"], "2024-01-01"), IngestSettings())
    notice = doc(NOTICE, doc_key="k2", category="whitelist", list_kind="rename", title="企业名称变更的公告",
                 renames=rename_pairs([], NOTICE))
    result = ingest(fresh_db, notice, IngestSettings())
    assert result.problems and "matches 0 listed" in result.problems[0]
    assert fresh_db.execute("select count(*) from changes where kind like 'list.%' and document_id = ?",
                            [result.document_id]).fetchone()[0] == 0
