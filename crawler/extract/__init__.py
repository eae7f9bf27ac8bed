"""Extraction: pure functions from page and attachment bytes to text, tables, list entries and metadata.

Nothing here imports Scrapy; heavy parsers (lxml, pdfplumber, python-docx, openpyxl, xlrd, jieba) load
inside the functions that need them, so importing a module here is instant.
"""
