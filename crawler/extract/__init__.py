"""Extraction: pure functions from page and attachment bytes to text, tables and metadata.

Nothing here imports Scrapy; heavy parsers (lxml, pdfplumber, python-docx, openpyxl, xlrd,
jieba) load inside the functions that need them. Import the module you need
(crawler.extract.html, .attachments, .listtable, .metadata); this package re-exports nothing.
"""
