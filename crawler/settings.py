"""Scrapy settings for regwatch. Polite by default; the CLI and tests override a few.

Prefixed REGWATCH_* settings configure our own components. Values that regwatch.toml can set take
their defaults from its declarations (options.declared), so each default has one home.
"""

from scrapy.settings.default_settings import EXTENSIONS_BASE as _SCRAPY_EXTENSIONS

from options import GENERAL

BOT_NAME = "regwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness -------------------------------------------------------------------------
# MIIT refuses clients that do not look like a browser, so the default UA is browser-compatible
# and still names regwatch.
USER_AGENT = GENERAL["user_agent"].default
ROBOTSTXT_OBEY = GENERAL["obey_robots"].default
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = GENERAL["download_delay"].default  # the mean gap to one host, and AutoThrottle's floor
DOWNLOAD_DELAY_JITTER = 0.5         # ±50%, drawn once per request by crawler.politeness (Scrapy re-draws
DOWNLOADER = "crawler.politeness.PoliteDownloader"  # on every look at the queue: 2.38 s real for 2.0 s)
# Slow down when the site slows down (delay ≈ latency ÷ target concurrency), never below the delay.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.0       # start at the floor (DOWNLOAD_DELAY), not above it
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- Robustness -------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = GENERAL["download_timeout"].default
DOWNLOAD_MAXSIZE = GENERAL["max_download_bytes"].default
DOWNLOAD_WARNSIZE = 20_000_000
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
# Never use Scrapy's HTTP cache: it hides outages (serves stale copies on 5xx) and misses changes
# on pages without validators. We send our own conditional requests instead.
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = True

# --- Off: nothing listens -----------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Scrapy imports every listed extension, even a disabled one, to normalise the list; these two
# pull in aiohttp and twisted.conch, about a third of a small crawl's start-up. Leave them out.
EXTENSIONS_BASE = {k: v for k, v in _SCRAPY_EXTENSIONS.items()
                   if not k.endswith((".RemoteControl", ".TelnetConsole"))}

# --- Reactor and engine -------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy re-reads and re-parses a callback's source on every response to warn about
# `return value` in generators: 11% of a crawl's wall clock. Our callbacks return nothing.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy hands each response's output to CONCURRENT_ITEMS asyncio tasks, created afresh for every
# response (100 by default: 8% of a full crawl's time spent creating and awaiting tasks). The
# storage pipeline is synchronous, so one at a time loses nothing and keeps the output's order.
CONCURRENT_ITEMS = 1

# --- regwatch components -----------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SourceGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,   # no site needs HTTP auth
}
# Layers every yielded request passes through that we do not use (depth limits and stats, the
# meta-copy debugging check): each wraps the callback's output once more.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StoragePipeline": 300,
}
EXTENSIONS = {
    "crawler.runs.RunBookkeeping": 500,   # the crawl_runs row and health alerts, on spider_closed
}
REGWATCH_DB = GENERAL["database"].default
REGWATCH_BLOBS = GENERAL["blobs"].default
# {source_id: {base_url: ...}} from regwatch.toml / environment
REGWATCH_SOURCE_OVERRIDES: dict[str, dict[str, object]] = {}
# route filters as dicts (storage.routing.RouteFilter fields)
REGWATCH_ROUTES: list[dict[str, object]] = []
# per-kind severity overrides ([severity] in regwatch.toml)
REGWATCH_SEVERITIES: dict[str, str] = {}
REGWATCH_FULL = False               # read every listing page, not just until known rows
REGWATCH_MAX_PAGES = GENERAL["max_pages"].default
REGWATCH_BACKFILL_PAGES = GENERAL["history_pages"].default   # listing pages of history per run
REGWATCH_WITHDRAW_AFTER_RUNS = GENERAL["withdraw_after_runs"].default
REGWATCH_SUSPECT_REMOVAL_SHARE = GENERAL["suspect_removal_share"].default
REGWATCH_FLAPPING_WINDOW = GENERAL["flapping_window"].default
REGWATCH_CLASSIFY_RULES = GENERAL["classify_rules"].default
REGWATCH_RECHECK_WITHDRAWN_DAYS = GENERAL["recheck_withdrawn_days"].default  # withdrawn docs re-checked this long
