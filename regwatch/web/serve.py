"""`regwatch serve`: Datasette in this process, read-only, on localhost, with the regwatch plugin.

Datasette opens a mutable database read-only for its queries (`mode=ro`), so it sees rows that
the crawler writes while it runs, which `--immutable` would not. Stopping `serve` stops it all,
because nothing runs in a child process.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from regwatch.web.metadata import metadata

DEFAULT_PORT = 8765  # the replica's documented ports are 8001 and 8002


class ServeError(ValueError):
    """The database to serve is missing or unusable."""


def build_datasette(database: str, blobs: str) -> Any:
    from datasette.app import Datasette
    from datasette.plugins import pm

    import regwatch.web as plugin

    path = Path(database)
    if not path.is_file():
        raise ServeError(f"no database at {database}: run `regwatch crawl` or `regwatch init` first")
    if not pm.is_registered(plugin) and pm.get_plugin("regwatch") is None:
        pm.register(plugin, name="regwatch")
    name = path.stem
    settings = {"allow_download": False, "default_page_size": 100, "sql_time_limit_ms": 3000}
    return Datasette([str(path)], metadata=metadata(name, str(Path(blobs).resolve())), settings=settings,
                     template_dir=str(Path(plugin.__file__).parent / "templates"))


def serve(database: str, blobs: str, host: str, port: int) -> None:
    """Run until interrupted."""
    import uvicorn

    ds = build_datasette(database, blobs)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")
