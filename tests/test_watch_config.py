"""The watchlist's configuration: route options, the report schedule, and their mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from notifier.errors import ConfigError
from notifier.routes import parse_notifier_config
from options import WATCHLIST
from regwatch.config import load_config
from regwatch.scheduler import report_trigger
from storage.routing import RouteFilter

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
MAIL = {"kind": "email", "host": "127.0.0.1", "security": "none", "from": "r@example.com", "to": ["p@example.com"]}


def test_every_watchlist_key_is_documented():
    assert not [k for k in WATCHLIST if f"{k} = " not in README]


def test_watchlist_routes_get_supplier_alerts_and_nothing_else():
    config = parse_notifier_config({"channels": {"mail": MAIL, "hook": {"kind": "log"}},
                                    "routes": {"suppliers": {"channels": ["mail"], "watchlist": True,
                                                             "owner_channel": "mail"},
                                               "compliance": {"channels": ["hook"]}}})
    suppliers, compliance = config.route("suppliers"), config.route("compliance")
    assert suppliers.owner_channel == "mail" and suppliers.categories == ()
    supplier_alert = {"kind": "supplier.revoked", "category": "whitelist"}
    list_change = {"kind": "list.entry_removed", "category": "whitelist"}
    assert suppliers.matches(supplier_alert) and not suppliers.matches(list_change)
    assert compliance.matches(list_change) and not compliance.matches(supplier_alert)
    assert not RouteFilter("ops", ("log",), categories=(), ops=True).matches(supplier_alert)


@pytest.mark.parametrize(("route", "message"), [
    ({"channels": ["mail"], "watchlist": True, "owner_channel": "hook"}, "not a defined email channel"),
    ({"channels": ["mail"], "owner_channel": "mail"}, "only used with watchlist = true"),
])
def test_owner_channel_mistakes(route, message):
    with pytest.raises(ConfigError, match=message):
        parse_notifier_config({"channels": {"mail": MAIL, "hook": {"kind": "log"}}, "routes": {"r": route}})


def test_report_schedule(tmp_path):
    path = tmp_path / "regwatch.toml"
    path.write_text('[watchlist]\nreport = "weekly"\nreport_at = "07:30"\nreport_day = "fri"\n'
                    'report_channel = "mail"\n', "utf-8")
    trigger = report_trigger(load_config(path, environ={}))
    assert "day_of_week='fri'" in str(trigger) and "hour='7'" in str(trigger) and "minute='30'" in str(trigger)
    path.write_text('[watchlist]\nreport = "daily"\n', "utf-8")
    with pytest.raises(ConfigError, match="report_channel"):
        load_config(path, environ={})
    path.write_text("", "utf-8")
    assert report_trigger(load_config(path, environ={})) is None
