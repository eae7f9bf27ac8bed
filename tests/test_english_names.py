"""Suppliers held by English names: the shared file of real and rendered English names, and
generated forms in its styles, verified against the replica's list (every enterprise listed)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from diff.english import is_pinyin, parse_english
from diff.names import normalize_name
from regwatch.verify import Verifier
from storage.listview import ListView

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "english_names"
ENTERPRISES = Path(__file__).resolve().parent.parent / "replica" / "data" / "enterprises.csv"


def read_shared() -> list[dict[str, str]]:
    """The shared file as published: three rows carry an unquoted comma inside the English name
    (`Co.,Ltd.`), so the name is every field between the first and the last two."""
    with (FIXTURES / "enterprise_english_names.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [{"name_zh": r[0], "name_en": ",".join(r[1:-2]), "kind": r[-2], "source": r[-1]} for r in rows[1:]]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SHARED = read_shared()
GENERATED = read_csv(FIXTURES / "generated_english_names.csv")
# What each row of the shared file must come out as: a real brand is never certain.
SHARED_STATUS = {
    "GEM (Jingmen) New Materials Co.,Ltd.": "probable",
    "Hunan Brunp Recycling Technology": "probable",
    "Hunan Brunp": "probable",
    "Quzhou Huayou Cobalt New Material Co.,Ltd.": "listed",
    "Ganzhou Highpower Technology Co.,Ltd.": "probable",
    "Guangdong Guanghua Sci-Tech Co.,Ltd.": "listed",
}


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    view = ListView("2026-12-31")
    for n, row in enumerate(read_csv(ENTERPRISES), start=1):
        name = row["enterprise"]
        view.listed.append({"id": n, "enterprise": name, "normalized_name": normalize_name(name),
                            "batch": int(row["batch"]), "state": "listed", "document_id": None})
    return Verifier(view)


def test_the_shared_file_is_covered():
    assert {r["name_en"] for r in SHARED} == set(SHARED_STATUS)
    assert len(GENERATED) >= 20 + 5


@pytest.mark.parametrize("row", SHARED, ids=[r["name_en"] for r in SHARED])
def test_shared_english_names(verifier, row):
    result = verifier.verify(row["name_en"])
    assert result["matched_name"] == row["name_zh"]
    assert result["status"] == SHARED_STATUS[row["name_en"]]
    if result["status"] == "probable":
        assert result["reason"], "every probable says why it is not listed"


def test_brunp_is_a_brand_not_pinyin(verifier):
    result = verifier.verify("Hunan Brunp Recycling Technology")
    assert result["status"] == "probable" and result["matched_name"] == "湖南邦普循环科技有限公司"
    assert "Brunp is a brand" in result["reason"] and "bang pu" in result["reason"]
    assert "湖南邦普汽车循环" in result["candidates"], "the other 邦普 is shown, ranked below"


@pytest.mark.parametrize("row", GENERATED, ids=[r["name_en"] for r in GENERATED])
def test_generated_english_forms(verifier, row):
    result = verifier.verify(row["name_en"])
    assert result["status"] == row["status"], result
    assert (result["matched_name"] or "") == row["expected"]
    if row["status"] == "probable":
        assert result["reason"]


def test_parsing_places_generic_words_and_brands():
    q = parse_english("GEM (Jingmen) New Materials Co.,Ltd.")
    assert q.places == ("荆门",) and q.distinctive == ("gem",) and q.generic == ("new", "materials")
    assert parse_english("Xi'an Shili Yongxin").places == ("西安",)
    assert is_pinyin("huayou") and is_pinyin("shilituoyuan")
    assert not is_pinyin("brunp") and not is_pinyin("highpower") and not is_pinyin("gem")
