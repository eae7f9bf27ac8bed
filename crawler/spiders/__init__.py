"""One spider per configured source, of one generic class per platform (Hanweb JPaaS, or any
HTML `page`).

The classes are made from sources.toml and sources.d/ at import time so that `scrapy list` and
`scrapy crawl miit` work as Scrapy users expect; a source defined in regwatch.toml gets its class
from `spider_class` when it is crawled.
"""

from crawler.sources import Source, load_sources
from crawler.spiders.hanweb import HanwebSpider
from crawler.spiders.page import PageSpider

PLATFORM_SPIDERS: dict[str, type[HanwebSpider]] = {"hanweb": HanwebSpider, "page": PageSpider}


def spider_class(source: Source) -> type[HanwebSpider]:
    """The spider class for one source: its platform's class, named after the source."""
    name = f"{source.id.replace('-', '_').capitalize()}Spider"
    return type(name, (PLATFORM_SPIDERS[source.platform],), {"name": source.id, "__module__": __name__})


for _source in load_sources().values():
    globals()[f"{_source.id.replace('-', '_').capitalize()}Spider"] = spider_class(_source)
del _source  # a loop variable left holding a class would make Scrapy see that spider twice
