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
