"""The source definitions shipped commented out in crawler/sources.d/, and the validation every
source definition goes through (unknown keys, selectors that do not parse)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from crawler.sources import SourceError, load_sources
from regwatch.config import load_config

SOURCES_D = Path(__file__).resolve().parent.parent / "crawler" / "sources.d"
SHIPPED = {"mee": "MEE", "gd_gxt": "GD-GXT", "jx_gxt": "JX-GXT", "hn_gxt": "HN-GXT",
           "gd_amr": "GD-AMR", "jx_amr": "JX-AMR", "hn_amr": "HN-AMR"}


def uncommented(path: Path) -> str:
    """What a user gets by removing the leading '# ' (notes, '##', stay comments)."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("##"):
            out.append("")
        elif line.startswith("# ") or line == "#":
            out.append(line[2:])
        else:
            out.append(line)
    return "\n".join(out)


def shipped_definitions() -> dict[str, dict]:
    defs: dict[str, dict] = {}
    for path in sorted(SOURCES_D.glob("*.toml")):
        defs.update(tomllib.loads(uncommented(path))["sources"])
    return defs


def test_shipped_definitions_are_commented_out():
    assert set(load_sources()) == {"miit", "samr"}


def test_every_shipped_definition_is_valid_unverified_and_says_where_it_came_from():
    defs = shipped_definitions()
    assert {k: v["authority"] for k, v in defs.items()} == SHIPPED
    sources = load_sources(defs)
    for source_id in SHIPPED:
        source = sources[source_id]
        assert source.platform == "page" and source.unverified, source_id
        assert source.base_url.startswith(("http://", "https://")) and "." in source.base_host
    for path in SOURCES_D.glob("*.toml"):
        text = path.read_text("utf-8")
        blocks = re.findall(r"^# \[sources\.\w+\]$", text, re.M)
        assert blocks and text.count("Evidence") >= len(blocks), path.name  # one note per block
        assert "UNVERIFIED" in text


def test_a_block_pastes_into_regwatch_toml(tmp_path):
    block = next(p for p in SOURCES_D.glob("provincial_industry.toml"))
    config = tmp_path / "regwatch.toml"
    config.write_text(uncommented(block), "utf-8")
    loaded = load_config(config, environ={})
    assert {"gd_gxt", "jx_gxt", "hn_gxt"} <= set(loaded.sources)
    assert load_sources(loaded.sources)["hn_gxt"].listing["row"] == ".tyl-main-right-list tbody > tr"


@pytest.mark.parametrize(("change", "message"), [
    ({"listing": {"row": "li", "rows_per_page": 3}},
     "unknown key 'rows_per_page'; allowed keys: date, first_page_number, link"),
    ({"listing": {"row": "xpath://li[", "link": "a"}}, "not valid XPath"),
    ({"listing": {"row": "li:::x"}}, "does not parse as CSS"),
    ({"columns": [{"name": "x", "path": "/", "watch": "all"}]}, "'all' is not one of: listing, page"),
    ({"listing": {"row": "li", "page_url": "index.html"}}, "must contain {n}"),
    ({"platform": "wordpress"}, "'wordpress' is not one of: hanweb, page"),
], ids=["unknown-key", "bad-xpath", "bad-css", "bad-watch", "page-url", "platform"])
def test_a_bad_definition_fails_at_load_naming_the_key(change, message):
    base = dict(shipped_definitions()["hn_gxt"])
    base.update(change)
    with pytest.raises(SourceError, match=message.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")):
        load_sources({"x": base})


def test_scrapy_lists_each_enabled_source_once():
    """`scrapy list` as Scrapy users run it: one spider per source, no duplicate-name warning."""
    import subprocess
    import sys

    root = SOURCES_D.parent.parent
    done = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["miit", "samr"]
    assert "several spiders" not in done.stderr
