"""The declarations: every key of regwatch.toml, crawler/sources.toml and the classification rules.

One home for each default. Scrapy's settings (crawler/settings.py), the storage pipeline, ingest and
the notifier read their defaults from here; tests/test_options.py fails when one is not in README.md.
Channel kinds declare their own keys on their class (notifier/channels/), as plugins do.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

from options.base import Option


def _version() -> str:
    """The installed distribution's version (pyproject.toml reads it from regwatch/__init__.py)."""
    try:
        return metadata.version("regwatch")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


# --------------------------------------------------------------------------- regwatch.toml

TOP_LEVEL = ("regwatch", "sources", "notify", "channels", "routes", "watchlist", "severity", "serve")

GENERAL: dict[str, Option] = {
    "database": Option("str", "SQLite database file (also `--db` or `$REGWATCH_DB`).", default="regwatch.db"),
    "blobs": Option("str", "Folder of the evidence blob store (also `$REGWATCH_BLOBS`).",
                    default="regwatch-blobs"),
    "user_agent": Option("str", "User-Agent sent to the sites; MIIT refuses clients that do not look like a browser.",
                         default=f"Mozilla/5.0 (compatible; regwatch/{_version()})"),
    "download_delay": Option("float", "Seconds between requests to one host.", default=2.0, minimum=0),
    "download_timeout": Option("float", "Seconds before a request is given up.", default=30.0, minimum=1),
    "max_download_bytes": Option("int", "Largest page or attachment fetched.", default=50_000_000, minimum=1),
    "obey_robots": Option("bool", "Obey robots.txt where a site serves one.", default=True),
    "withdraw_after_runs": Option("int", "Consecutive 404/410 runs before a document counts as withdrawn.",
                                  default=2, minimum=1),
    "suspect_removal_share": Option("float", "A list change removing more than this share in one step is "
                                    "flagged \"needs review\".", default=0.25, minimum=0),
    "flapping_window": Option("int", "How many earlier versions are remembered to detect a page that flips "
                              "back and forth.", default=5, minimum=1),
    "max_pages": Option("int", "Newest listing pages read per run while they bring new rows; past it, "
                        "the rest is read as history.", default=50, minimum=1),
    "history_pages": Option("int", "Pages of each listing's history read per run until it is read to its end.",
                            default=5, minimum=1),
    "classify_rules": Option("str", "A TOML file of classification rules merged over the built-in ones.",
                             default=""),
    "crawl_budget_minutes": Option("float", "Wall-clock budget of one crawl of one source; a crawl past it is "
                                   "killed and reported as `failed` (a `[sources.<id>]` key too).",
                                   default=60.0, minimum=0.01),
    "crawl_processes": Option("int", "How many sources are crawled at once, each in its own process with its own "
                              "budget; 0 means one per CPU core.", default=0, minimum=0),
    "recheck_withdrawn_days": Option("float", "How long a withdrawn document is still re-checked, so that it "
                                     "is restored if it answers again.", default=30.0, minimum=0),
    "replay": Option("bool", "After a quiet crawl, first re-issue its requests without Scrapy; a source whose "
                     "answers are all unchanged is done, any difference goes to a full crawl.", default=True),
}

SOURCE_OVERRIDE: dict[str, Option] = {
    "base_url": Option("url", "Where the source is fetched from (a proxy or the replica)."),
    "enabled": Option("bool", "Whether the source is crawled."),
    "schedule": Option("cron", "Cron expression (Asia/Shanghai), or `every 10s` / `every 5m` / `every 2h`; "
                       "checked on load."),
    "crawl_budget_minutes": Option("float", "Wall-clock budget of one crawl of this source.", minimum=0.01),
    "stale_after_hours": Option("float", "Hours without a good crawl before the source is 'stale'.", minimum=0),
}

NOTIFY: dict[str, Option] = {
    "max_attempts": Option("int", "Tries before a row is dead and an `outbox.dead` alert goes to ops routes.",
                           default=8, minimum=1),
    "backoff_base_seconds": Option("float", "First retry delay; it doubles each attempt, with jitter.",
                                   default=30.0, minimum=0),
    "backoff_max_seconds": Option("float", "Longest retry delay.", default=3600.0, minimum=0),
    "lease_seconds": Option("float", "How long a worker holds claimed rows; a crashed worker's rows are retried "
                            "after this.", default=120.0, minimum=0.1),
    "batch_size": Option("int", "Rows claimed per pass.", default=50, minimum=1),
}

# The vocabularies (categories, authorities, change kinds) are checked where they are declared,
# when the notifier builds its routes.
ROUTE: dict[str, Option] = {
    "channels": Option("list", "Channel names to deliver through.", required=True),
    "categories": Option("list", "Document categories wanted (default the four content categories)."),
    "authorities": Option("list", "Authorities wanted (all when left out)."),
    "kinds": Option("list", "Change kinds wanted, `list.*` style prefixes allowed (all when left out)."),
    "keywords": Option("list", "jieba words that must occur; end one with `*` for a substring match."),
    "mode": Option("str", "Send each change at once, or bundle them daily.", default="immediate",
                   choices=("immediate", "digest")),
    "digest_at": Option("time", "Digest time, HH:MM Asia/Shanghai (digest mode only; default 09:00)."),
    "ops": Option("bool", "Receive the health alerts (`source.health`, `outbox.dead`) and nothing else.",
                  default=False),
    "review": Option("bool", "Also receive the documents whose classification is a close call (needs review), "
                     "even those classified irrelevant.", default=False),
    "severities": Option("list", "Only changes of these severities (`info`, `warning`, `critical`; all when left "
                         "out)."),
    "min_severity": Option("str", "Only changes of this severity or a higher one.",
                           choices=("info", "warning", "critical")),
    "format": Option("str", "`summary`: headline, counts and the first rows; `full`: every row and clause word by "
                     "word (both within each channel's limits).", default="full", choices=("full", "summary")),
    "templates": Option("str", "Folder of Jinja2 templates (`email.html`, `message.txt`, `message.md`) that "
                        "replace the shipped ones."),
    "watchlist": Option("bool", "Receive the `supplier.*` alerts about watched suppliers (and nothing else unless "
                        "`categories` is set).", default=False),
    "owner_channel": Option("str", "An email channel through which each supplier alert also goes to the "
                            "supplier's owner (watchlist routes only)."),
}

# [severity] maps change kinds to severities; its keys are the kinds, checked by the notifier.

SERVE: dict[str, Option] = {
    "public_url": Option("url", "Where users reach `regwatch serve`; alerts then link to "
                         "`{public_url}/-/regwatch/change/{id}`."),
}

WATCHLIST: dict[str, Option] = {
    "report": Option("str", "How often the supplier verification report is e-mailed.", default="off",
                     choices=("off", "daily", "weekly")),
    "report_at": Option("time", "When the report goes out, HH:MM Asia/Shanghai.", default="08:00"),
    "report_day": Option("str", "Weekday of a weekly report.", default="mon",
                         choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun")),
    "report_channel": Option("str", "The email channel (a `[channels.*]` name) the report goes through.",
                             default=""),
}

# --------------------------------------------------------------------------- crawler/sources.toml

SOURCE: dict[str, Option] = {
    "name": Option("str", "The authority's name as it publishes it.", required=True),
    "name_en": Option("str", "Its English name.", default=""),
    "authority": Option("str", "Short authority code used in routes and alerts (MIIT, SAMR).", required=True),
    "platform": Option("str", "Which spider reads it: `hanweb` (MIIT, SAMR) or `page` (any HTML listing or page).",
                       default="hanweb", choices=("hanweb", "page")),
    "base_url": Option("url", "Where it is fetched from; overridable in regwatch.toml.", required=True),
    "hosts": Option("list", "Its real host names; links to them are rewritten to `base_url`.", default=()),
    "schedule": Option("str", "Cron expression (Asia/Shanghai), or `every 10s` / `every 5m` / `every 2h`.",
                       required=True),
    "stale_after_hours": Option("float", "Hours without a good run before the source counts as stale.",
                                default=6.0, minimum=0),
    "ignore_patterns": Option("list", "Regular expressions of page noise removed before comparing.", default=()),
    "unit": Option("table", "How a column shell names its build/unit API (`shell_script`, `page_size`).",
                   default={}),
    "listing": Option("table", "Selectors of a listing row (`row`, `link`, `date`).", default={}),
    "article": Option("table", "Selectors of an article (`title`, `time`, `source`, `body`, `remove`, "
                      "`attachments`).", default={}),
    "columns": Option("tables", "The columns read, each with `name` and `path`.", default=[]),
    "search": Option("table", "The site search API: `path`, `referer`, `page_size`, `keywords`, `params`.",
                     default={}),
    "enabled": Option("bool", "Whether the source is crawled.", default=True),
    "crawl_budget_minutes": Option("float", "Wall-clock budget of one crawl; unset, the [regwatch] default.",
                                   minimum=0.01),
    "unverified": Option("str", "Where its selectors came from, until someone confirms them on the live site.",
                         default=""),
}

SOURCE_ARTICLE: dict[str, Option] = {
    "title": Option("str", "CSS selector of the article's title."),
    "time": Option("str", "CSS selector of its visible publication time."),
    "source": Option("str", "CSS selector of the line naming the issuing body."),
    "body": Option("str", "CSS selector of the main text."),
    "remove": Option("str", "Comma-separated selectors removed from the body first (scripts, chrome)."),
    "attachments": Option("str", "Selector of attachment links (default: links to files in the body)."),
}

SOURCE_LISTING: dict[str, Option] = {
    "row": Option("str", "CSS selector of one row of a build/unit HTML fragment."),
    "link": Option("str", "Selector of the row's link (default `a[href]`)."),
    "date": Option("str", "Selector of the row's date, inside the row or `+ sel` / `~ sel` for a sibling."),
    "title_attr": Option("str", "Attribute of the link holding the full title (default `title`)."),
}

# A `page` source's listing: the same row selectors (CSS, or XPath starting with / or xpath:) on a
# whole HTML page, plus its paging.
SOURCE_PAGE_LISTING: dict[str, Option] = {
    **SOURCE_LISTING,
    "next_page": Option("str", "Selector of the link to the next listing page."),
    "page_url": Option("str", "Address of listing page N with `{n}` for the number, relative to the column."),
    "first_page_number": Option("int", "The `{n}` of the second listing page.", default=2, minimum=0),
    "max_pages": Option("int", "Listing pages read per column and run.", default=5, minimum=1),
}

SOURCE_COLUMN: dict[str, Option] = {
    "name": Option("str", "The column's name, shown in health messages and alerts.", required=True),
    "path": Option("str", "Its address, relative to `base_url`.", required=True),
    "watch": Option("str", "`listing` (follow each row to its article) or `page` (watch this page as a whole).",
                    default="listing", choices=("listing", "page")),
    "body": Option("str", "For `watch = \"page\"`: selector of the part watched (default the article body, "
                   "else the whole body)."),
}

# --------------------------------------------------------------------------- classification rules

RULES_TOP: dict[str, Option] = {
    "version": Option("int", "Format version of the rules file.", default=1),
    "title_factor": Option("float", "Weight multiplier for a phrase found in the title.", default=2.0),
    "attachment_factor": Option("float", "Weight multiplier for a phrase found only in attachments.", default=0.5),
    "stage_min_score": Option("float", "Body score a stage needs; weaker hints give no stage.", default=0.0),
    "folds": Option("table", "Variant wordings folded to one form before matching.", default={}),
    "subject": Option("table", "Is the document about traction-battery recycling at all.", default={}),
    "lookalikes": Option("table", "Look-alike lists: one in the title makes a document irrelevant.", default={}),
    "news": Option("table", "Phrases of news items rather than announcements.", default={}),
    "categories": Option("table", "Phrases per category.", default={}),
    "revocation": Option("table", "Phrases of a revocation (撤销, 取消).", default={}),
    "rename": Option("table", "Phrases of an announced name change (名称变更).", default={}),
    "stages": Option("table", "Phrases per stage, read from the body only.", default={}),
    "column_hints": Option("table", "Column path fragment to the stage its documents usually have.", default={}),
    "short_text": Option("table", "Short texts (a relayed headline): `max_chars` and the `title_factor` they use.",
                         default={}),
    "intent": Option("table", "Future or ongoing forms (拟, 将, 正在起草): a plan is not a publication.", default={}),
    "done": Option("table", "Done forms (印发, 予以发布) that outweigh an intent.", default={}),
    "enforcement": Option("table", "Battery enforcement at any level: `subject` and `action` scored tables.",
                          default={}),
    "review": Option("table", "When a verdict needs review: `ratio`, `related_margin`, `subject_floor`.",
                     default={}),
}

RULES_SHORT_TEXT: dict[str, Option] = {
    "max_chars": Option("int", "A body shorter than this (whitespace removed) is a short text.", default=0,
                        minimum=0),
    "title_factor": Option("float", "Title weight for short texts, unless they read as news.", default=0.0,
                           minimum=0),
}

RULES_ENFORCEMENT: dict[str, Option] = {
    "subject": Option("table", "Battery words (scored table: `min_score`, `phrases`, `patterns`).", default={}),
    "action": Option("table", "Enforcement words (scored table).", default={}),
}

RULES_REVIEW: dict[str, Option] = {
    "ratio": Option("float", "A runner-up at this share of the winner's score (and at its own threshold) is "
                    "too close to call.", default=0.8, minimum=0),
    "related_margin": Option("float", "`related` won, but a category was within this of its threshold.",
                             default=2.0, minimum=0),
    "subject_floor": Option("float", "`irrelevant`, yet subject phrases scored at least this.", default=2.0,
                            minimum=0),
}

RULES_SCORED: dict[str, Option] = {
    "min_score": Option("float", "Score needed to count.", default=0.0),
    "phrases": Option("table", "Phrase = weight; weight 0 in an override removes a phrase.", default={}),
    "patterns": Option("table", "Regular expression = weight, matched with whitespace removed.", default={}),
}

RULES_LOOKALIKE: dict[str, Option] = {k: v for k, v in RULES_SCORED.items() if k != "min_score"}

RULES_CATEGORY: dict[str, Option] = {
    "priority": Option("int", "Tie-break order between categories (lower wins)."),
    "min_score": RULES_SCORED["min_score"],
    "requires_any": Option("list", "At least one of these phrases must occur (none when left out)."),
    "stages": Option("list", "Stages a document of this category may have (none when left out)."),
    "stage_aliases": Option("table", "Stage read from the body → stage recorded.", default={}),
    "phrases": RULES_SCORED["phrases"],
    "patterns": RULES_SCORED["patterns"],
    "negative": Option("table", "Phrases that subtract from this category.", default={}),
}

RULES_STAGE: dict[str, Option] = RULES_LOOKALIKE


def default(name: str) -> Any:
    """The declared default of a [regwatch] key, for code that runs without a loaded config."""
    return GENERAL[name].default
