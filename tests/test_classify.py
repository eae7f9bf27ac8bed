"""Category, stage and list kind of documents, including look-alikes and headline/body conflicts."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from crawler.classify import (
    CATEGORIES,
    DEFAULT_RULES_PATH,
    STAGES,
    RulesError,
    classify,
    load_rules,
)
from crawler.listkind import list_kind

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
CASES = json.loads((FIXTURES / "classify_cases.json").read_text("utf-8"))["cases"]


def body_of(case: dict) -> str:
    return case.get("body") or (FIXTURES / case["body_file"]).read_text("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_classification_cases(case: dict) -> None:
    result = classify(case["title"], body_of(case))
    kind = list_kind(result, case["title"], body_of(case)).kind
    got = (result.category, None if result.stage == "none" else result.stage, kind, result.batch)
    assert got == (case["category"], case["stage"], case["list_kind"], case["batch"]), result.explanation


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_every_verdict_is_explained(case: dict) -> None:
    result = classify(case["title"], body_of(case))
    if result.category != "irrelevant" or "look-alike" in result.explanation:
        assert result.evidence, "the phrases that decided must be listed"
    else:
        assert "subject score" in result.explanation  # irrelevant for lack of evidence, and says so
    assert result.explanation.endswith(".") and "\n" not in result.explanation
    assert result.category in (*CATEGORIES, "irrelevant")
    assert result.stage in (*STAGES, "none")


def test_cases_cover_every_category_and_stage() -> None:
    categories = {c["category"] for c in CASES}
    stages = {c["stage"] for c in CASES}
    assert categories == {*CATEGORIES, "irrelevant"}
    assert stages == {*STAGES, None}
    assert len(CASES) >= 15


WORDINGS = [
    ("xudianchi-2019", "蓄"),
    ("dianchi-2024", ""),
]


@pytest.mark.parametrize("xu", [w[1] for w in WORDINGS], ids=[w[0] for w in WORDINGS])
def test_both_battery_wordings_are_the_white_list(xu: str) -> None:
    title = f"关于拟公告的符合《新能源汽车废旧动力{xu}电池综合利用行业规范条件》企业名单（第五批）的公示"
    body = f"现将拟公告的符合《新能源汽车废旧动力{xu}电池综合利用行业规范条件》企业名单（第五批）予以公示。"
    result = classify(title, body)
    kind = list_kind(result, title, body).kind
    assert (result.category, result.stage, kind, result.batch) == ("whitelist", "公示", "proposed", 5)


def test_stage_never_comes_from_the_headline() -> None:
    title = "关于拟公告的符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）的公示"
    result = classify(title, "附件：企业名单（第六批）")
    assert result.category == "whitelist"
    assert result.stage == "none"
    assert list_kind(result, title, "附件：企业名单（第六批）").kind is None


def test_column_hint_only_when_the_body_is_silent() -> None:
    title = "符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）"
    silent = classify(title, "附件：企业名单", column="文件公示")
    assert (silent.stage, list_kind(silent, title, "附件：企业名单").kind) == ("公示", "proposed")
    assert "column" in silent.explanation
    spoken = classify(title, "现将…企业名单（第六批）予以公告。", column="文件公示")
    assert (spoken.stage, list_kind(spoken, title, "现将…企业名单（第六批）予以公告。").kind) == ("公告", "final")


def test_attachment_text_brings_the_subject() -> None:
    title = "关于公布企业名单（第六批）的公告"
    body = "现将符合规范条件的企业名单（第六批）予以公告。"
    assert classify(title, body).category == "irrelevant"
    table = "序号\t省份\t企业名称\t类型\n1\t浙江省\t甲有限公司\t梯次利用"
    attached = classify(title, body,
                        attachment_text=f"符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第六批）\n{table}")
    assert attached.category == "whitelist"


# --------------------------------------------------------------------------- rules as data

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, "utf-8")
    return path


def test_packaged_rules_load_and_are_valid_toml() -> None:
    raw = tomllib.loads(DEFAULT_RULES_PATH.read_text("utf-8"))
    rules = load_rules()
    assert set(rules.categories) == set(raw["categories"]) == set(CATEGORIES)
    assert set(rules.stages) == set(STAGES)


def test_override_adds_a_lookalike(tmp_path: Path) -> None:
    title = "符合《新能源汽车废旧动力电池综合利用行业规范条件》示范企业（第一批）名单公示"
    body = "现将拟公告的符合《新能源汽车废旧动力电池综合利用行业规范条件》企业名单（第一批）予以公示。"
    assert classify(title, body).category == "whitelist"
    rules = load_rules(write(tmp_path, '[lookalikes.phrases]\n"示范企业" = 1\n'))
    result = classify(title, body, rules=rules)
    assert result.category == "irrelevant"
    assert "示范企业" in result.explanation


def test_override_weight_zero_removes_a_phrase(tmp_path: Path) -> None:
    title = "关于公布符合《锂离子电池行业规范条件》企业名单（第八批）的公告"
    body = "现将符合《锂离子电池行业规范条件》企业名单（第八批）予以公告。新能源汽车废旧动力电池综合利用。"
    assert "锂离子电池行业规范条件" in classify(title, body).explanation
    rules = load_rules(write(tmp_path, '[lookalikes.phrases]\n"锂离子电池行业规范条件" = 0\n'))
    assert "锂离子电池行业规范条件" not in classify(title, body, rules=rules).explanation


def test_override_keeps_the_rest(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, '[categories.penalty.phrases]\n"责令改正" = 2\n'))
    assert rules.categories["penalty"].positive.phrases["责令改正"] == 2
    assert rules.categories["penalty"].positive.phrases["裁量基准"] == 5
    assert rules.categories["whitelist"].min_score == load_rules().categories["whitelist"].min_score


INVALID = [
    ("unknown-top-key", 'titel_factor = 3\n',
     "[top level]: unknown key 'titel_factor'; allowed keys: attachment_factor, categories, column_hints"),
    ("unknown-category-key", '[categories.whitelist]\nthreshold = 3\n',
     "[categories.whitelist]: unknown key 'threshold'; allowed keys: min_score, negative, patterns, phrases"),
    ("unknown-category", '[categories.recall]\nmin_score = 1\n',
     "unknown category 'recall' in [categories]; allowed categories: whitelist, criteria, inspection, penalty"),
    ("unknown-stage", '[stages."草案".phrases]\n"草案" = 1\n',
     "unknown stage '草案' in [stages]; allowed stages: 公示, 公告"),
    ("stage-hint", '[column_hints]\n"wjgs" = "proposed"\n', "unknown stage 'proposed'"),
    ("weight-not-a-number", '[subject.phrases]\n"动力电池" = "high"\n', "must be a number"),
    ("bad-regex", "[categories.penalty.patterns]\n'处罚(' = 1\n", "does not compile"),
    ("not-toml", "[subject\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_rules_are_refused_clearly(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        load_rules(write(tmp_path, text))
    assert message in str(info.value)


def test_missing_override_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"absent\.toml: cannot read"):
        load_rules(tmp_path / "absent.toml")
