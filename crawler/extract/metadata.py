"""Document metadata read from Chinese official text: 文号, dates, signer, batch.

Everything works on `diff.text.normalize`d text, so full-width digits and brackets
(２０２６, （）, ［］) are already ASCII; 〔〕 survive normalisation and are the canonical
bracket of a document number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

from diff.text import normalize

__all__ = [
    "CST",
    "DocNumber",
    "batch_number",
    "chinese_numeral_to_int",
    "comment_deadline",
    "find_doc_number",
    "find_doc_numbers",
    "issuing_body",
    "parse_cn_date",
    "parse_datetime_cst",
    "scan_doc_numbers",
    "signature_date",
]


def _shanghai() -> tzinfo:
    """Asia/Shanghai from the tz database when present; China has had no DST since 1991."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:  # no tz database on this machine
        return timezone(timedelta(hours=8), "CST")


CST = _shanghai()

# --------------------------------------------------------------------------- numerals

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "O": 0, "o": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_NUMERAL_CHARS = "0-9零〇○一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟"
_MEASURE_WORDS = "批号条章节款项年月日次届个家期"


def chinese_numeral_to_int(text: str) -> int | None:
    """'第六批' → 6, '二十三' → 23, '两' → 2, '第6批' → 6, '二〇一八' → 2018; None if not a number."""
    s = normalize(text or "").replace(" ", "")
    if s.startswith("第"):
        s = s[1:]
    s = s.rstrip(_MEASURE_WORDS)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in s):
        return None
    if not any(ch in _CN_UNITS for ch in s):
        # A digit-by-digit reading such as a year, 二〇一八.
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, current = 0, None
    for ch in s:
        if ch in _CN_DIGITS and _CN_DIGITS[ch] == 0:
            current = None  # 一百零五: 零 only holds a place
        elif ch in _CN_DIGITS:
            if current is not None:  # two digits in a row without a unit: not a numeral
                return None
            current = _CN_DIGITS[ch]
        else:
            total += (1 if current is None else current) * _CN_UNITS[ch]
            current = None
    return total + (current or 0)


# --------------------------------------------------------------------------- dates

_HAN_YEAR = "[〇零○O0一二三四五六七八九]"
_HAN_SMALL = "[一二三四五六七八九十]"
_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"|(?<![\d.])(?P<y2>\d{4})\s*(?P<sep>[-/.])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})(?![\d])"
    rf"|(?P<y3>{_HAN_YEAR}{{4}})\s*年\s*(?P<m3>{_HAN_SMALL}{{1,2}})\s*月\s*(?P<d3>{_HAN_SMALL}{{1,3}})\s*[日号]"
)


def _date_from_match(m: re.Match[str]) -> date | None:
    if m.group("y"):
        parts = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
    elif m.group("y2"):
        parts = (int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
    else:
        y = chinese_numeral_to_int(m.group("y3"))
        mo = chinese_numeral_to_int(m.group("m3"))
        d = chinese_numeral_to_int(m.group("d3"))
        if y is None or mo is None or d is None:
            return None
        parts = (y, mo, d)
    try:
        return date(*parts)
    except ValueError:
        return None


def _iter_dates(text: str):
    for m in _DATE_RE.finditer(text):
        day = _date_from_match(m)
        if day is not None:
            yield m, day


def parse_cn_date(text: str | None) -> date | None:
    """The first valid date in the text: 2026年4月28日, 2026-04-28, 2026/4/28, 2026.4.28,
    full-width digits, or Chinese numerals (二〇一八年九月三日)."""
    if not text:
        return None
    for _, day in _iter_dates(normalize(text)):
        return day
    return None


_DATETIME_RE = re.compile(
    r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:T|\s)*"
    r"(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2}))?"
)
_EPOCH_RE = re.compile(r"^\s*(\d{10}|\d{13})\s*$")


def parse_datetime_cst(text: str | None) -> datetime | None:
    """An aware Asia/Shanghai datetime from '发布时间：2026-09-30 16:27', a PubDate or MakeTime
    value, or an epoch-milliseconds string (the search API's deploytime). A date without a
    time gives 00:00 that day; no date at all gives None."""
    if not text:
        return None
    s = normalize(text)
    epoch = _EPOCH_RE.match(s)
    if epoch:
        raw = int(epoch.group(1))
        seconds = raw / 1000 if len(epoch.group(1)) == 13 else raw
        return datetime.fromtimestamp(seconds, UTC).astimezone(CST)
    m = _DATETIME_RE.search(s)
    if m:
        y, mo, d, hh, mm = (int(g) for g in m.groups()[:5])
        ss = int(m.group(6) or 0)
        try:
            return datetime(y, mo, d, hh, mm, ss, tzinfo=CST)
        except ValueError:
            pass
    day = parse_cn_date(s)
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=CST)


# --------------------------------------------------------------------------- signature

_ORG_SUFFIX = r"(?:部|局|委|委员会|厅|办公室|办公厅|司|中心|政府|院|会|署|部门|小组)"
_ORG_LINE = re.compile(rf"^[\u4e00-\u9fff()、 ]{{2,80}}{_ORG_SUFFIX}$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in normalize(text).split("\n") if line.strip()]


def _standalone_date(line: str) -> date | None:
    m = _DATE_RE.fullmatch(line.strip())
    return _date_from_match(m) if m else None


def _signature_index(lines: list[str], tail: int = 12) -> int | None:
    for i in range(len(lines) - 1, max(-1, len(lines) - 1 - tail), -1):
        if _standalone_date(lines[i]) is not None:
            return i
    return None


def signature_date(text: str | None) -> date | None:
    """The date of the signature block: the last line near the end that is only a date
    (it follows the issuing body's line). It can precede the web publication date."""
    if not text:
        return None
    lines = _lines(text)
    i = _signature_index(lines)
    if i is not None:
        return _standalone_date(lines[i])
    # Issuer and date on one line: "工业和信息化部 2018年9月3日".
    for line in reversed(lines[-12:]):
        m = re.fullmatch(rf"([\u4e00-\u9fff()、 ]{{2,80}}{_ORG_SUFFIX})\s+(.+)", line)
        if m and _standalone_date(m.group(2)) is not None:
            return _standalone_date(m.group(2))
    return None


_HEADER_ISSUER = re.compile(
    rf"^(?:中华人民共和国)?([\u4e00-\u9fff、 ]{{2,60}}?{_ORG_SUFFIX})(?:公告|令|文件|通知|决定)$"
)
_DOCNO_ISSUERS = {"工信部": "工业和信息化部", "工信厅": "工业和信息化部办公厅", "国市监": "市场监管总局"}


def _clean_org(line: str) -> str:
    line = re.sub(r"^中华人民共和国", "", line.strip())
    return re.sub(r"\s+", "、", line)


def issuing_body(text: str | None, meta: Mapping[str, str] | None = None) -> str | None:
    """Who issued the document: the signature block above the signature date, else the
    header line (中华人民共和国工业和信息化部公告), else the 文号's issuer, else the page's
    ContentSource / SiteName meta tags."""
    lines = _lines(text or "")
    i = _signature_index(lines)
    if i is not None:
        orgs: list[str] = []
        j = i - 1
        while j >= 0 and j >= i - 4 and _ORG_LINE.match(lines[j]) and len(lines[j]) <= 60:
            orgs.insert(0, _clean_org(lines[j]))
            j -= 1
        if orgs:
            return "、".join(orgs)
    for line in lines[:4]:
        m = _HEADER_ISSUER.match(line)
        if m:
            return _clean_org(m.group(1))
    number = find_doc_number(text or "")
    if number:
        for prefix, body in _DOCNO_ISSUERS.items():
            if number.startswith(prefix):
                return body
        m = re.match(rf"^([\u4e00-\u9fff]{{2,20}}?{_ORG_SUFFIX})(?:公告|令)", number)
        if m:
            return m.group(1)
    meta = meta or {}
    for key in ("ContentSource", "contentsource", "Author", "author"):
        value = (meta.get(key) or "").strip()
        if value:
            return _clean_org(value)
    site = (meta.get("SiteName") or meta.get("sitename") or "").strip()
    return _clean_org(site) if site else None


# --------------------------------------------------------------------------- comment deadline

_D = (
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
    rf"|{_HAN_YEAR}{{4}}\s*年\s*{_HAN_SMALL}{{1,2}}\s*月\s*{_HAN_SMALL}{{1,3}}\s*[日号])"
)
_MD = r"(?:\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*[-/.]\s*\d{1,2})"
_PERIOD_RE = re.compile(
    r"(?:公示|征求意见|意见反馈|反馈意见|异议)\s*(?:时间|期|期间|日期|时限)?\s*(?:为|是|自)?\s*:?\s*"
    rf"(?P<start>{_D})\s*(?:起\s*)?(?:至|到|—|–|-|~|－)\s*(?P<end>{_D}|{_MD})"
)
_CUTOFF_RE = re.compile(rf"截(?:止|至)\s*(?:日期|时间)?\s*(?:为|是|到)?\s*:?\s*(?P<end>{_D})")
_BEFORE_RE = re.compile(
    rf"(?P<end>{_D})\s*(?:\d{{1,2}}:\d{{2}}\s*)?(?:前|之前|以前)[^。\n]{{0,60}}?(?:反馈|意见|异议|建议|报送|提交)"
)


def comment_deadline(text: str | None) -> date | None:
    """The last day to comment on a 公示 or a 征求意见稿: '公示时间：2026年5月6日至5月12日',
    '截止日期为…', or '请于2026年5月12日前…反馈意见'."""
    if not text:
        return None
    s = normalize(text)
    m = _PERIOD_RE.search(s)
    if m:
        start = parse_cn_date(m.group("start"))
        end_text = m.group("end")
        end = parse_cn_date(end_text)
        if end is None and start is not None:
            md = re.match(r"(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})", end_text)
            if md:
                try:
                    end = date(start.year, int(md.group(1)), int(md.group(2)))
                    if end < start:
                        end = date(start.year + 1, end.month, end.day)
                except ValueError:
                    end = None
        if end is not None:
            return end
    for pattern in (_CUTOFF_RE, _BEFORE_RE):
        m = pattern.search(s)
        if m:
            end = parse_cn_date(m.group("end"))
            if end is not None:
                return end
    return None


# --------------------------------------------------------------------------- batch

_BATCH_RE = re.compile(
    rf"名单\s*[(\[【〔]\s*第\s*(?P<n>[{_NUMERAL_CHARS}]{{1,5}})\s*批\s*[)\]】〕]"
)


def batch_number(text: str | None) -> int | None:
    """N from 企业名单（第N批） in any bracket width and numeral style (第六批, 第6批)."""
    if not text:
        return None
    m = _BATCH_RE.search(normalize(text))
    return chinese_numeral_to_int(m.group("n")) if m else None


# --------------------------------------------------------------------------- document numbers

_CJK = r"\u4e00-\u9fff"
_OPEN = r"[〔\[(【]"
_CLOSE = r"[〕\])】]"
_BRACKET_NO = re.compile(
    rf"(?P<prefix>[{_CJK}]{{1,16}})\s*{_OPEN}\s*(?P<year>(?:19|20)\d{{2}})\s*{_CLOSE}"
    rf"\s*(?P<mid>[{_CJK}]{{0,4}}?)\s*(?P<num>\d{{1,5}})\s*号"
)
_NOTICE_NO = re.compile(
    rf"(?P<prefix>[{_CJK}]{{2,24}}?)\s*(?P<joint>联合)?\s*公\s*告\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*"
    rf"第\s*(?P<num>\d{{1,4}})\s*号"
)
_NOTICE_NO_LATE = re.compile(
    rf"(?P<prefix>[{_CJK}]{{2,24}}?)\s*(?P<year>(?:19|20)\d{{2}})\s*年\s*第\s*(?P<num>\d{{1,4}})\s*号\s*公\s*告"
)
_ORDER_NO = re.compile(
    rf"(?P<prefix>[{_CJK}]{{2,24}}?)\s*令\s*第\s*(?P<num>[0-9{_NUMERAL_CHARS}]{{1,6}})\s*号"
)

# Issuers and 文号 prefixes we know; a match is cut back to start at the last of these.
_KNOWN_STARTS = (
    "中华人民共和国", "国家市场监督管理总局", "市场监管总局", "工业和信息化部", "工信部", "工信厅",
    "国市监", "国家发展和改革委员会", "国家发展改革委", "生态环境部", "商务部", "科学技术部", "科技部",
    "财政部", "交通运输部", "国家认证认可监督管理委员会", "认监委", "国家标准化管理委员会", "国务院",
    "国办", "六部门", "七部门", "五部门",
)
# Words that end the text before a number; what precedes them is not part of it.
_NOISE = (
    "以下简称", "简称", "根据", "依据", "按照", "参照", "参见", "印发", "转发", "关于", "贯彻", "落实",
    "执行", "文件", "通知", "决定", "现将", "现予", "请", "的", "及", "与", "或", "即", "见", "据", "经",
    "对", "将", "并", "在", "由",
)
_CITING = ("根据", "依据", "按照", "参照", "参见", "见", "据", "贯彻", "落实", "执行", "转发")
_ISSUER_END = re.compile(rf"{_ORG_SUFFIX}$")


@dataclass(frozen=True)
class DocNumber:
    """One 文号 found in a text: its canonical form, where it was, and whether it is cited."""

    number: str
    start: int
    end: int
    cited: bool


def _trim_prefix(prefix: str) -> tuple[str, str]:
    """Split a greedy CJK run before a number into (dropped lead, 文号 prefix)."""
    cut = 0
    for word in _NOISE:
        pos = prefix.rfind(word)
        if pos >= 0 and pos + len(word) > cut and pos + len(word) < len(prefix):
            cut = pos + len(word)
    rest = prefix[cut:]
    known = [pos for pos in (rest.find(k) for k in _KNOWN_STARTS) if pos >= 0]
    if known:
        cut += min(known)
    return prefix[:cut], prefix[cut:]


def _is_cited(text: str, start: int, lead: str) -> bool:
    if any(word in lead for word in _CITING):
        return True
    before = text[max(0, start - 6) : start].rstrip()
    if re.search(r"》\s*[(\[【〔]?$", before):
        return True
    return bool(re.search(r"(?:根据|依据|按照|参照|参见|见|据)$", before))


def scan_doc_numbers(text: str | None) -> list[DocNumber]:
    """Every 文号 in the text in reading order, with its position and whether it is cited
    (《…》(工信部联节〔2021〕114号), 根据…) rather than this document's own."""
    if not text:
        return []
    s = normalize(text)
    found: list[DocNumber] = []

    def add(m: re.Match[str], build) -> None:
        lead, prefix = _trim_prefix(m.group("prefix"))
        start = m.start("prefix") + len(lead)
        number = build(m, prefix.replace("中华人民共和国", "", 1) if prefix.startswith("中华人民共和国") else prefix)
        if number:
            found.append(DocNumber(number, start, m.end(), _is_cited(s, start, lead)))

    def bracket(m: re.Match[str], prefix: str) -> str | None:
        if not prefix:
            return None
        return f"{prefix[-12:]}〔{m.group('year')}〕{m.group('mid')}{m.group('num')}号"

    def notice(m: re.Match[str], prefix: str) -> str | None:
        if not _ISSUER_END.search(prefix) and prefix not in ("工信部", "国市监"):
            return None
        joint = m.groupdict().get("joint") or ""
        return f"{prefix}{joint}公告{m.group('year')}年第{m.group('num')}号"

    def order(m: re.Match[str], prefix: str) -> str | None:
        if not _ISSUER_END.search(prefix):
            return None
        return f"{prefix}令第{m.group('num')}号"

    for m in _BRACKET_NO.finditer(s):
        add(m, bracket)
    for m in _NOTICE_NO.finditer(s):
        add(m, notice)
    for m in _NOTICE_NO_LATE.finditer(s):
        add(m, notice)
    for m in _ORDER_NO.finditer(s):
        add(m, order)
    found.sort(key=lambda d: d.start)
    unique: list[DocNumber] = []
    for d in found:
        if any(u.start <= d.start < u.end for u in unique):
            continue
        unique.append(d)
    return unique


def find_doc_numbers(text: str | None) -> list[str]:
    """All 文号 in reading order, canonical and without duplicates."""
    out: list[str] = []
    for d in scan_doc_numbers(text):
        if d.number not in out:
            out.append(d.number)
    return out


def find_doc_number(text: str | None, title: str | None = None) -> str | None:
    """This document's own 文号: the title's, else one standing on its own line near the top
    (also split over two lines), else one in the first lines, else the first number that
    is not a citation. Numbers cited from other documents are never returned."""
    if title:
        for d in scan_doc_numbers(title):
            if not d.cited:
                return d.number
    if not text:
        return None
    s = normalize(text)
    numbers = scan_doc_numbers(s)
    if not numbers:
        return None
    line_starts = [0] + [i + 1 for i, ch in enumerate(s) if ch == "\n"]

    def line_of(pos: int) -> int:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def standalone(d: DocNumber) -> bool:
        head = s[line_starts[line_of(d.start)] : d.start]
        end_line = line_of(max(d.start, d.end - 1))
        tail_end = line_starts[end_line + 1] - 1 if end_line + 1 < len(line_starts) else len(s)
        tail = s[d.end : tail_end]
        return not re.sub(r"[\s(\[【〔)\]】〕]", "", head) and not re.sub(r"[\s(\[【〔)\]】〕]", "", tail)

    for d in numbers:
        if line_of(d.start) < 10 and standalone(d):
            return d.number
    for d in numbers:
        if line_of(d.start) < 5 and not d.cited:
            return d.number
    for d in numbers:
        if standalone(d):
            return d.number
    for d in numbers:
        if not d.cited:
            return d.number
    return None
