"""Fuzzing the readers of hostile input with hypothesis: the HTML extractor, the listing parser,
the attachment parsers (mutated real files, parsed through the limited worker), the doc-number
and date parsers, the clause splitter and the name normaliser. Each may only return (or raise
its own errors), must finish, and must never need the worker's time or memory limit.

CI runs a few examples each; `make fuzz` runs the long campaign (REGWATCH_FUZZ=campaign, and
REGWATCH_FUZZ_EXAMPLES=N to choose its length).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.article import extract_article
from crawler.extract.attachments import ParsedAttachment
from crawler.extract.listing import extract_listing_rows, pagination_info
from crawler.extract.metadata import (
    batch_number,
    chinese_numeral_to_int,
    comment_deadline,
    find_doc_number,
    issuing_body,
    parse_cn_date,
    parse_datetime_cst,
    signature_date,
)
from crawler.extract.sandbox import parse_attachment_bounded
from crawler.sources import load_sources
from diff.clauses import diff_clauses, split_clauses
from diff.names import name_similarity, normalize_name, short_form_match

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIIT = load_sources()["miit"]
CAMPAIGN = os.environ.get("REGWATCH_FUZZ") == "campaign"
EXAMPLES = int(os.environ.get("REGWATCH_FUZZ_EXAMPLES") or (1000 if CAMPAIGN else 15))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not CAMPAIGN,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------- text pieces

PIECES = ["年", "月", "日", "〔", "〕", "[", "]", "（", "）", "第", "号", "号令", "二〇", "二〇二六", "十二", "三十一",
          "１", "２０２６", "2026", "13", "0", "99999999999", "工信部联节", "国市监处罚", "工业和信息化部公告",
          "市场监管总局令", "批", "第六批", "公示", "截止", "前", "一、", "（一）", "1.", "第一条", "第十条", "\n", " ",
          "\t", "—", ":", "：", "年本", "有限公司", "股份有限公司", "宁德时代", "（江苏）", "(", ")", "\u3000",
          "\x00", "\x1b", "\u202e", "①", "〇", "零"]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join)

# --------------------------------------------------------------------------- HTML

TAGS = ["div", "p", "span", "table", "tr", "td", "th", "tbody", "a", "br", "ul", "li", "h1", "script", "b"]


@st.composite
def html_pages(draw) -> str:
    depth = draw(st.integers(0, 300))
    parts = ['<html><head><meta charset="utf-8"><title>t</title></head><body>',
             '<h1 id="con_title">', draw(texts), "</h1>", '<div id="con_con">']
    parts += ["<div>"] * depth
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(st.sampled_from(TAGS))
        attrs = ""
        if tag in ("td", "th"):
            attrs = (f' rowspan="{draw(st.sampled_from(["1", "2", "1000", "99999", "-3", "x", "2e9"]))}"'
                     f' colspan="{draw(st.sampled_from(["1", "3", "50", "1000", "65535", "", "0"]))}"')
        if tag == "a":
            attrs = f' href="{draw(st.sampled_from(["/a.pdf", "javascript:x", "http://x/b.xlsx", "", "#"]))}"'
        closing = draw(st.booleans())
        parts.append(f"<{tag}{attrs}>{draw(texts)}" + (f"</{tag}>" if closing else ""))
    parts += ["</div>"] * depth
    parts.append("</div></body></html>")
    return "".join(parts)


@FUZZ
@given(page=html_pages(), raw=st.binary(max_size=200))
def test_html_extractor_returns_an_article_or_a_reason(page, raw):
    for body in (page.encode("utf-8"), raw, page.encode("gb18030", "replace")):
        article = extract_article(body, "https://www.miit.gov.cn/a/art_0.html", MIIT.article)
        assert article.failed is None or article.failed.strip()
        assert isinstance(article.text, str) and isinstance(article.tables, list)


LISTING = json.loads((FIXTURES / "extract" / "listing_fragments.json").read_text("utf-8"))["cases"]


@FUZZ
@given(case=st.sampled_from(LISTING), cut=st.integers(0, 5000), noise=texts)
def test_listing_parser_reads_rows_or_nothing(case, cut, noise):
    fragment = case["html"][:cut] + noise + case["html"][cut:]
    rows = extract_listing_rows(fragment, case["base_url"], case.get("selectors") or MIIT.listing)
    assert all(row.url.startswith(("http://", "https://")) for row in rows)
    pagination_info(fragment)


# --------------------------------------------------------------------------- attachments

SEEDS = {name: (FIXTURES / "replica" / name).read_bytes()
         for name in ("batch3_0.xlsx", "batch2_0.docx", "batch1_0.pdf")}
NUMBERS = [b"0", b"1", b"64", b"65", b"1000", b"2000000000", b"-1", b"XFD1048576", b"A1:CV100000", b"\xff"]


@st.composite
def mutated(draw, name: str) -> bytes:
    data = SEEDS[name]
    if name.endswith((".xlsx", ".docx")) and draw(st.booleans()):
        return _mutate_member(draw, data)
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if op == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(NUMBERS))
        else:
            del data[max(1, at):]
    return bytes(data)


def _mutate_member(draw, package: bytes) -> bytes:
    """Change the main XML part of an OOXML package (numbers, spans, references), keep it a ZIP."""
    source = zipfile.ZipFile(io.BytesIO(package))
    parts = [n for n in source.namelist() if n.endswith(".xml")]
    target_name = draw(st.sampled_from(parts))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == target_name:
                for _ in range(draw(st.integers(1, 6))):
                    quote = data.find(b'"', draw(st.integers(0, max(0, len(data) - 1))))
                    if quote > 0:
                        data = data[:quote + 1] + draw(st.sampled_from(NUMBERS)) + data[quote + 1:]
            target.writestr(info.filename, data)
    return out.getvalue()


def _check(parsed: ParsedAttachment) -> None:
    assert parsed.status in ("ok", "failed", "unsupported")
    if parsed.status != "ok":
        assert parsed.error and parsed.error.strip()
        assert "parse stopped" not in parsed.error, f"needed the worker's limit: {parsed.error}"


@FUZZ
@given(data=mutated("batch3_0.xlsx"))
def test_xlsx_parser_on_mutated_real_files(data):
    _check(parse_attachment_bounded(data, "名单.xlsx"))


@FUZZ
@given(data=mutated("batch2_0.docx"))
def test_docx_parser_on_mutated_real_files(data):
    _check(parse_attachment_bounded(data, "名单.docx"))


@FUZZ
@given(data=mutated("batch1_0.pdf"))
def test_pdf_parser_on_mutated_real_files(data):
    _check(parse_attachment_bounded(data, "名单.pdf"))


# --------------------------------------------------------------------------- metadata, clauses, names

@FUZZ
@given(text=texts, title=texts)
def test_doc_number_and_date_parsers_return_a_value_or_none(text, title):
    number = find_doc_number(text, title=title)
    assert number is None or isinstance(number, str)
    for parse in (parse_cn_date, parse_datetime_cst, signature_date, comment_deadline, batch_number):
        parse(text)
    chinese_numeral_to_int(title)
    issuing_body(text, {"ContentSource": title})


@FUZZ
@given(old=texts, new=texts)
def test_clause_splitter_and_diff_accept_any_text(old, new):
    clauses = split_clauses(old)
    assert all(isinstance(c.body, str) for c in clauses)
    diff_clauses(old, new)


@FUZZ
@given(a=texts, b=texts)
def test_name_normaliser_is_idempotent_and_total(a, b):
    once = normalize_name(a)
    assert normalize_name(once) == once
    assert 0.0 <= name_similarity(a, b) <= 1.0
    short_form_match(a, b)
