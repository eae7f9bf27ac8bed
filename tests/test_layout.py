"""Who may import whom (DESIGN §2): checked on the source, so a shortcut across layers fails here."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from replica import DEMO_PACKAGES, missing_demo_packages

ROOT = Path(__file__).resolve().parent.parent

# package -> our packages it must never import
FORBIDDEN = {
    "options": ("regwatch", "crawler", "notifier", "storage", "diff", "replica"),
    "diff": ("regwatch", "crawler", "notifier", "storage", "replica"),
    "storage": ("regwatch", "crawler", "notifier", "replica"),
    "crawler": ("regwatch", "notifier", "replica"),
    "notifier": ("regwatch", "crawler", "replica"),
    "replica": ("regwatch", "crawler", "notifier", "storage", "diff", "options"),
}


def _imports(path: Path) -> set[str]:
    text = path.read_text("utf-8")
    return {m.group(1) for m in re.finditer(r"^\s*(?:from|import)\s+([a-z_]+)", text, flags=re.M)}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_downward(package):
    wrong = {f"{path.relative_to(ROOT)} imports {name}"
             for path in (ROOT / package).rglob("*.py") for name in _imports(path) & set(FORBIDDEN[package])}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("module", ["regwatch/app.py", "regwatch/compare.py", "regwatch/config.py",
                                    "regwatch/crawl.py", "regwatch/demo.py"])
def test_the_library_under_the_cli_knows_nothing_of_click(module):
    assert "click" not in _imports(ROOT / module)


def test_test_doubles_live_outside_the_application_package():
    assert not (ROOT / "regwatch" / "sinks.py").exists()
    assert "aiosmtpd" not in {n for p in (ROOT / "regwatch").rglob("*.py") for n in _imports(p)}


def test_the_demo_extra_is_what_the_replica_needs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    demo = {re.split(r"[<>=!~ ]", spec)[0] for spec in project["optional-dependencies"]["demo"]}
    assert demo == set(DEMO_PACKAGES)
    assert not demo & {re.split(r"[<>=!~ ]", spec)[0] for spec in project["dependencies"]}
    assert missing_demo_packages() == []  # make test installs the extra
