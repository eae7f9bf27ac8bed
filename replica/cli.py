"""Command line: `python -m replica --port 0` serves both sites and prints their base URLs.

Exactly three lines go to stdout, then it is flushed: `miit http://HOST:PORT`,
`samr http://HOST:PORT` and `province http://HOST:PORT` (the generic provincial look-alike).
The process runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from replica.control import Control
from replica.faults import FaultError, parse_cli_fault
from replica.server import Replica, is_loopback
from replica.timeline import MAX_STATE


def warm_up(scale: int) -> None:
    """Build the catalog (and the filler index) before the URLs are announced."""
    from replica.catalog import catalog
    from replica.routes import _fillers_by_art

    catalog()
    if scale:
        _fillers_by_art(scale)


def build_attachments() -> None:
    """Build every attachment in the background, so the first download is not the slow one."""
    from replica.catalog import catalog
    from replica.routes import attachment_bytes

    for att, _doc in catalog().attachments.values():
        attachment_bytes(att, 0)


def start(port: int, samr_port: int, host: str, state: int, scale: int, faults: Sequence[str],
          verbose: bool = False, province_port: int = 0) -> Replica:
    """Start both sites (non-blocking) and return the running replica."""
    if not is_loopback(host):
        print(f"replica: warning: binding to {host}, which is not a loopback address", file=sys.stderr)
    control = Control(state=state, scale=scale)
    for spec in faults:
        name, options = parse_cli_fault(spec)
        control.set_fault(name, True, **options)
    warm_up(scale)
    replica = Replica(control, host, port, samr_port, verbose, province_port).start()
    threading.Thread(target=build_attachments, name="replica-warm", daemon=True).start()
    return replica


def serve(port: int, samr_port: int, host: str, state: int, scale: int, faults: list[str],
          province_port: int = 0) -> None:
    """Serve the sites until SIGTERM or SIGINT (blocking). Prints the three base URLs first."""
    replica = start(port, samr_port, host, state, scale, faults, province_port=province_port)
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():  # signals can only be caught there
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for key, url in replica.urls.items():
            sys.stdout.write(f"{key} {url}\n")
        sys.stdout.flush()
        stop.wait()
    finally:
        replica.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m replica", description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0, help="MIIT port (0 = any free port)")
    p.add_argument("--samr-port", type=int, default=0, help="SAMR port (0 = any free port)")
    p.add_argument("--province-port", type=int, default=0, help="provincial look-alike port (0 = any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--state", type=int, default=0, choices=range(MAX_STATE + 1), help="timeline state 0..5")
    p.add_argument("--scale", type=int, default=0, help="extra filler articles per column")
    p.add_argument("--fault", action="extend", nargs="+", default=[], metavar="NAME[:key=value,...]",
                   help="switch a fault on at start (repeatable)")
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.scale < 0:
        parser().error("--scale must be 0 or more")
    try:
        serve(args.port, args.samr_port, args.host, args.state, args.scale, args.fault, args.province_port)
    except FaultError as exc:
        print(f"replica: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    except OSError as exc:
        print(f"replica: cannot listen: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
