"""Extraction: pure functions from page and attachment bytes to text, tables and metadata.

Nothing here imports Scrapy; heavy parsers (lxml, pdfplumber, python-docx, openpyxl, xlrd,
jieba) load inside the functions that need them, so importing this package is instant.
"""

from crawler.extract.attachments import ParsedAttachment, parse_attachment, parser_help, sniff_kind
from crawler.extract.html import (
    Article,
    ListingRow,
    Pagination,
    SelectorError,
    decode_html,
    extract_article,
    extract_listing_rows,
    pagination_info,
)
from crawler.extract.listtable import Entry, ListTableResult, entries_from_tables, normalize_type
from crawler.extract.metadata import (
    batch_number,
    chinese_numeral_to_int,
    comment_deadline,
    find_doc_number,
    find_doc_numbers,
    issuing_body,
    parse_cn_date,
    parse_datetime_cst,
    signature_date,
)

__all__ = [
    "Article",
    "Entry",
    "ListTableResult",
    "ListingRow",
    "Pagination",
    "ParsedAttachment",
    "SelectorError",
    "batch_number",
    "chinese_numeral_to_int",
    "comment_deadline",
    "decode_html",
    "entries_from_tables",
    "extract_article",
    "extract_listing_rows",
    "find_doc_number",
    "find_doc_numbers",
    "issuing_body",
    "normalize_type",
    "pagination_info",
    "parse_attachment",
    "parse_cn_date",
    "parse_datetime_cst",
    "parser_help",
    "signature_date",
    "sniff_kind",
]
