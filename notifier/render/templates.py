"""Jinja2 templates for the text, HTML and Markdown of an alert.

The defaults ship in notifier/templates/; a route's `templates` folder overrides any of them by
file name (email.html, message.txt, message.md), as urlwatch and changedetection.io users expect.
HTML is autoescaped; text is not escaped; Markdown values pass through the `md` filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from diff.render import CLAUSE_STATUS, marked_html
from diff.words import DiffOp
from notifier.render.common import compact, safe_url
from notifier.render.markdown import md, md_diff, md_link
from notifier.render.text import text_diff
from storage.chinese import display_width, pad
from storage.kinds import TableRow

EMAIL_HTML, SUMMARY_HTML, MESSAGE_TEXT, MESSAGE_MD = "email.html", "summary.html", "message.txt", "message.md"
TEMPLATE_NAMES = (EMAIL_HTML, SUMMARY_HTML, MESSAGE_TEXT, MESSAGE_MD)

BADGE = {"critical": "background:#cf222e;color:#ffffff", "warning": "background:#bf8700;color:#ffffff",
         "info": "background:#ddf4ff;color:#0969da"}
OUTCOME_STYLE = {
    "revoked": "background:#ffebe9", "dropped after 公示": "background:#ffebe9",
    "withdrawn from proposal": "background:#ffebe9", "renamed": "background:#fff8c5", "changed": "background:#fff8c5",
    "listed": "background:#dafbe1", "confirmed": "", "proposed": "",
}
CELL = "padding:3px 6px;border:1px solid #d0d7de"  # short: it is repeated in every cell of 200 rows


def _table(rows: Sequence[TableRow], uniform: bool = False) -> str:
    """Columns padded by display width; without "what happened" when every row says the same."""
    grid = [["企业 / Enterprise", "省份 / Province", "类型 / Type", "情况 / What happened"]]
    grid += [[r.enterprise, r.province, r.type, r.what] for r in rows]
    if uniform:
        grid = [g[:3] for g in grid]
    widths = [max(display_width(g[i]) for g in grid) for i in range(3)]
    return "\n".join("  " + "  ".join(pad(c, widths[i]) if i < 3 else c for i, c in enumerate(g)).rstrip()
                     for g in grid)


def _facts(pairs: Sequence[tuple[str, str]], indent: str = "") -> str:
    width = max((display_width(k) for k, _ in pairs), default=0)
    return "\n".join(f"{indent}{pad(k, width)}  {v}" for k, v in pairs)


def _figures(numbers: Sequence[tuple[str, str]]) -> str:
    return "；".join(f"{a} → {b}" for a, b in numbers)


def _diff_html(segments: Sequence[DiffOp]) -> Markup:
    return Markup(marked_html(compact(segments)))  # marked_html escapes every word itself


def _environment(folder: str | None, html: bool) -> Environment:
    loaders: list[Any] = [PackageLoader("notifier", "templates")]
    if folder:
        loaders.insert(0, FileSystemLoader(folder))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html"]) if html else False,
                      undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True)
    env.filters["md"] = md
    env.tests["url"] = lambda value: safe_url(str(value)) is not None
    env.globals.update(table=_table, facts=_facts, figures=_figures, diff_html=_diff_html,
                       diff_text=text_diff, diff_md=md_diff, md_link=md_link, badge=BADGE,
                       outcome_style=OUTCOME_STYLE, cell=CELL, status=CLAUSE_STATUS)
    return env


@cache
def environment(folder: str | None, html: bool) -> Environment:
    return _environment(folder, html)


def render(name: str, context: dict[str, Any], folder: str | None = None) -> str:
    """One template filled in; blank lines at either end dropped, one newline kept at the end."""
    out = environment(folder, name.endswith(".html")).get_template(name).render(**context)
    return out.strip() + "\n"
