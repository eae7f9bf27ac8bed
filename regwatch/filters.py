"""Every filter value a command takes, checked before a query runs: a typo must fail loudly
with the allowed values, never print "(none)" as if nothing matched.

Dates and times are read in Asia/Shanghai (the time alerts show) unless they carry a zone.
Relative forms: `today`, `yesterday` (midnight Beijing time) and `Nd` (N days ago, e.g. `7d`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone

from regwatch.errors import UsageError
from storage.kinds import stored_kinds
from storage.vocab import Category, Severity

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
LIST_TYPES = ("梯次利用", "再生利用", "梯次利用和再生利用", "unspecified")
DATE_FORMS = "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+08:00|Z], today, yesterday or Nd (e.g. 7d)"
_DAYS = re.compile(r"^(\d{1,4})d$")


class FilterError(UsageError):
    """A filter value that is not one of the allowed ones: a usage error (exit 2)."""


def parse_moment(option: str, value: str, *, now: datetime | None = None) -> datetime:
    """A point in time (aware) from a strict date, a date-time, or a relative form."""
    text = value.strip()
    now = (now or datetime.now(UTC)).astimezone(SHANGHAI)
    midnight = datetime.combine(now.date(), time(), SHANGHAI)
    if text == "today":
        return midnight
    if text == "yesterday":
        return midnight - timedelta(days=1)
    if match := _DAYS.match(text):
        return now - timedelta(days=int(match.group(1)))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return datetime.combine(date.fromisoformat(text), time(), SHANGHAI)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?", text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    except ValueError:
        pass
    raise FilterError(f"{option} {value!r} is not a date; use {DATE_FORMS}")


def utc_iso(moment: datetime) -> str:
    """The form detected_at is stored in, so string comparison in SQL is exact."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_day(option: str, value: str | None, *, now: datetime | None = None) -> str:
    """A calendar day (YYYY-MM-DD, Beijing time) for --as-of; default today."""
    if value is None:
        return (now or datetime.now(UTC)).astimezone(SHANGHAI).date().isoformat()
    return parse_moment(option, value, now=now).astimezone(SHANGHAI).date().isoformat()


def one_of(option: str, value: str | None, allowed: Iterable[str]) -> str | None:
    allowed = tuple(allowed)
    if value is None or value in allowed:
        return value
    raise FilterError(f"{option} {value!r} is not known; allowed: {', '.join(allowed)}")


def check_kinds(values: Iterable[str]) -> list[str]:
    """Change kinds, or a family with `*` (`list.*`); each must be in the kinds registry."""
    kinds = stored_kinds()
    families = sorted({k.split(".")[0] + ".*" for k in kinds if "." in k})
    out = []
    for value in values:
        if value in kinds or (value.endswith("*") and any(k.startswith(value.rstrip("*")) for k in kinds)):
            out.append(value)
            continue
        raise FilterError(f"--kind {value!r} is not known; allowed: {', '.join([*kinds, *families])}")
    return out


def check_category(value: str | None) -> str | None:
    return one_of("--category", value, Category.values())


def check_severity(value: str | None) -> str | None:
    return one_of("--severity", value, Severity.values())


def check_type(value: str | None) -> str | None:
    return one_of("--type", value, LIST_TYPES)
