"""One spider per configured source, all of one generic class per platform (Hanweb JPaaS).

The classes are made from sources.toml at import time so that `scrapy list` and
`scrapy crawl miit` work as Scrapy users expect.
"""

from crawler.sources import load_sources
from crawler.spiders.hanweb import HanwebSpider

for _source_id in load_sources():
    _name = f"{_source_id.capitalize()}Spider"
    globals()[_name] = type(_name, (HanwebSpider,), {"name": _source_id, "__module__": __name__})
