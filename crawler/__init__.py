"""The Scrapy project that fetches the regulators' sites and hands documents to storage."""
