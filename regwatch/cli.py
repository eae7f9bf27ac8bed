"""The regwatch command line. Each command parses its options and calls one library function;
errors become one line on stderr (exit 1), usage errors exit 2, never a traceback."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from regwatch import __version__

if TYPE_CHECKING:
    from diff.render import Format

FORMATS_ROWS = ["table", "json", "csv"]


class AppContext:
    def __init__(self, config_path: str | None, db_path: str | None) -> None:
        self.config_path = config_path
        self.db_path = db_path

    @functools.cached_property
    def config(self):
        from regwatch.config import load_config

        cfg = load_config(self.config_path)
        if self.db_path:
            cfg.general["database"] = self.db_path
        return cfg

    @contextlib.contextmanager
    def db(self, *, create: bool = False) -> Iterator[Any]:
        """The database, closed when the command is done with it. Only init, crawl, run and demo
        create one (create=True); for every other command a missing file is a usage error."""
        from storage.db import open_db

        db = open_db(self.config.database, create=create)
        try:
            yield db
        finally:
            db.close()


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from regwatch.config import ConfigError
        from regwatch.errors import UsageError
        from storage.errors import MissingDatabase, StorageError

        try:
            return fn(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except (MissingDatabase, UsageError) as exc:  # a usage error: one line, exit 2, nothing created
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except (ConfigError, StorageError, ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:  # one clear line, never a traceback
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from None

    return wrapper


def common_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--config and --db on every command (they may also be given before the command)."""

    @click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                  help="regwatch.toml to use (default: ./regwatch.toml if present, or $REGWATCH_CONFIG).")
    @click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
                  help="SQLite database (default: regwatch.db, or $REGWATCH_DB).")
    @click.pass_context
    @_one_line_errors
    @functools.wraps(fn)
    def wrapper(ctx: click.Context, config_path: str | None, db_path: str | None, **kwargs: Any) -> Any:
        parent: AppContext | None = ctx.find_object(AppContext)
        app = AppContext(config_path or (parent.config_path if parent else None),
                         db_path or (parent.db_path if parent else None))
        return fn(app, **kwargs)

    return wrapper


def _emit(data: str | bytes, output: str | None = None) -> None:
    if output:
        Path(output).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        click.echo(data)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="regwatch")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="regwatch.toml to use.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None, help="SQLite database.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_path: str | None) -> None:
    """Watch MIIT and SAMR for changes to the EV-battery recycling white list, its criteria,
    inspection protocols and penalty schedules; alert compliance teams."""
    ctx.obj = AppContext(config_path, db_path)


@cli.command()
@common_options
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
def init(app: AppContext, force: bool) -> None:
    """Write a starter regwatch.toml and create the database."""
    from regwatch.config import DEFAULT_CONFIG, STARTER_CONFIG

    path = Path(app.config_path or DEFAULT_CONFIG)
    if path.exists() and not force:
        click.echo(f"{path} exists; keeping it (use --force to overwrite)")
    else:
        path.write_text(STARTER_CONFIG, "utf-8")
        click.echo(f"wrote {path}")
    app.config_path = str(path)
    with app.db(create=True):
        click.echo(f"database ready: {app.config.database}")


@cli.command()
@common_options
@click.argument("sources", nargs=-1)
@click.option("--full", is_flag=True, help="Read every listing page, not just until known rows.")
def crawl(app: AppContext, sources: tuple[str, ...], full: bool) -> None:
    """One pass: fetch, store, detect changes, queue alerts. Exit 3 if a source was not healthy."""
    from regwatch.crawl import run_crawl

    with app.db(create=True):
        pass  # create or migrate the database before the crawl's child process opens it
    outcome = run_crawl(app.config, list(sources) or None, full=full)
    _print_crawl(app, outcome)
    if outcome.exit_code:
        sys.exit(outcome.exit_code)


def _print_crawl(app: AppContext, outcome: Any) -> None:
    from storage.health import source_states

    if not outcome.statuses:
        tail = outcome.log.strip().splitlines()[-1:] or ["no output"]
        raise click.ClickException(f"crawl failed: {tail[0]}")
    with app.db() as db:
        states = {s["id"]: s for s in source_states(db)}
    for source_id, status in outcome.statuses.items():
        last = (states.get(source_id) or {}).get("last_run") or {}
        click.echo(f"{source_id}: {status} — {last.get('message', '')}")


@cli.command()
@common_options
@click.option("--test", "test_route", metavar="ROUTE", help="Send a test message through ROUTE's channels.")
@click.option("--loop", is_flag=True, help="Keep delivering until interrupted.")
def notify(app: AppContext, test_route: str | None, loop: bool) -> None:
    """Deliver due alerts from the outbox (or send a test message)."""
    from regwatch.app import notify_once, notify_test

    if test_route:
        results = notify_test(app.config, test_route)
        for channel, ok, detail in results:
            click.echo(f"{channel}: {'ok' if ok else 'FAILED'} — {detail}")
        if not all(ok for _, ok, _ in results):
            sys.exit(1)
        return
    stats = notify_once(app.config, loop=loop)
    click.echo(stats)


@cli.command()
@common_options
@click.option("--once", is_flag=True, help="One crawl-and-deliver pass, then exit.")
def run(app: AppContext, once: bool) -> None:
    """The daemon: scheduled crawls plus alert delivery."""
    from regwatch.scheduler import run_daemon

    sys.exit(run_daemon(app.config, once=once))


@cli.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(FORMATS_ROWS), default="table")
def sources(app: AppContext, fmt: str) -> None:
    """The sources, their schedules and health."""
    from regwatch.app import source_rows, source_table_rows
    from storage.exports import render

    rows = source_rows(app.config)
    _emit(render(source_table_rows(rows) if fmt != "json" else rows, fmt))


WHEN_HELP = "a date or time, Beijing time unless zoned (2026-10-01, 2026-10-01T09:30, …Z), today, yesterday or 7d"


@cli.command()
@common_options
@click.option("--since", help=f"From this moment: {WHEN_HELP}.")
@click.option("--until", help=f"Before this moment: {WHEN_HELP}.")
@click.option("--kind", "kinds", multiple=True, help="Change kind, e.g. list.entry_removed or list.*")
@click.option("--severity", help="info, warning or critical.")
@click.option("--category", help="whitelist, criteria, inspection, penalty, related or irrelevant.")
@click.option("--source", help="Source id (miit, samr).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0),
              help="The newest N changes; 0 for all.")
@click.option("--format", "fmt", type=click.Choice(FORMATS_ROWS), default="table")
def changes(app: AppContext, since: str | None, until: str | None, kinds: tuple[str, ...], severity: str | None,
            category: str | None, source: str | None, limit: int, fmt: str) -> None:
    """What changed, newest last."""
    from regwatch import filters
    from regwatch.crawl import enabled_sources
    from storage.exports import render
    from storage.queries import list_changes

    start = filters.utc_iso(filters.parse_moment("--since", since)) if since else None
    end = filters.utc_iso(filters.parse_moment("--until", until)) if until else None
    wanted = filters.check_kinds(kinds) or None
    severity, category = filters.check_severity(severity), filters.check_category(category)
    source = filters.one_of("--source", source, enabled_sources(app.config, None, every=True))
    with app.db() as db:
        rows = list_changes(db, since=start, until=end, kinds=wanted, severity=severity, category=category,
                            source=source, limit=limit or None, decode_details=fmt != "table")
    columns = ["id", "detected_at", "kind", "what", "severity", "source_id", "summary", "suspect"] \
        if fmt == "table" else None
    _emit(render(rows, fmt, columns))


@cli.command()
@common_options
@click.argument("change_id", type=int)
def show(app: AppContext, change_id: int) -> None:
    """One change in full: summary, table, clause diff and evidence (with the changes its
    document made at the same time, as the alert showed them)."""
    from regwatch.show import show_change

    with app.db() as db:
        text = show_change(db, change_id, app.config.notifier().public_url)
    _emit(text)


@cli.command()
@common_options
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS_ROWS), default="table")
def search(app: AppContext, query: tuple[str, ...], limit: int, fmt: str) -> None:
    """Chinese-aware full-text search over every stored document: words are ANDed, "quotes" make a phrase."""
    from storage.exports import render
    from storage.queries import search as do_search

    with app.db() as db:
        rows = do_search(db, " ".join(query), limit=limit)
    columns = ["id", "published_at", "category", "title", "snippet"] if fmt == "table" else None
    _emit(render(rows, fmt, columns))


@cli.command(name="list")
@common_options
@click.option("--as-of", "as_of", help="Date (YYYY-MM-DD, Beijing time, today, yesterday or 7d); default today.")
@click.option("--type", "type_", help="梯次利用, 再生利用, 梯次利用和再生利用 or unspecified.")
@click.option("--proposed", is_flag=True, help="Include enterprises proposed (公示) but not yet final.")
@click.option("--format", "fmt", type=click.Choice([*FORMATS_ROWS, "xlsx"]), default="table")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def list_cmd(app: AppContext, as_of: str | None, type_: str | None, proposed: bool, fmt: str,
             output: str | None) -> None:
    """The white list as it stood on a date."""
    from regwatch import filters
    from regwatch.app import white_list
    from storage.exports import render

    day, kind = filters.parse_day("--as-of", as_of), filters.check_type(type_)
    with app.db() as db:
        rows = white_list(db, day, kind, proposed)
    # dated_by says whether valid_from is the publication day or the day an in-place edit was observed.
    columns = ["enterprise", "province", "type", "batch", "stage", "valid_from", "dated_by", "published_on",
               "doc_number", "url"]
    _emit(render(rows, fmt, columns), output)


VERIFY_FORMATS = ["table", "json", "csv", "xlsx", "html"]


@cli.command()
@common_options
@click.argument("suppliers", nargs=-1, required=True)
@click.option("--as-of", "as_of", help="Date (YYYY-MM-DD); default today.")
@click.option("--format", "fmt", type=click.Choice(VERIFY_FORMATS), default="table")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
@click.option("--evidence", type=click.Path(file_okay=False), help="Write an evidence pack per supplier here.")
def verify(app: AppContext, suppliers: tuple[str, ...], as_of: str | None, fmt: str, output: str | None,
           evidence: str | None) -> None:
    """Check suppliers (names, or a CSV/XLSX/TXT file of names) against the white list."""
    from regwatch.filters import parse_day
    from regwatch.verify import read_supplier_args, verify_names
    from regwatch.verify_output import render_verification

    day = parse_day("--as-of", as_of)
    names = read_supplier_args(list(suppliers))
    with app.db() as db:
        rows = verify_names(db, names, as_of=day)
        _emit(render_verification(rows, fmt), output)
        if evidence:
            from regwatch.evidence import write_evidence
            from storage.blobs import BlobStore

            for row in rows:
                folder = write_evidence(db, BlobStore(app.config.blobs), row, evidence)
                click.echo(f"evidence for {row['supplier']}: {folder}", err=True)


@cli.group()
def watch() -> None:
    """The supplier watchlist: add, import, list, remove, confirm, report."""


def _by() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@watch.command(name="add")
@common_options
@click.argument("names", nargs=-1, required=True)
@click.option("--name-en", default="", help="The supplier's English name.")
@click.option("--supplier-id", default="", help="Your internal supplier id.")
@click.option("--contract", "contract_ref", default="", help="Contract reference.")
@click.option("--owner", "owner_email", default="", help="E-mail of the person responsible.")
def watch_add(app: AppContext, names: tuple[str, ...], name_en: str, supplier_id: str, contract_ref: str,
              owner_email: str) -> None:
    """Watch suppliers by name (Chinese or English)."""
    if len(names) > 1 and (name_en or supplier_id or contract_ref):
        raise click.UsageError("--name-en, --supplier-id and --contract describe one supplier: give one name")
    from regwatch.supplierfile import SupplierRow
    from regwatch.watchlist import add_suppliers
    from storage.exports import render

    rows = [SupplierRow(n if not _latin(n) else "", name_en or (n if _latin(n) else ""), supplier_id,
                        contract_ref, owner_email) for n in names]
    with app.db() as db:
        added = add_suppliers(db, rows)
    _emit(render(added, "table", ["id", "supplier", "resolution", "enterprise", "status", "reason"]))


def _latin(name: str) -> bool:
    from diff.english import is_english

    return is_english(name)


@watch.command(name="import")
@common_options
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def watch_import(app: AppContext, files: tuple[str, ...]) -> None:
    """Import suppliers from CSV or XLSX (name, English name, supplier id, contract, owner e-mail)."""
    from regwatch.supplierfile import read_supplier_rows
    from regwatch.watchlist import add_suppliers

    with app.db() as db:
        added = add_suppliers(db, read_supplier_rows(list(files)))
    counts: dict[str, int] = {}
    for row in added:
        counts[row["resolution"]] = counts.get(row["resolution"], 0) + 1
    click.echo(f"watching {len(added)} supplier(s): " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))


@watch.command(name="list")
@common_options
@click.option("--format", "fmt", type=click.Choice([*FORMATS_ROWS, "xlsx"]), default="table")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def watch_list(app: AppContext, fmt: str, output: str | None) -> None:
    """The watched suppliers and what each is bound to."""
    from regwatch.watchlist import watch_rows
    from storage.exports import render

    columns = ["id", "name", "name_en", "supplier_id", "resolution", "enterprise", "status"] if fmt == "table" else None
    with app.db() as db:
        rows = watch_rows(db)
    _emit(render(rows, fmt, columns), output)


@watch.command(name="remove")
@common_options
@click.argument("ids", nargs=-1, required=True, type=int)
def watch_remove(app: AppContext, ids: tuple[int, ...]) -> None:
    """Stop watching suppliers (by the id `watch list` shows)."""
    from storage.watchlist import remove_suppliers

    with app.db() as db:
        removed = remove_suppliers(db, ids)
    click.echo(f"removed {removed} supplier(s)")


@watch.command(name="confirm")
@common_options
@click.argument("watch_id", type=int)
@click.argument("enterprise", required=False)
@click.option("--reject", is_flag=True, help="The probable match is wrong.")
@click.option("--by", default=None, help="Who decides (default: your login name).")
def watch_confirm(app: AppContext, watch_id: int, enterprise: str | None, reject: bool, by: str | None) -> None:
    """Confirm a probable match (ID ENTERPRISE), or reject it (ID --reject)."""
    from storage.watchlist import confirm

    with app.db() as db:
        row = confirm(db, watch_id, enterprise, by=by or _by(), reject=reject)
    click.echo(f"{row['id']}: {row['resolution']} {row['enterprise'] or ''} by {row['confirmed_by']} "
               f"at {row['confirmed_at']}")


@watch.command(name="report")
@common_options
@click.option("--send", is_flag=True, help="E-mail it through the configured report channel.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the XLSX table here.")
def watch_report(app: AppContext, send: bool, output: str | None) -> None:
    """The verification report now: every watched supplier, changes since the last report, data freshness."""
    from regwatch.report import build_report, send_report

    if send:
        click.echo(send_report(app.config))
        return
    with app.db() as db:
        report = build_report(db, period="manual")
    if output:
        Path(output).write_bytes(report.xlsx)
    click.echo(report.text)


@cli.command()
@common_options
@click.argument("target")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def inspect(app: AppContext, target: str, fmt: str) -> None:
    """How regwatch reads one page or attachment (a file or a URL)."""
    from regwatch.inspect import inspect_target, render_inspection

    _emit(render_inspection(inspect_target(target, app.config), fmt))


@cli.command()
@common_options
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
def diff(app: AppContext, old: str, new: str, fmt: Format) -> None:
    """Clause-by-clause, word-by-word comparison of two files or stored documents.

    OLD and NEW are each doc:ID (or id:ID), version:ID, art_<32 hex>, or a file (.txt .html .pdf .docx .xlsx)."""
    from regwatch.compare import compare

    _emit(compare(app.config, old, new, fmt))


@cli.command()
@common_options
@click.option("--what", type=click.Choice(["changes", "list", "documents"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "jsonl", "xlsx", "atom"]), required=True)
@click.option("--since", help="From this date or time (UTC).")
@click.option("--until", help="Up to this date (inclusive) or time (UTC).")
@click.option("--kind", "kinds", multiple=True, help="Change kind, e.g. list.entry_removed or list.*")
@click.option("--category", "categories", multiple=True, help="whitelist, criteria, inspection, penalty, related.")
@click.option("--as-of", "as_of", help="The list on this date; changes and documents up to it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def export(app: AppContext, what: str, fmt: str, since: str | None, until: str | None, kinds: tuple[str, ...],
           categories: tuple[str, ...], as_of: str | None, output: str | None) -> None:
    """Export changes, the list, or documents; streamed, with details as named columns."""
    from regwatch.app import today_shanghai
    from regwatch.exporting import export as do_export
    from storage.export_rows import Filters

    filters = Filters(since, until, list(kinds), list(categories), as_of)
    with app.db() as db:
        if output:
            with Path(output).open("wb") as out:
                do_export(db, what, fmt, filters, out, today=today_shanghai())
            click.echo(f"wrote {output}", err=True)
        else:
            do_export(db, what, fmt, filters, sys.stdout.buffer, today=today_shanghai())
            sys.stdout.buffer.flush()


@cli.command()
@common_options
@click.option("--port", default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def serve(app: AppContext, port: int, host: str) -> None:
    """The web UI (Datasette with the regwatch pages at /-/regwatch/), read-only, bound to localhost."""
    from regwatch.app import LOOPBACK
    from regwatch.web.serve import serve as run_server
    from storage.db import require_db

    require_db(app.config.database)
    if host not in LOOPBACK:
        click.echo(f"warning: serving on {host}, beyond localhost", err=True)
    click.echo(f"regwatch web UI: http://{host}:{port}/-/regwatch/", err=True)
    run_server(app.config.database, app.config.blobs, host, port)


@cli.command()
@common_options
@click.option("--workdir", type=click.Path(file_okay=False), default="regwatch-demo", show_default=True)
@click.option("--save-messages", "save_to", type=click.Path(file_okay=False),
              help="Write every captured email (.eml, .html) and chat post (.json) to this folder.")
def demo(app: AppContext, workdir: str, save_to: str | None) -> None:
    """The whole cycle against the replica, with local mail and chat sinks."""
    from regwatch.demo import run_demo

    sys.exit(run_demo(Path(workdir), echo=click.echo, save_to=Path(save_to) if save_to else None))


@cli.command()
@click.option("--port", default=0, show_default=True, help="MIIT's port (0 = any free port).")
@click.option("--samr-port", default=0, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--state", default=0, show_default=True, help="Timeline state 0-5.")
@click.option("--scale", default=0, show_default=True, help="Extra articles per column.")
@click.option("--fault", "faults", multiple=True, help="Fault switch to turn on.")
def replica(port: int, samr_port: int, host: str, state: int, scale: int, faults: tuple[str, ...]) -> None:
    """Serve the replica sites (for tests, the demo and the benchmark)."""
    from replica import missing_demo_packages
    from replica.cli import serve as serve_replica

    if missing_demo_packages():
        raise click.ClickException("the replica needs the demo extra: pip install 'regwatch[demo]'")

    serve_replica(port=port, samr_port=samr_port, host=host, state=state, scale=scale, faults=list(faults))


def main() -> None:
    cli(prog_name="regwatch")


if __name__ == "__main__":
    main()
