"""Honest dates: a 公示 whose attachment is edited in place, and found later, does not backdate
the edit to the publication day; `list --as-of` says which dates are observations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from diff.entities import ListEntry
from regwatch.cli import cli
from storage.db import open_db
from storage.ingest import IngestSettings, ingest
from storage.model import IncomingDocument
from tests.test_ingest import doc

PUBLISHED = "2020-05-06"
BEFORE = ["湖南示例一号循环科技有限公司", "湖南示例二号循环科技有限公司"]
AFTER = ["湖南示例一号循环科技有限公司", "湖南示例三号再生资源有限公司"]


def proposal(names: list[str]) -> IncomingDocument:
    """The 公示 as read: its attachment's text is its names, so an edit is a new version."""
    return doc("公示名单：" + "、".join(names), doc_key="gs", category="whitelist", stage="公示",
               list_kind="proposed", batch=7, entries=[ListEntry(n, "湖南省", "再生利用") for n in names],
               published_at=f"{PUBLISHED}T10:00+08:00", title="拟公告企业名单（第七批）的公示")


def listed(database: str, day: str) -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["--db", database, "list", "--proposed", "--as-of", day, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {row["enterprise"]: row for row in json.loads(result.output)}


def test_an_in_place_edit_is_dated_when_observed_with_the_publication_beside_it(tmp_path):
    database = str(tmp_path / "regwatch.db")
    db = open_db(database)
    ingest(db, proposal(BEFORE), IngestSettings())
    assert ingest(db, proposal(AFTER), IngestSettings()).new_version
    db.close()
    observed = (datetime.now(UTC) + timedelta(hours=8)).date().isoformat()

    week_after = listed(database, "2020-05-13")
    assert set(week_after) == set(BEFORE), "the edit is not backdated to the publication"
    assert week_after[BEFORE[1]]["dated_by"] == "published"

    now = listed(database, observed)
    assert set(now) == set(AFTER)
    added = now[AFTER[1]]
    assert (added["valid_from"], added["dated_by"], added["published_on"]) == (observed, "observed", PUBLISHED)
    assert added["observed_at"]

    table = CliRunner().invoke(cli, ["--db", database, "list", "--proposed", "--as-of", observed])
    assert "observed" in table.output and "published" in table.output
