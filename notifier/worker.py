"""Drain the outbox: claim due rows, render each change once, send through every channel in
parallel (one thread per channel, so a hanging receiver delays only its own channel), and mark
every row as soon as its outcome is known.

Delivery is at least once: a crash between sending and marking resends after the lease runs
out, under the same delivery id. Only this thread touches the database.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from notifier import outbox
from notifier.alert import Alert, build_alert
from notifier.channels import Channel, Message
from notifier.errors import ConfigError, DeliveryError
from notifier.ids import bundle_delivery_id, delivery_id, digest_delivery_id
from notifier.render import Rendering
from notifier.routes import NotifierConfig
from storage.changes import bundle_of, iso, record_change, utcnow
from storage.db import immediate
from storage.kinds import kind_of
from storage.kinds.operations import OutboxDead

log = logging.getLogger("regwatch.notifier")


@dataclass
class DeliveryStats:
    """Outbox rows handled in a pass; a digest of five changes counts five."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.dead + self.skipped

    def __str__(self) -> str:
        """What `regwatch notify` prints: outbox rows, not messages (a 公告's 13 rows are one message)."""
        return (f"outbox rows: {self.sent} sent, {self.failed} failed (to be retried), {self.dead} dead, "
                f"{self.skipped} not tried")

    def __add__(self, other: DeliveryStats) -> DeliveryStats:
        return DeliveryStats(self.sent + other.sent, self.failed + other.failed, self.dead + other.dead,
                             self.skipped + other.skipped)


@dataclass
class Delivery:
    """One message to send: a single row, or every due row of a digest route+channel."""

    route: str
    channel: str
    rows: list[dict[str, Any]]
    delivery_id: str
    rendering: Rendering | None = None
    error: str | None = None  # could not even be rendered
    recipients: tuple[str, ...] = ()  # a supplier alert to its owner

    @property
    def row_ids(self) -> list[int]:
        return [r["id"] for r in self.rows]


@dataclass
class Outcome:
    delivery: Delivery
    status: str  # sent | failed | skipped
    detail: str


@dataclass
class _Pass:
    db: Database
    config: NotifierConfig
    owner: str
    started: datetime
    clock: float = field(default_factory=time.monotonic)
    stats: DeliveryStats = field(default_factory=DeliveryStats)
    cooldown: dict[str, datetime] = field(default_factory=dict)

    def now(self) -> datetime:
        """The caller's `now` advanced by the real time this pass has taken."""
        return self.started + timedelta(seconds=time.monotonic() - self.clock)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def deliver_due(db: Database, config: NotifierConfig, *, now: datetime | None = None,
                worker_id: str | None = None, limit: int | None = None) -> DeliveryStats:
    """One pass over the due outbox rows. Never raises for a failed delivery."""
    run = _Pass(db, config, worker_id or default_worker_id(), now or utcnow())
    settings = config.notify
    rows = outbox.claim_due(db, now=run.started, owner=run.owner, lease_seconds=settings.lease_seconds,
                            limit=limit or settings.batch_size, digest_routes=config.digest_routes())
    if not rows:
        return run.stats
    deliveries = plan(rows, config, db)
    results: queue.Queue[Outcome] = queue.Queue()
    by_channel: dict[str, list[Delivery]] = {}
    for d in deliveries:
        by_channel.setdefault(d.channel, []).append(d)
    threads = []
    for name, items in by_channel.items():
        channel = config.channel(name)
        if channel is None:
            known = ", ".join(sorted(config.channels))
            for d in items:
                results.put(Outcome(d, "failed", f"channel {name!r} is not configured (channels: {known})"))
            continue
        thread = threading.Thread(target=send_all, args=(channel, items, results),
                                  name=f"notify-{name}", daemon=True)
        thread.start()
        threads.append(thread)
    open_ids = {row["id"] for row in rows}
    renew_every = max(0.05, settings.lease_seconds / 3)
    remaining = len(deliveries)
    while remaining:
        try:
            outcome = results.get(timeout=renew_every)
        except queue.Empty:
            outbox.renew(db, open_ids, run.owner, run.now() + timedelta(seconds=settings.lease_seconds))
            continue
        remaining -= 1
        open_ids.difference_update(outcome.delivery.row_ids)
        _record(run, outcome)
    for thread in threads:
        thread.join()
    return run.stats


def plan(rows: list[dict[str, Any]], config: NotifierConfig, db: Database | None = None) -> list[Delivery]:
    """Group claimed rows into messages and render each change once for all its channels. With
    the database, a bundle is split (by the channel's `bundle_limit`) over all its rows, so the
    parts and their ids are the same on every pass. Each change's alert is built once; each
    message is rendered in its route's style (format, templates, the web UI's address)."""
    built: dict[Any, Alert | str] = {}

    def alert_for(row: dict[str, Any]) -> Alert | str:
        key = row["change_id"] if row["change_id"] is not None else f"row-{row['id']}"
        if key not in built:
            try:
                built[key] = build_alert(json.loads(row["payload"]))
            except Exception as exc:  # a bad payload fails its own rows only
                built[key] = f"cannot render change {row['change_id']}: {type(exc).__name__}: {exc}"
        return built[key]

    digests = config.digest_routes()
    deliveries: list[Delivery] = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if row["route"] in digests and not owner_recipients(row):  # an owner's copy never waits for a digest
            groups.setdefault((row["route"], row["channel"]), []).append(row)
        else:
            groups.setdefault((row["route"], row["channel"], *bundle_key(row)), []).append(row)
    parts: list[tuple[str, str, list[dict[str, Any]], str | None]] = []
    for (route, channel, *key), members in groups.items():
        members.sort(key=lambda r: r["id"])
        if route in digests or key[0] != "bundle":
            parts.append((route, channel, members, None))
        else:
            parts.extend(_bundle_parts(route, channel, key[1], members, config, db))
    for route, channel, members, bundle_id in parts:
        made = [alert_for(r) for r in members]
        style = config.style(route)
        single = len(members) == 1 and (route not in digests or bool(owner_recipients(members[0]))) \
            and bundle_id is None
        ident = row_delivery_id(members[0]) if single else \
            bundle_id or digest_delivery_id(row_delivery_id(r) for r in members)
        errors = [m for m in made if isinstance(m, str)]
        if errors:
            deliveries.append(Delivery(route, channel, members, ident, error=errors[0]))
            continue
        alerts = [m for m in made if isinstance(m, Alert)]
        if single:
            deliveries.append(Delivery(route, channel, members, ident, Rendering(alerts, style=style), None,
                                       owner_recipients(members[0])))
            continue
        if route in digests:
            rendering = Rendering.for_digest(route, alerts, style)
        else:
            rendering = Rendering.for_bundle(alerts, style)
        deliveries.append(Delivery(route, channel, members, ident, rendering))
    return deliveries


def bundle_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """Immediate changes that one version of one document made together travel as one message
    (a final list's dozen entries, say); anything else travels alone."""
    if row.get("bundle"):
        return ("bundle", row["bundle"])
    try:
        payload = json.loads(row["payload"])
    except ValueError:
        return ("row", row["id"])
    bundle = bundle_of(payload)
    return ("bundle", bundle) if bundle else ("row", row["id"])


def _bundle_parts(route: str, channel: str, bundle: str, members: list[dict[str, Any]], config: NotifierConfig,
                  db: Database | None) -> list[tuple[str, str, list[dict[str, Any]], str | None]]:
    """The claimed rows of one bundle, cut into the parts the channel's limit asks for. The cut
    and each part's id depend only on the bundle's full membership."""
    every = outbox.bundle_members(db, route, channel, bundle) if db is not None else []
    if not every or not {m["id"] for m in members} <= {m["id"] for m in every}:
        every = [{"id": m["id"], "created_at": m["created_at"]} for m in members]
    if len(every) == 1:
        return [(route, channel, members, None)]
    found = config.channel(channel)
    limit = int(found.settings.get("bundle_limit") or 0) if found is not None else 0
    size = limit or len(every)
    chunks = [every[i:i + size] for i in range(0, len(every), size)]
    created = min(str(m["created_at"]) for m in every)
    by_id = {m["id"]: m for m in members}
    out: list[tuple[str, str, list[dict[str, Any]], str | None]] = []
    for index, chunk in enumerate(chunks):
        claimed = [by_id[m["id"]] for m in chunk if m["id"] in by_id]
        if claimed:
            ident = bundle_delivery_id(route, channel, bundle, created, index, len(chunks))
            out.append((route, channel, claimed, ident))
    return out


def owner_recipients(row: dict[str, Any]) -> tuple[str, ...]:
    """The owner's address a supplier alert row is addressed to, if any."""
    try:
        return tuple(json.loads(row["payload"]).get("deliver_to") or ())
    except ValueError:
        return ()


def row_delivery_id(row: dict[str, Any]) -> str:
    return delivery_id(row["dedupe_key"], row["created_at"])


def send_all(channel: Channel, items: list[Delivery], results: queue.Queue[Outcome]) -> None:
    """Send one channel's messages in order. After the channel fails once, the rest of this
    pass's messages for it are skipped, not tried: one timeout per pass, not one per row."""
    failure: str | None = None
    for d in items:
        if failure is not None:
            results.put(Outcome(d, "skipped", f"not tried: {channel.name} failed earlier in this pass"))
            continue
        if d.rendering is None:
            results.put(Outcome(d, "failed", d.error or "nothing to send"))
            continue
        try:
            detail = channel.deliver(Message(d.delivery_id, d.rendering, d.route, d.recipients))
        except DeliveryError as exc:
            failure = str(exc)
            results.put(Outcome(d, "failed", failure))
        except BaseException as exc:  # never leave the main thread waiting for an outcome
            failure = f"{type(exc).__name__}: {channel.redact(str(exc))}"
            results.put(Outcome(d, "failed", failure))
        else:
            results.put(Outcome(d, "sent", detail))


def _record(run: _Pass, outcome: Outcome) -> None:
    d, now = outcome.delivery, run.now()
    if outcome.status == "sent":
        with immediate(run.db):
            for row_id in d.row_ids:
                outbox.mark_sent(run.db, row_id, now)
        run.stats.sent += len(d.rows)
        log.info("sent %s via %s (route %s): %s", d.delivery_id, d.channel, d.route, outcome.detail)
        return
    if outcome.status == "skipped":
        outbox.release(run.db, d.row_ids, run.owner, run.cooldown.get(d.channel, now))
        run.stats.skipped += len(d.rows)
        return
    _record_failure(run, d, outcome.detail, now)


def _record_failure(run: _Pass, d: Delivery, error: str, now: datetime) -> None:
    settings = run.config.notify
    attempts = max(int(r["attempts"] or 0) for r in d.rows) + 1
    dead = attempts >= settings.max_attempts
    next_at = now + timedelta(seconds=outbox.retry_delay(attempts, settings.backoff_base_seconds,
                                                         settings.backoff_max_seconds))
    run.cooldown[d.channel] = next_at
    error = error[:2000]
    with immediate(run.db):
        for row in d.rows:
            mine = outbox.mark_failed(run.db, row["id"], run.owner, error, next_at, dead=dead)
            if mine and dead and _payload_kind(row) != OutboxDead.kind:
                record_change(run.db, dead_letter_change(row, attempts, error),
                              run.config.route_filters(), now=now, severities=run.config.severities)
    if dead:
        run.stats.dead += len(d.rows)
        log.error("DEAD after %d attempts: %s via %s (route %s): %s", attempts, d.delivery_id, d.channel,
                  d.route, error)
    else:
        run.stats.failed += len(d.rows)
        log.warning("failed %s via %s (route %s), attempt %d of %d, next try %s: %s", d.delivery_id,
                    d.channel, d.route, attempts, settings.max_attempts, iso(next_at), error)


def _payload_kind(row: dict[str, Any]) -> str:
    try:
        return str(json.loads(row["payload"]).get("kind"))
    except Exception:
        return ""


def dead_letter_change(row: dict[str, Any], attempts: int, error: str) -> dict[str, Any]:
    """The ops alert for a row that will never be delivered."""
    return {
        "kind": OutboxDead.kind,
        "summary": f"告警经渠道 {row['channel']} 投递{attempts}次均失败，已放弃（路由 {row['route']}）",
        "entity": f"outbox:{row['id']}",
        "details": {"outbox_id": row["id"], "channel": row["channel"], "route": row["route"],
                    "attempts": attempts, "last_error": error, "change_id": row["change_id"]},
    }


def make_test_payload(route: str) -> dict[str, Any]:
    test = kind_of("test")
    return {"id": None, "kind": test.kind, "detected_at": iso(utcnow()), "severity": test.default_severity.value,
            "summary": f"regwatch 测试消息：路由 {route} 的渠道可以送达 / test message for route {route}",
            "details": {"route": route}}


def send_test(config: NotifierConfig, route_name: str) -> list[tuple[str, bool, str]]:
    """Send a test message through each channel of a route now; report each real outcome."""
    route = config.route(route_name)
    if route is None:
        names = ", ".join(r.name for r in config.routes)
        raise ConfigError(f"routes: no route named {route_name!r}; routes: {names}")
    rendering = Rendering([build_alert(make_test_payload(route_name))])
    message = Message(f"rw-test-{uuid.uuid4().hex[:24]}", rendering, route_name)
    report = []
    for name in route.channels:
        channel = config.channel(name)
        if channel is None:
            report.append((name, False, "channel is not configured"))
            continue
        try:
            report.append((name, True, channel.deliver(message)))
        except DeliveryError as exc:
            report.append((name, False, str(exc)))
    return report


def run_loop(db: Database, config: NotifierConfig, *, interval: float = 5.0,
             stop: threading.Event | None = None, worker_id: str | None = None,
             on_pass: Callable[[DeliveryStats], None] | None = None) -> DeliveryStats:
    """Deliver until `stop` is set: straight on while there is a backlog, else every `interval`."""
    stop = stop or threading.Event()
    worker_id = worker_id or default_worker_id()
    total = DeliveryStats()
    while not stop.is_set():
        try:
            stats = deliver_due(db, config, worker_id=worker_id)
        except Exception:  # e.g. the database locked past busy_timeout: leased rows retry later
            log.exception("delivery pass failed; trying again in %g s", interval)
            stop.wait(interval)
            continue
        total += stats
        if on_pass is not None:
            on_pass(stats)
        if stats.handled < config.notify.batch_size:
            stop.wait(interval)
    return total
