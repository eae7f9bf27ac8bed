"""Scrapy settings for regwatch. Polite by default; the CLI and tests override a few.

Prefixed REGWATCH_* settings configure our own components.
"""

from regwatch import __version__

BOT_NAME = "regwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness -------------------------------------------------------------------------
# MIIT refuses clients that do not look like a browser, so the default UA is browser-compatible
# and still names regwatch.
USER_AGENT = f"Mozilla/5.0 (compatible; regwatch/{__version__})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = False

# --- Robustness -------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 50_000_000
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

# --- Reactor and engine -------------------------------------------------------------------
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- regwatch components -----------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SourceGuardMiddleware": 50,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StoragePipeline": 300,
}
REGWATCH_DB = "regwatch.db"
REGWATCH_BLOBS = "regwatch-blobs"
REGWATCH_SOURCE_OVERRIDES = {}      # {source_id: {base_url: ...}} from regwatch.toml / environment
REGWATCH_SEVERITIES = {}            # per-kind severity overrides ([severity] in regwatch.toml)
REGWATCH_ROUTES = []                # route filters as dicts (storage.routing.RouteFilter fields)
REGWATCH_FULL = False               # read every listing page, not just until known rows
REGWATCH_MAX_PAGES = 50
REGWATCH_WITHDRAW_AFTER_RUNS = 2
REGWATCH_SUSPECT_REMOVAL_SHARE = 0.25
REGWATCH_FLAPPING_WINDOW = 5
