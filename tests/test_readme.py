"""Run the docs: every TOML example in README.md loads, with its ${ENV} secrets supplied."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from regwatch.config import load_config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README, re.S)


def test_readme_has_config_examples():
    assert len(TOML_BLOCKS) >= 3


@pytest.mark.parametrize("block", TOML_BLOCKS, ids=lambda b: b.split("\n", 1)[0])
def test_readme_toml_example_loads(block, tmp_path):
    names = set(re.findall(r"\$\{([A-Z_]+)", block))
    env = {name: f"https://hooks.example.invalid/{name.lower()}" for name in names}
    if block.lstrip().startswith("[lookalikes") or block.lstrip().startswith("[categories"):
        from crawler.classify import load_rules

        rules = tmp_path / "rules.toml"
        rules.write_text(block, "utf-8")
        load_rules(rules)
        return
    path = tmp_path / "regwatch.toml"
    path.write_text(block, "utf-8")
    config = load_config(path, environ=env)
    notifier = config.notifier()
    if "[routes." in block:
        assert notifier.route_filters()


def test_every_reliability_guarantee_names_a_test_that_exists():
    import ast

    section = README.split("## Reliability", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/test_\w+\.py)(?:::(\w+))?`", section)
    assert len(named) >= 15
    root = Path(__file__).resolve().parent.parent
    for path, test in named:
        source = (root / path).read_text("utf-8")
        if test:
            functions = {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)}
            assert test in functions, f"{path}::{test} is named in README's Reliability section but does not exist"


def test_every_cap_is_documented():
    from crawler.extract import limits

    caps = [name for name in dir(limits) if name.isupper() and (name.startswith("MAX_") or name.startswith("PARSE_"))]
    section = README.split("## Reliability", 1)[1]
    assert caps and not [c for c in caps if f"`{c}`" not in section]
