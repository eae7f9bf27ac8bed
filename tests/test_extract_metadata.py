"""文号, dates, signature blocks, comment deadlines and batch numbers from official text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crawler.extract.metadata import (
    batch_number,
    chinese_numeral_to_int,
    comment_deadline,
    find_doc_number,
    find_doc_numbers,
    issuing_body,
    parse_cn_date,
    parse_datetime_cst,
    scan_doc_numbers,
    signature_date,
)

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
BATCH1 = (FIXTURES / "announcement_miit_2018_no40_batch1.txt").read_text("utf-8")
CERTIFICATION = (FIXTURES / "announcement_samr_miit_2023_tici_certification.txt").read_text("utf-8")

DOC_NUMBERS = [
    ("miit-notice", "工业和信息化部公告2018年第40号", ["工业和信息化部公告2018年第40号"]),
    ("miit-notice-spaces", "工业和信息化部公告 2018 年第 40 号", ["工业和信息化部公告2018年第40号"]),
    ("miit-notice-newline", "工业和信息化部公告2018年\n第40号", ["工业和信息化部公告2018年第40号"]),
    ("miit-notice-header-split", "中华人民共和国工业和信息化部公告\n\n2018年第40号\n\n按照…",
     ["工业和信息化部公告2018年第40号"]),
    ("miit-notice-fullwidth-digits", "工业和信息化部公告２０１９年第５９号", ["工业和信息化部公告2019年第59号"]),
    ("miit-short-late-form", "工信部2026年第20号公告", ["工信部公告2026年第20号"]),
    ("jiehan", "工信部节函〔2024〕186号", ["工信部节函〔2024〕186号"]),
    ("lianjie", "工信部联节〔2021〕114号", ["工信部联节〔2021〕114号"]),
    ("lianjie-square-ascii", "工信部联节[2021]114号", ["工信部联节〔2021〕114号"]),
    ("lianjie-square-fullwidth", "工信部联节［2021］114号", ["工信部联节〔2021〕114号"]),
    ("lianjie-round-fullwidth", "工信部联节（2018）43号", ["工信部联节〔2018〕43号"]),
    ("lianjie-lenticular", "工信部联节【2018】43号", ["工信部联节〔2018〕43号"]),
    ("samr-penalty", "国市监处罚〔2026〕29号", ["国市监处罚〔2026〕29号"]),
    ("samr-penalty-round", "国市监处罚(2026)29号", ["国市监处罚〔2026〕29号"]),
    ("samr-inspection", "国市监稽发〔2026〕7号", ["国市监稽发〔2026〕7号"]),
    ("samr-order", "市场监管总局令第 88 号", ["市场监管总局令第88号"]),
    ("six-ministries-order", "六部门令第73号", ["六部门令第73号"]),
    ("miit-order-prc-prefix", "中华人民共和国工业和信息化部令第53号", ["工业和信息化部令第53号"]),
    ("shenzhen-district", "深市监华处罚〔2022〕大浪38号", ["深市监华处罚〔2022〕大浪38号"]),
    ("cited-after-genju", "根据工信部联节〔2021〕114号文件要求", ["工信部联节〔2021〕114号"]),
    ("two-numbers", "国市监稽发〔2026〕7号、工信部节函〔2026〕12号",
     ["国市监稽发〔2026〕7号", "工信部节函〔2026〕12号"]),
    ("not-an-order", "责令第二号整改", []),
    ("standard-is-not-a-number", "GB/T 36972-2018《电动自行车用锂离子蓄电池》", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DOC_NUMBERS], ids=[c[0] for c in DOC_NUMBERS])
def test_find_doc_numbers(text: str, expected: list[str]) -> None:
    assert find_doc_numbers(text) == expected


OWN_NUMBER = [
    ("batch1-header-split-over-lines", None, BATCH1, "工业和信息化部公告2018年第40号"),
    ("citation-only", None, CERTIFICATION, None),
    (
        "own-header-beats-body-citation",
        None,
        "市场监管总局办公厅文件\n国市监稽发〔2026〕7号\n根据《新能源汽车动力蓄电池梯次利用管理办法》(工信部联节〔2021〕114号)，…",
        "国市监稽发〔2026〕7号",
    ),
    (
        "citation-first-own-number-later-on-its-own-line",
        None,
        "依据《新能源汽车动力蓄电池梯次利用管理办法》（工信部联节〔2021〕114号）制定。\n\n（工信部节函〔2026〕12号）\n",
        "工信部节函〔2026〕12号",
    ),
    (
        "title-wins",
        "市场监管总局行政处罚决定书（国市监处罚〔2026〕29号）",
        "根据市场监管总局令第2号……",
        "国市监处罚〔2026〕29号",
    ),
    ("nothing", "关于召开座谈会的通知", "各有关单位：定于5月召开座谈会。", None),
]


@pytest.mark.parametrize(("title", "text", "expected"), [c[1:] for c in OWN_NUMBER], ids=[c[0] for c in OWN_NUMBER])
def test_find_doc_number_prefers_own_number(title: str | None, text: str, expected: str | None) -> None:
    assert find_doc_number(text, title=title) == expected


CITED = [
    ("in-parentheses-after-title", CERTIFICATION, True),
    ("after-genju", "根据工信部联节〔2021〕114号文件要求", True),
    ("after-guanche-luoshi", "为贯彻落实工信部联节〔2021〕114号精神", True),
    ("after-zhuanfa", "关于转发国市监稽发〔2026〕7号的通知", True),
    ("header-line", "国市监稽发〔2026〕7号\n各省、自治区、直辖市市场监管局：", False),
]


@pytest.mark.parametrize(("text", "cited"), [c[1:] for c in CITED], ids=[c[0] for c in CITED])
def test_citation_is_flagged(text: str, cited: bool) -> None:
    found = scan_doc_numbers(text)
    assert len(found) == 1
    assert found[0].cited is cited


DATES = [
    ("cn", "2026年4月28日", date(2026, 4, 28)),
    ("cn-padded", "2026年04月28日", date(2026, 4, 28)),
    ("cn-spaces", "2026 年 4 月 28 日", date(2026, 4, 28)),
    ("iso", "2026-04-28", date(2026, 4, 28)),
    ("slash", "2026/4/28", date(2026, 4, 28)),
    ("dot", "2026.4.28", date(2026, 4, 28)),
    ("fullwidth-digits", "２０２６年４月２８日", date(2026, 4, 28)),
    ("fullwidth-dash", "２０２６－０４－２８", date(2026, 4, 28)),
    ("han-numerals", "二〇一八年九月三日", date(2018, 9, 3)),
    ("han-numerals-tens", "二〇二六年十二月三十一日", date(2026, 12, 31)),
    ("han-circle-zero", "二○一六年一月二十一日", date(2016, 1, 21)),
    ("in-sentence", "发布时间：2026-09-30 16:27", date(2026, 9, 30)),
    ("invalid-day", "2026年2月30日", None),
    ("standard-number", "GB/T 36972-2018", None),
    ("no-date", "第六批", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DATES], ids=[c[0] for c in DATES])
def test_parse_cn_date(text: str, expected: date | None) -> None:
    assert parse_cn_date(text) == expected


DATETIMES = [
    ("con-time", "发布时间：2026-09-30 16:27", (2026, 9, 30, 16, 27, 0)),
    ("pubdate", "2026-09-30 16:48", (2026, 9, 30, 16, 48, 0)),
    ("maketime", "2026-10-01 18:04:24", (2026, 10, 1, 18, 4, 24)),
    ("fullwidth-colon", "发布时间：２０２６-０９-３０　１６：２７", (2026, 9, 30, 16, 27, 0)),
    ("cn-time", "2026年9月30日 16时27分", (2026, 9, 30, 16, 27, 0)),
    ("date-only-is-midnight", "2026-09-30", (2026, 9, 30, 0, 0, 0)),
    ("deploytime-epoch-ms", "1790132090256", (2026, 9, 23, 10, 54, 50)),
]


@pytest.mark.parametrize(("text", "parts"), [c[1:] for c in DATETIMES], ids=[c[0] for c in DATETIMES])
def test_parse_datetime_cst_is_aware_beijing_time(text: str, parts: tuple[int, ...]) -> None:
    value = parse_datetime_cst(text)
    assert value is not None
    assert value.utcoffset() == timedelta(hours=8)
    assert (value.year, value.month, value.day, value.hour, value.minute, value.second) == parts


def test_parse_datetime_cst_none_without_date() -> None:
    assert parse_datetime_cst("浏览次数：12") is None
    assert parse_datetime_cst("") is None


def test_deploytime_matches_recorded_utc() -> None:
    # SITES.md: "1790132090256" = 2026-09-23T02:54:50Z.
    value = parse_datetime_cst("1790132090256")
    assert value is not None
    assert value.timestamp() == pytest.approx(1790132090.256)
    assert value.astimezone(UTC).replace(microsecond=0) == datetime(2026, 9, 23, 2, 54, 50, tzinfo=UTC)


NUMERALS = [
    ("di-liu-pi", "第六批", 6), ("er-shi-san", "二十三", 23), ("liang", "两", 2), ("digit-batch", "第6批", 6),
    ("shi-yi", "十一", 11), ("shi", "十", 10), ("fullwidth", "第２批", 2), ("yi-bai-ling-wu", "一百零五", 105),
    ("year-digits", "二〇一八", 2018), ("not-a-number", "批次", None), ("empty", "", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in NUMERALS], ids=[c[0] for c in NUMERALS])
def test_chinese_numeral_to_int(text: str, expected: int | None) -> None:
    assert chinese_numeral_to_int(text) == expected


BATCHES = [
    ("fullwidth-round", "企业名单（第六批）", 6),
    ("ascii-round", "企业名单(第一批)", 1),
    ("digits", "企业名单（第6批）", 6),
    ("square-fullwidth", "企业名单［第十一批］", 11),
    ("lenticular", "企业名单【第二十三批】", 23),
    ("spaces", "企业名单 （ 第 四 批 ）", 4),
    ("no-batch", "企业名单", None),
    ("other-batch-wording", "第八批典型案例", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in BATCHES], ids=[c[0] for c in BATCHES])
def test_batch_number(text: str, expected: int | None) -> None:
    assert batch_number(text) == expected


def test_real_batch1_announcement() -> None:
    assert signature_date(BATCH1) == date(2018, 9, 3)
    assert find_doc_number(BATCH1) == "工业和信息化部公告2018年第40号"
    assert issuing_body(BATCH1, {}) == "工业和信息化部"
    assert batch_number(BATCH1) == 1


SIGNATURES = [
    ("trailing-note", "正文。\n工业和信息化部\n2026年6月30日\n(此件公开发布)", date(2026, 6, 30)),
    ("han-numerals", "正文。\n市场监管总局\n二〇二六年四月二十八日", date(2026, 4, 28)),
    ("same-line", "正文。\n工业和信息化部 2026年6月30日", date(2026, 6, 30)),
    ("date-only-in-body", "公示时间：2026年5月6日至2026年5月12日。请反馈。", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in SIGNATURES], ids=[c[0] for c in SIGNATURES])
def test_signature_date(text: str, expected: date | None) -> None:
    assert signature_date(text) == expected


ISSUERS = [
    (
        "joint-signature-two-lines",
        "……\n市场监管总局　工业和信息化部　公安部\n生态环境部　交通运输部　商务部\n2026年4月28日",
        {},
        "市场监管总局、工业和信息化部、公安部、生态环境部、交通运输部、商务部",
    ),
    ("department", "……\n工业和信息化部节能与综合利用司\n2026年5月6日", {}, "工业和信息化部节能与综合利用司"),
    ("header-line", "中华人民共和国工业和信息化部公告\n2026年第20号\n正文", {}, "工业和信息化部"),
    ("from-doc-number", "国市监处罚〔2026〕29号\n当事人：……", {}, "市场监管总局"),
    ("meta-content-source", "正文没有落款。", {"ContentSource": "节能与综合利用司"}, "节能与综合利用司"),
    ("meta-site-name", "正文没有落款。", {"SiteName": "中华人民共和国工业和信息化部"}, "工业和信息化部"),
    ("nothing", "正文没有落款。", {}, None),
]


@pytest.mark.parametrize(("text", "meta", "expected"), [c[1:] for c in ISSUERS], ids=[c[0] for c in ISSUERS])
def test_issuing_body(text: str, meta: dict[str, str], expected: str | None) -> None:
    assert issuing_body(text, meta) == expected


DEADLINES = [
    ("gongshi-period-full", "公示时间：2026年5月6日至2026年5月12日。", date(2026, 5, 12)),
    ("gongshi-period-month-day", "公示时间：2026年5月6日至5月12日。", date(2026, 5, 12)),
    ("gongshi-over-new-year", "公示期为2026年12月28日-1月5日", date(2027, 1, 5)),
    ("gongshi-fullwidth", "公示时间：２０２２年１１月１６日至２０２２年１１月２２日", date(2022, 11, 22)),
    ("cutoff", "征求意见截止日期为2024年9月13日。", date(2024, 9, 13)),
    ("feedback-before", "请于2016年1月21日前将意见反馈至节能与综合利用司。", date(2016, 1, 21)),
    ("no-date", "公示期为5个工作日。", None),
    ("signature-is-not-a-deadline", "现予公告。\n工业和信息化部\n2018年9月3日", None),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DEADLINES], ids=[c[0] for c in DEADLINES])
def test_comment_deadline(text: str, expected: date | None) -> None:
    assert comment_deadline(text) == expected
