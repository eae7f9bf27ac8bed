"""`regwatch serve`: read-only, sees rows written while it runs, live Atom, stops with its process."""

from __future__ import annotations

import hashlib
import socket
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from storage.changes import record_change
from storage.db import open_db
from storage.kinds import sample
from tests.browser import ServeProcess


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def fingerprint(path) -> str:
    """The database and its write-ahead log (the -shm index changes on reads too, so it is left out)."""
    wal = path.with_name(path.name + "-wal")
    return hashlib.sha256(path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")).hexdigest()


@pytest.mark.integration
def test_serve_sees_new_rows_never_writes_and_stops(tmp_path):
    path = tmp_path / "regwatch.db"
    open_db(path).close()
    server = ServeProcess(str(path), str(tmp_path / "blobs")).start()
    try:
        assert "没有变更" in get(f"{server.base}/-/regwatch/changes")
        before = fingerprint(path)
        get(f"{server.base}/-/regwatch/list")
        get(f"{server.base}/-/regwatch/search?q=%E5%90%8D%E5%8D%95")
        assert fingerprint(path) == before, "Datasette wrote to the database"
        db = open_db(path)
        change = sample("list.entry_removed", summary="第6批名单删除：<script>alert(1)</script>示例有限公司")
        change_id = record_change(db, change)
        db.close()
        page = get(f"{server.base}/-/regwatch/changes")
        assert f"/-/regwatch/change/{change_id}" in page, "a row written while serving is shown"
        detail = get(f"{server.base}/-/regwatch/change/{change_id}")
        assert "<script>alert(1)</script>" not in detail and "&lt;script&gt;" in detail
        feed = ET.fromstring(get(f"{server.base}/-/regwatch/feed/all.atom").encode())
        assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
        severity = change.get("severity") or "info"
        assert ET.fromstring(get(f"{server.base}/-/regwatch/feed/severity/{severity}.atom").encode()) is not None
    finally:
        server.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0, "nothing listens once serve is stopped"
