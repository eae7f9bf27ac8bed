"""`make screenshots`: every page of the web UI at 1280 px, over a database crawled from the
replica's timeline, saved under docs/screenshots/ so that anyone can look without running anything."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from replica.testing import ReplicaProcess
from tests.browser import ServeProcess, crawl_timeline, start_chromium
from tests.conftest import Watcher

PAGES = [
    ("list", "/-/regwatch/list"),
    ("list-as-of", "/-/regwatch/list?as_of=2019-01-01"),
    ("changes", "/-/regwatch/changes"),
    ("change-final-list", "/-/regwatch/change/{final}"),
    ("change-criteria", "/-/regwatch/change/{criteria}"),
    ("enterprise", "/-/regwatch/enterprise?name=" + quote("西宁示例拓源循环科技有限公司")),
    ("sources", "/-/regwatch/sources"),
    ("search", "/-/regwatch/search?q=" + quote("杂质铝含量")),
    ("datasette-changes-flat", "/regwatch/changes_flat"),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, ReplicaProcess() as replica:
        watcher = Watcher(replica, Path(tmp))
        crawl_timeline(watcher)
        db = watcher.db()
        ids = {"final": next(db.query("select min(id) id from changes where kind = 'list.entry_removed'"))["id"],
               "criteria": next(db.query("select min(id) id from changes where kind = 'criteria.changed'"))["id"]}
        db.close()
        with ServeProcess(watcher.config.database, watcher.config.blobs) as server:
            driver = start_chromium(Path(tmp) / "profile")
            try:
                for name, path in PAGES:
                    driver.set_window_size(1280, 900)
                    driver.get(server.base + path.format(**ids))
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.set_window_size(1280, min(max(height + 120, 600), 4000))
                    driver.save_screenshot(str(out / f"{name}.png"))
                    print(f"{out / name}.png")
            finally:
                driver.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
