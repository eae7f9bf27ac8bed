"""The change-kind registry and the vocabularies: every kind is complete and renders everywhere,
a half-declared kind fails at once, and the writer takes each kind's severity."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any, ClassVar

import pytest

from notifier.render import Rendering
from storage.changes import record_change
from storage.db import open_db
from storage.kinds import ChangeKind, Details, UnknownKind, headline, kind_of, sample, stored_kinds
from storage.kinds.lists import EntryDetails, EntryRemoved
from storage.routing import DEFAULT_ROUTES, RouteFilter
from storage.vocab import CONTENT_CATEGORIES, Category, Health, Severity, Stage, Vocab

KINDS = sorted(ChangeKind.registry)
ROOT = Path(__file__).resolve().parents[1]


def test_the_registry_holds_every_kind_of_design_section_5():
    assert {"document.new", "document.edited", "document.withdrawn", "document.flapping", "list.proposed",
            "list.entry_added", "list.entry_removed", "list.entry_changed", "criteria.changed",
            "source.health", "outbox.dead", "test"} <= set(KINDS)
    assert "test" not in stored_kinds()


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_is_complete(name):
    kind = kind_of(name)
    assert kind.zh and not kind.zh.isascii(), "a Chinese display name"
    # English, keeping the procedure's own terms as issue 9 names them ("dropped after 公示")
    assert kind.en and kind.en.replace("公示", "").replace("公告", "").isascii(), "an English display name"
    assert kind.details_type is not Details, "typed details of its own"
    change = sample(name)
    assert change["kind"] == name
    assert Severity(change["severity"]) is kind.severity(change)
    zh, en = headline(change)
    # the gloss is English up to the figures or names it quotes ("…2 clauses: 杂质铝 1.5%→1%")
    assert zh.startswith("【") and en and en.split(":")[0].replace("公示", "").isascii()


@pytest.mark.parametrize("name", KINDS)
def test_details_round_trip_and_declare_every_sample_field(name):
    kind = kind_of(name)
    raw = sample(name)["details"]
    details = kind.details_type.from_dict(raw)
    assert details.extra == {}, f"{name}: sample details not declared: {sorted(details.extra)}"
    assert details.to_dict() == {k: v for k, v in raw.items() if v is not None}
    assert kind.details_type.from_dict(json.loads(json.dumps(details.to_dict()))) == details
    declared = {f.name for f in fields(details)} - {"extra"}
    assert declared >= set(raw)


def test_undeclared_keys_of_old_payloads_are_kept():
    details = EntryDetails.from_dict({"enterprise": "甲公司", "normalized_name": "甲"})
    assert details.enterprise == "甲公司" and details.to_dict() == {"enterprise": "甲公司", "normalized_name": "甲"}
    with pytest.raises(TypeError):
        EntryDetails.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_renders_in_every_format(name):
    change = {**sample(name), "id": 7}
    rendering = Rendering.for_change(change)
    zh, en = rendering.headline
    assert (zh, en) == headline(change)
    assert zh in rendering.text and en in rendering.text
    assert "<!DOCTYPE html>" in rendering.html and rendering.html.count("<h2") == 1
    blocks = rendering.slack_blocks
    assert blocks[0]["type"] == "header" and len(blocks) <= 50
    assert rendering.markdown.startswith("### ") and len(rendering.markdown_within(4000).encode()) <= 4000
    doc = json.loads(rendering.json_bytes("rw-kinds", "compliance"))
    assert doc["alerts"][0]["headline"] == {"zh": zh, "en": en}
    assert doc["alerts"][0]["severity"] == change["severity"]


def test_a_kind_without_a_headline_fails_at_class_creation():
    before = dict(ChangeKind.registry)
    with pytest.raises(TypeError, match="headline"):
        class Forgotten(ChangeKind):
            kind = "document.forgotten"
            zh, en = "遗漏", "forgotten"
            sample: ClassVar[dict[str, Any]] = {"details": {}}
    with pytest.raises(TypeError, match="declared twice"):
        class Again(ChangeKind):
            kind = "document.new"
            zh, en = "新文件", "new document"
            sample: ClassVar[dict[str, Any]] = {"details": {}}

            @classmethod
            def headline(cls, change, details):
                return "【】", "again"
    assert ChangeKind.registry == before


def test_an_unknown_kind_fails_loudly():
    with pytest.raises(UnknownKind):
        headline({"kind": "document.renamed", "summary": "x"})
    with pytest.raises(UnknownKind):
        Rendering.for_change({"kind": "document.renamed", "summary": "x"})


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "kinds.db")
    yield db
    db.close()


def _stored_severity(db, change):
    change_id = record_change(db, change, DEFAULT_ROUTES)
    return db["changes"].get(change_id)["severity"]


@pytest.mark.parametrize(("kind", "extra", "expected"), [
    ("list.entry_removed", {"stage": Stage.FINAL.value}, "critical"),  # dropped from a final list or revoked
    ("list.entry_removed", {"stage": Stage.PROPOSED.value}, "warning"),  # dropped from a 公示
    ("criteria.changed", {"stage": Stage.FINAL.value}, "critical"),
    ("criteria.changed", {"stage": Stage.DRAFT.value}, "warning"),
    ("list.proposed", {}, "warning"),
    ("list.entry_added", {}, "info"),
    ("document.new", {}, "info"),
    ("source.health", {"details": {"state": "blocked", "previous": "ok"}}, "critical"),
    ("source.health", {"details": {"state": "broken", "previous": "ok"}}, "critical"),
    ("source.health", {"details": {"state": "degraded", "previous": "ok"}}, "warning"),
    ("source.health", {"details": {"state": "ok", "previous": "broken"}}, "info"),
])
def test_the_writer_takes_the_severity_from_the_kind(db, kind, extra, expected):
    change = {k: v for k, v in sample(kind, **extra).items() if k != "severity"}
    assert _stored_severity(db, change) == expected


def test_a_given_severity_is_kept_and_unknown_or_unstored_kinds_are_refused(db):
    assert _stored_severity(db, {**sample("list.entry_added"), "severity": "critical"}) == "critical"
    with pytest.raises(UnknownKind):
        record_change(db, {"kind": "list.entry_renamed", "summary": "x"})
    with pytest.raises(UnknownKind):
        record_change(db, sample("test"))
    with pytest.raises(TypeError):
        record_change(db, {**sample("list.entry_added"), "details": "not a mapping"})
    assert db["changes"].count == 1


def test_typed_details_are_stored_as_their_json(db):
    details = EntryDetails(batch=3, enterprise="甲公司", province="广东省", type="梯次利用", reason="revoked")
    change_id = record_change(db, {"kind": EntryRemoved.kind, "summary": "撤销：甲公司", "stage": "公告",
                                   "category": "whitelist", "details": details})
    row = db["changes"].get(change_id)
    assert json.loads(row["details"]) == details.to_dict() and row["severity"] == "critical"
    with pytest.raises(TypeError):
        record_change(db, {"kind": "list.proposed", "summary": "x", "details": details})


def test_bundles_are_headed_by_the_lowest_lead_rank():
    alerts = [sample("list.entry_added"), sample("list.entry_removed"), sample("list.proposed")]
    rendering = Rendering.for_bundle([Rendering.for_change(a).alerts[0] for a in alerts])
    assert rendering.headline[0].startswith(headline(alerts[2])[0])


@pytest.mark.parametrize("vocab", [Category, Stage, Severity, Health])
def test_every_vocabulary_value_has_display_names(vocab: type[Vocab]):
    assert len(set(vocab.values())) == len(vocab)
    for member in vocab:
        assert member.zh and member.en.isascii() and member.label == f"{member.zh} / {member.en}"


def test_routes_default_to_the_content_categories():
    assert RouteFilter(name="r", channels=("log",)).categories == CONTENT_CATEGORIES
    assert Category.IRRELEVANT not in CONTENT_CATEGORIES


def test_no_module_outside_the_vocabulary_spells_the_category_list():
    """A second copy of the list is what made adding a category a hunt through seven files."""
    spelled = '"inspection", "penalty"'
    offenders = [str(p.relative_to(ROOT)) for folder in ("crawler", "storage", "notifier", "regwatch", "diff")
                 for p in (ROOT / folder).rglob("*.py")
                 if p.name != "vocab.py" and spelled in p.read_text(encoding="utf-8")]
    assert offenders == []
