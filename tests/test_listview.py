"""The list on a day as verification reads it: a 公示 name left out of its 公告 is dropped, one the
公告 corrected by a character or two is renamed (and listed), a revoked entry is revoked."""

from __future__ import annotations

from diff.names import normalize_name
from regwatch.verify import Verifier
from storage.listview import load_list_view


def _entry(db, name, stage, document, valid_from, valid_to=None, ended_by=None, reason=None, province="四川省"):
    db["list_entries"].insert({"enterprise": name, "normalized_name": normalize_name(name), "province": province,
                               "type": "梯次利用", "batch": 6, "stage": stage, "document_id": document,
                               "valid_from": valid_from, "valid_to": valid_to, "ended_by_document_id": ended_by,
                               "end_reason": reason})


DROPPED, TYPO, FIXED, REVOKED = ("宜宾示例晟达电源科技有限公司", "贵阳示例新程资源循环利用有线公司",
                                 "贵阳示例新程资源循环利用有限公司", "西宁示例新程能源科技有限公司")


def test_dropped_corrected_and_revoked(fresh_db):
    for doc_id, title in ((1, "公示"), (2, "公告"), (3, "撤销")):
        fresh_db["documents"].insert({"id": doc_id, "doc_key": f"d{doc_id}", "title": title, "category": "whitelist",
                                      "doc_number": f"N{doc_id}", "canonical_url": f"https://example.invalid/{doc_id}"})
    closed = {"valid_to": "2026-10-30", "ended_by": 2, "reason": "final list published"}
    _entry(fresh_db, DROPPED, "公示", 1, "2026-10-09", **closed)
    _entry(fresh_db, TYPO, "公示", 1, "2026-10-09", **closed, province="贵州省")
    _entry(fresh_db, REVOKED, "公示", 1, "2026-10-09", **closed, province="青海省")
    _entry(fresh_db, FIXED, "公告", 2, "2026-10-30", province="贵州省")
    _entry(fresh_db, REVOKED, "公告", 2, "2026-10-30", "2026-11-13", 3, "revoked", "青海省")
    view = load_list_view(fresh_db, "2026-12-01")
    assert [r["enterprise"] for r in view.dropped] == [DROPPED]
    assert [r["enterprise"] for r in view.revoked] == [REVOKED]
    assert view.renamed[normalize_name(TYPO)]["enterprise"] == FIXED
    verifier = Verifier(view)
    statuses = {n: verifier.verify(n)["status"] for n in (DROPPED, TYPO,
                                                         REVOKED)}
    assert statuses == {DROPPED: "dropped", TYPO: "listed",
                        REVOKED: "revoked"}
    before = load_list_view(fresh_db, "2026-10-20")
    assert {r["enterprise"] for r in before.proposed} == {DROPPED, TYPO,
                                                          REVOKED}
    assert not before.dropped and not before.listed
