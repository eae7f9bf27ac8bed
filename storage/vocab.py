"""The closed vocabularies of the model: categories, stages, severities, health states, authorities.

Each is declared once here, with its Chinese and English display names, and imported by the crawl,
storage, the notifier and the CLI, so adding a category or renaming a state is one edit.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Vocab(StrEnum):
    """A string enum whose members carry a Chinese and an English display name."""

    zh: str
    en: str

    # The labels default only so that a lookup by value, `Severity("info")`, type-checks: Enum
    # answers such a call itself, and every member declares both labels.
    def __new__(cls, value: str, zh: str = "", en: str = "") -> Vocab:
        member = str.__new__(cls, value)
        member._value_ = value
        member.zh = zh
        member.en = en
        return member

    @property
    def label(self) -> str:
        """"白名单 / white-list": how alerts show a value to bilingual readers."""
        return f"{self.zh} / {self.en}"

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)


class Category(Vocab):
    """What a document is about (DESIGN §5, Relevance); `irrelevant` never alerts."""

    WHITELIST = "whitelist", "白名单", "white-list"
    CRITERIA = "criteria", "规范条件", "criteria"
    INSPECTION = "inspection", "检查规程", "inspection"
    PENALTY = "penalty", "处罚", "penalty"
    RELATED = "related", "相关", "related"
    IRRELEVANT = "irrelevant", "其他", "other"


# Categories a document can be classified into by a rule (irrelevant is what is left over).
RELEVANT_CATEGORIES: tuple[Category, ...] = tuple(c for c in Category if c is not Category.IRRELEVANT)
# The categories a compliance team answers for: routed by default and re-fetched on every run.
CONTENT_CATEGORIES: tuple[Category, ...] = (Category.WHITELIST, Category.CRITERIA, Category.INSPECTION,
                                            Category.PENALTY)


class Stage(Vocab):
    """Where a document stands in its procedure, read from its body (never its headline)."""

    PROPOSED = "公示", "公示", "proposed"
    FINAL = "公告", "公告", "final"
    DRAFT = "征求意见", "征求意见", "draft for comment"
    ISSUED = "发布", "发布", "issued"


class Severity(Vocab):
    """How urgent a change is; the alert, the database and the routes use the same value."""

    INFO = "info", "一般", "info"
    WARNING = "warning", "注意", "warning"
    CRITICAL = "critical", "重要", "critical"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for critical: what `min_severity` compares."""
        return list(Severity).index(self)


class Outcome(Vocab):
    """What happened to one enterprise, in the words every output uses (alerts, `changes`,
    exports, `verify`): a 公示 proposes or withdraws, a 公告 lists, confirms, drops or renames,
    a revocation revokes."""

    PROPOSED = "proposed", "拟列入", "proposed"
    WITHDRAWN = "withdrawn from proposal", "撤出公示", "withdrawn from proposal"
    LISTED = "listed", "新列入", "listed"
    CONFIRMED = "confirmed", "公示后确认", "confirmed"
    DROPPED = "dropped after 公示", "公示后未列入", "dropped after 公示"
    RENAMED = "renamed", "更名", "renamed"
    CHANGED = "changed", "信息变更", "changed"
    REVOKED = "revoked", "撤销", "revoked"


class Health(Vocab):
    """The health of a source or one of its parts (DESIGN §8)."""

    OK = "ok", "正常", "ok"
    DEGRADED = "degraded", "部分异常", "degraded"
    BROKEN = "broken", "解析失败", "broken"
    BLOCKED = "blocked", "被拦截", "blocked"
    FAILED = "failed", "无法访问", "failed"
    STALE = "stale", "长时间未更新", "stale"


# A run that ends in one of these counts as good: the source was read (DESIGN §8).
GOOD_RUNS: tuple[Health, ...] = (Health.OK, Health.DEGRADED)


class Authority(Vocab):
    """The regulators watched; zh is the full name, `short` what headlines use."""

    MIIT = "MIIT", "工业和信息化部", "MIIT"
    SAMR = "SAMR", "国家市场监督管理总局", "SAMR"
    # The authorities of the sources shipped in crawler/sources.d/ (unverified definitions).
    MEE = "MEE", "生态环境部", "MEE"
    GD_GXT = "GD-GXT", "广东省工业和信息化厅", "Guangdong Dept. of Industry and IT"
    JX_GXT = "JX-GXT", "江西省工业和信息化厅", "Jiangxi Dept. of Industry and IT"
    HN_GXT = "HN-GXT", "湖南省工业和信息化厅", "Hunan Dept. of Industry and IT"
    GD_AMR = "GD-AMR", "广东省市场监督管理局", "Guangdong Market Regulation"
    JX_AMR = "JX-AMR", "江西省市场监督管理局", "Jiangxi Market Regulation"
    HN_AMR = "HN-AMR", "湖南省市场监督管理局", "Hunan Market Regulation"

    @property
    def short(self) -> str:
        return _AUTHORITY_SHORT[self.value]


_AUTHORITY_SHORT = {"MIIT": "工信部", "SAMR": "市场监管总局", "MEE": "生态环境部", "GD-GXT": "广东工信厅",
                    "JX-GXT": "江西工信厅", "HN-GXT": "湖南工信厅", "GD-AMR": "广东市场监管局",
                    "JX-AMR": "江西市场监管局", "HN-AMR": "湖南市场监管局"}


V = TypeVar("V", bound=Vocab)


def lookup(enum: type[V], value: object) -> V | None:
    """The member for `value`, or None for an empty or unknown value (data from old rows)."""
    try:
        return enum(str(value))
    except ValueError:
        return None
