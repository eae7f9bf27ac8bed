"""Chinese display helpers: batch numerals (第六批), dates (2026年4月28日), Beijing time, CJK widths."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_DIGITS = "零一二三四五六七八九"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def chinese_numeral(n: int) -> str:
    """0–999 as Chinese numerals the way batch numbers are written (十二, 二十, 一百零五)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "十" if tens == 1 else _DIGITS[tens] + "十"
        return head + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = _DIGITS[hundreds] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _DIGITS[rest]
    tail = chinese_numeral(rest)
    return head + ("一" + tail if rest < 20 else tail)


def batch_number(batch: object) -> int | None:
    """A batch as an int, whether it arrives as 6, "6" or "第六批"."""
    if isinstance(batch, bool) or batch is None:
        return None
    if isinstance(batch, int):
        return batch
    text = str(batch).strip()
    if text.isdigit():
        return int(text)
    match = re.fullmatch(r"第?([零一二三四五六七八九十百]+)批?", text)
    return _parse_numeral(match.group(1)) if match else None


def _parse_numeral(text: str) -> int | None:
    for n in range(1, 1000):
        if chinese_numeral(n) == text:
            return n
    return None


def batch_labels(batch: object) -> tuple[str, str]:
    """("第六批", "batch 6"), or empty strings when the batch is unknown."""
    n = batch_number(batch)
    if n is None:
        return ("", "") if batch in (None, "") else (str(batch), f"batch {batch}")
    return f"第{chinese_numeral(n)}批", f"batch {n}"


def zh_date(value: object) -> str:
    """2026-04-28 → 2026年4月28日; anything else is shown as given."""
    text = str(value or "").strip()
    match = _ISO_DATE.match(text)
    if not match:
        return text
    year, month, day = (int(g) for g in match.groups())
    return f"{year}年{month}月{day}日"


def beijing_time(value: object) -> str:
    """A UTC ISO timestamp shown in Beijing time, which is what the regulators publish in."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间 UTC+8）"


def display_width(text: str) -> int:
    """Columns a terminal gives the text: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))
