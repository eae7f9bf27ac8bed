"""Route options of issue 9: severity filters and per-kind overrides (one value in the alert, the
database and the routes), `format`, users' Jinja2 templates, and links to the web UI's change page."""

from __future__ import annotations

import json

import pytest

from notifier.render import Rendering, Style
from notifier.routes import parse_notifier_config
from options import ConfigError
from regwatch.config import load_config
from storage.changes import record_change
from storage.kinds import sample
from storage.routing import RouteFilter


def _route(**options) -> dict:
    return {"routes": {"r": {"channels": ["log"], **options}}}


@pytest.mark.parametrize(("options", "wanted"), [
    ({}, {"info", "warning", "critical"}),
    ({"min_severity": "warning"}, {"warning", "critical"}),
    ({"severities": ["critical"]}, {"critical"}),
    ({"severities": ["info", "critical"]}, {"info", "critical"}),
])
def test_routes_filter_by_the_stored_severity(fresh_db, options, wanted):
    config = parse_notifier_config(_route(**options))
    for kind, stage in (("list.entry_added", "公告"), ("list.proposed", "公示"), ("list.entry_removed", "公告")):
        record_change(fresh_db, {**sample(kind), "stage": stage, "severity": None}, config.route_filters())
    routed = {row["severity"] for row in fresh_db.query(
        "select c.severity from outbox o join changes c on c.id = o.change_id where o.route = 'r'")}
    assert routed == wanted


def test_a_per_kind_override_is_the_severity_everywhere(fresh_db):
    config = parse_notifier_config({**_route(min_severity="critical"),
                                    "severity": {"list.entry_added": "critical"}})
    change_id = record_change(fresh_db, {**sample("list.entry_added"), "severity": None}, config.route_filters(),
                              severities=config.severities)
    stored = fresh_db.execute("select severity from changes where id = ?", [change_id]).fetchone()[0]
    payload = json.loads(fresh_db.execute("select payload from outbox where change_id = ?", [change_id]).fetchone()[0])
    assert stored == payload["severity"] == "critical"
    assert "重要 / critical" in Rendering.for_change(payload).text


@pytest.mark.parametrize(("table", "message"), [
    ({"severity": {"list.nonsense": "critical"}}, "not a change kind"),
    ({"severity": {"list.entry_added": "urgent"}}, "not one of"),
    (_route(min_severity="loud"), "not one of"),
    (_route(format="tiny"), "not one of"),
    (_route(templates="no/such/folder"), "is not a folder"),
])
def test_bad_alert_options_fail_at_load_time(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_notifier_config(table)


def test_a_list_announcement_routes_whole_by_its_most_severe_change():
    route = RouteFilter(name="r", channels=("log",), min_severity="critical")
    confirmed = {**sample("list.entry_added"), "severity": "info"}
    assert not route.matches(confirmed)
    assert route.matches({**confirmed, "message_severity": "critical"})


def test_summary_format_shows_the_first_rows_then_and_n_more():
    change = sample("list.proposed", id=5)
    change["details"]["entries"] = [{"enterprise": f"示例{i:02d}科技有限公司", "province": "广东省",
                                     "type": "梯次利用"} for i in range(25)]
    summary = Rendering.for_change(change, Style(format="summary")).text
    assert "示例09科技有限公司" in summary and "示例10科技有限公司" not in summary
    assert "and 15 more" in summary
    full = Rendering.for_change(change, Style(format="full")).text
    assert "示例24科技有限公司" in full and "more" not in full


def test_users_override_a_template_by_file_name(tmp_path):
    (tmp_path / "message.txt").write_text("{% for m in messages %}{{ m.s.severity.value }}: {{ m.s.headline_en }}"
                                          "{% endfor %}", "utf-8")
    config = parse_notifier_config(_route(templates=str(tmp_path)))
    rendering = Rendering.for_change({**sample("list.proposed"), "id": 1}, config.style("r"))
    assert rendering.text == "warning: MIIT proposed white-list batch 4 (4 enterprises)\n"
    assert "<!DOCTYPE html>" in rendering.html, "templates the user did not write stay the shipped ones"


def test_html_templates_escape_what_comes_from_the_web(tmp_path):
    (tmp_path / "email.html").write_text("<p>{{ messages[0].s.title }}</p>", "utf-8")
    change = {**sample("document.new"), "id": 1, "title": "<script>x</script>"}
    html = Rendering.for_change(change, Style(templates=str(tmp_path))).html
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"


def test_alerts_link_to_the_change_page_when_public_url_is_set(tmp_path):
    path = tmp_path / "regwatch.toml"
    path.write_text('[serve]\npublic_url = "https://regwatch.example.com/"\n', "utf-8")
    config = load_config(path).notifier()
    assert config.public_url == "https://regwatch.example.com"
    rendering = Rendering.for_change({**sample("list.entry_removed"), "id": 77}, config.style("default"))
    page = "https://regwatch.example.com/-/regwatch/change/77"
    assert rendering.url == page
    for text in (rendering.text, rendering.html, rendering.markdown, json.dumps(rendering.slack_blocks)):
        assert page in text
    assert "regwatch show" not in rendering.text


def test_without_public_url_alerts_name_the_show_command():
    rendering = Rendering.for_change({**sample("criteria.changed"), "id": 12})
    assert "regwatch show 12" in rendering.text and "regwatch show 12" in rendering.markdown
    assert rendering.url == sample("criteria.changed")["url"]
