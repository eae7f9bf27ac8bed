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
