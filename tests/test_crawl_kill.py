"""A crawl killed with SIGKILL in the middle of a batch loses nothing: what was committed is whole,
the open batch is simply gone, and the next crawls fetch those documents again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from regwatch.crawl import crawl_settings
from replica.testing import ReplicaProcess
from tests.conftest import Watcher


def _count(db_path, sql: str) -> int:
    if not db_path.exists():
        return 0
    con = sqlite3.connect(db_path, timeout=30)
    try:
        return int(con.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def test_sigkill_mid_batch_loses_nothing(tmp_path):
    with ReplicaProcess().start(scale=40) as site:
        (tmp_path / "reference").mkdir()
        reference = Watcher(site, tmp_path / "reference")
        reference.crawl(full=True)
        db_ref = reference.db()
        expected = db_ref.execute("select count(*) from documents").fetchone()[0]
        db_ref.close()

        (tmp_path / "killed").mkdir()
        watcher = Watcher(site, tmp_path / "killed")
        settings = crawl_settings(watcher.config, full=True, polite=False)
        settings.update({"ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "REGWATCH_BATCH_DOCUMENTS": 20,
                         "REGWATCH_BATCH_SECONDS": 30})
        proc = subprocess.Popen([sys.executable, "-m", "crawler.run", json.dumps(settings), "miit", "samr"],
                                env={**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        db_path = tmp_path / "killed" / "regwatch.db"
        deadline = time.monotonic() + 120
        while _count(db_path, "select count(*) from documents") < 20 and time.monotonic() < deadline:
            assert proc.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        committed = _count(db_path, "select count(*) from documents")
        assert 0 < committed < expected

        db = watcher.db()
        try:
            assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
            assert db.execute("select count(*) from documents where current_version_id is null").fetchone()[0] == 0
            orphans = db.execute("select count(*) from versions v left join documents d on d.id = v.document_id "
                                 "where d.id is null").fetchone()[0]
            assert orphans == 0
            for (sha,) in db.execute("select raw_sha256 from versions"):
                blob = tmp_path / "killed" / "blobs" / sha[:2] / sha
                assert blob.exists(), "a committed version refers to evidence that was never written"
        finally:
            db.close()

        # Ordinary (not --full) crawls pick up what the killed one lost: the newest pages at once,
        # the rest as history over the next runs, until every listing is read to its end.
        counts = []
        for _ in range(4):
            watcher.crawl()
            db = watcher.db()
            try:
                counts.append(db.execute("select count(*) from documents").fetchone()[0])
                complete = db.execute("select min(complete) from listing_progress").fetchone()[0]
            finally:
                db.close()
            if complete:
                break
        assert counts[-1] == expected, counts
