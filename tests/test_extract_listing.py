"""Listing rows and pagination of build/unit fragments, read with the sources' listing selectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract.listing import extract_listing_rows, pagination_info
from crawler.sources import load_sources

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SOURCES = load_sources()


LISTINGS = json.loads((FIXTURES / "listing_fragments.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", LISTINGS, ids=[c["id"] for c in LISTINGS])
def test_listing_rows(case: dict) -> None:
    rows = extract_listing_rows(case["html"], case["base_url"], case["selectors"])
    assert [list(r) for r in rows] == case["rows"]


@pytest.mark.parametrize("case", LISTINGS, ids=[c["id"] for c in LISTINGS])
def test_pagination_info(case: dict) -> None:
    assert list(pagination_info(case["html"])) == case["pagination"]


def test_listing_title_attribute_beats_truncated_text() -> None:
    case = LISTINGS[0]
    rows = extract_listing_rows(case["html"], case["base_url"], case["selectors"])
    assert not rows[0].title.endswith("...")


def test_no_pagination_and_no_rows() -> None:
    assert pagination_info("<ul><li>无</li></ul>") is None
    assert pagination_info("") is None
    assert extract_listing_rows("", "https://www.miit.gov.cn/", SOURCES["miit"].listing) == []
    assert extract_listing_rows("<div>改版后的页面</div>", "https://www.miit.gov.cn/", {"row": "li.cf"}) == []
