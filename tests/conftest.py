"""Shared fixtures: a fresh database, a blob store, and the replica sites in a subprocess."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.blobs import BlobStore
from storage.db import open_db

os.environ.setdefault("REGWATCH_CACHE_DIR", str(Path(__file__).resolve().parent.parent / ".cache"))


@pytest.fixture
def fresh_db(tmp_path: Path):
    db = open_db(tmp_path / "regwatch.db")
    yield db
    db.close()


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


@pytest.fixture(scope="session")
def replica_server() -> Iterator:
    """One replica process for the whole session; tests reset it with `reset()`."""
    from replica.testing import ReplicaProcess

    proc = ReplicaProcess().start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def replica(replica_server):
    """The session's replica, set back to state 0 with every fault off."""
    replica_server.reset()
    return replica_server


class Watcher:
    """regwatch pointed at the replica with its own database: crawl, then look at what it stored."""

    def __init__(self, replica, workdir: Path, extra_config: str = "") -> None:
        from regwatch.config import load_config

        self.replica = replica
        self.workdir = workdir
        config_path = workdir / "regwatch.toml"
        config_path.write_text(extra_config, "utf-8")
        env = {
            "REGWATCH_MIIT_BASE_URL": replica.miit,
            "REGWATCH_SAMR_BASE_URL": replica.samr,
            "REGWATCH_DB": str(workdir / "regwatch.db"),
            "REGWATCH_BLOBS": str(workdir / "blobs"),
        }
        self.config = load_config(config_path, environ={**os.environ, **env})

    def crawl(self, *sources: str, full: bool = False, **extra):
        from regwatch.crawl import run_crawl

        settings = {"ROBOTSTXT_OBEY": True, "RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 10, **extra}
        outcome = run_crawl(self.config, list(sources) or None, full=full, polite=False, extra=settings,
                            timeout=240)
        assert outcome.statuses, f"the crawl process failed:\n{outcome.log[-3000:]}"
        return outcome

    def db(self):
        return open_db(self.config.database)

    def changes_since(self, last_id: int) -> list[dict]:
        db = self.db()
        try:
            return [dict(r) for r in db.query(
                "select c.*, d.art_id from changes c left join documents d on d.id = c.document_id "
                "where c.id > ? order by c.id", [last_id])]
        finally:
            db.close()

    def last_change_id(self) -> int:
        db = self.db()
        try:
            return db.execute("select coalesce(max(id), 0) from changes").fetchone()[0]
        finally:
            db.close()


@pytest.fixture
def watcher(replica, tmp_path) -> Watcher:
    return Watcher(replica, tmp_path)


@pytest.fixture(scope="module")
def crawled(replica_server, tmp_path_factory) -> Watcher:
    """A database that crawled the history (state 0) and then the timeline's last state (5), once per
    test module, for the commands that read it."""
    replica_server.reset()
    watcher = Watcher(replica_server, tmp_path_factory.mktemp("crawled"))
    watcher.crawl()
    replica_server.set_state(5)
    watcher.crawl()
    replica_server.reset()
    return watcher


# Fixtures that crawl the replica through Scrapy: a test using one is slow, and `make test-fast`
# (-m "not integration") skips it. Tests that crawl some other way carry the marker themselves.
CRAWLING_FIXTURES = frozenset({"watcher", "crawled", "demo_run"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if CRAWLING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """`regwatch demo --save-messages` once per session: its output, its folder of captured
    messages (as the loopback mail and chat receivers got them) and its database."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "regwatch.cli", "demo", "--workdir", str(root / "work"),
                           "--save-messages", str(root / "messages")], capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, root / "messages", root / "work" / "regwatch.db"
