"""English names of Chinese enterprises, matched to the registered Chinese names.

Buyers abroad hold suppliers by English names, which come in three styles: pinyin with the
place first (Quzhou Huayou Cobalt New Material Co., Ltd.), a brand first with the place in
brackets (GEM (Jingmen) New Materials), and a brand that is no pinyin at all (Brunp for 邦普,
Highpower for 豪鹏). So a name is read as place + distinctive words + generic words: the place
must agree, generic words are translated (Technology → 科技), and the distinctive words are
compared with the pinyin of the Chinese core, or, when they are no pinyin, with its initials
(a brand). Only a full pinyin match with an agreeing place counts as certain; a brand is
always `probable`, with the reason spelled out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
from rapidfuzz import fuzz

from diff.names import CITIES, PROVINCES, normalize_name, strip_generic_tail

LEGAL_WORDS = frozenset(
    "co company ltd limited corp corporation inc incorporated llc plc group holding holdings the and of".split()
)
# English words in company names, and the Chinese words they translate.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "new": ("新",), "material": ("材料", "材"), "materials": ("材料", "材"), "mat": ("材料", "材"),
    "technology": ("科技", "技术"), "technologies": ("科技", "技术"), "tech": ("科技", "技术"),
    "sci": ("科",), "science": ("科学", "科技"), "recycling": ("循环", "回收", "再生"),
    "recycle": ("循环", "回收"), "circular": ("循环",), "resource": ("资源",), "resources": ("资源",),
    "renewable": ("再生",), "regeneration": ("再生",), "energy": ("能源", "能"), "power": ("电源", "动力"),
    "environmental": ("环保", "环境"), "environment": ("环境", "环保"), "env": ("环保", "环境"),
    "protection": ("环保",), "cobalt": ("钴业", "钴"), "nickel": ("镍",), "lithium": ("锂",),
    "battery": ("电池",), "batteries": ("电池",), "storage": ("储能",), "comprehensive": ("综合",),
    "utilization": ("利用",), "industry": ("实业", "产业", "工业"), "industrial": ("实业", "工业"),
    "development": ("发展",), "green": ("绿色",), "auto": ("汽车",), "automobile": ("汽车",),
    "automotive": ("汽车",), "metal": ("金属",), "metals": ("金属",), "mining": ("矿业",),
    "electronics": ("电子",), "electronic": ("电子",), "chemical": ("化工",), "smart": ("智能", "智慧"),
    "equipment": ("设备",), "research": ("研究",), "institute": ("研究院", "研究所"), "trading": ("商贸", "贸易"),
    "service": ("服务",), "services": ("服务",), "saving": ("节能",),
}
_WORD = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_english(name: str) -> bool:
    """A name with Latin letters and no Chinese characters."""
    return bool(re.search(r"[A-Za-z]", name)) and not _CJK.search(name)


@lru_cache(maxsize=1)
def place_pinyin() -> dict[str, str]:
    """Pinyin of every province and city (Quzhou → 衢州), suffixes 省/市 dropped."""
    out: dict[str, str] = {}
    for place in (*PROVINCES, *CITIES):
        bare = re.sub(r"(?:省|市|自治区|壮族|回族|维吾尔)+$", "", place) or place
        out.setdefault("".join(lazy_pinyin(bare)), bare)
    return out


def _fold_place(name: str) -> str:
    return re.sub(r"(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", name)


@dataclass(frozen=True)
class Candidate:
    """A Chinese name prepared for English queries."""

    name: str
    places: frozenset[str]
    core: str
    tail: str

    @property
    def text(self) -> str:
        return self.core + self.tail


@lru_cache(maxsize=65536)
def prepare(name: str) -> Candidate:
    """Split a registered name into its places (province, city), its distinctive core and
    its generic tail (荆门市格林美新材料有限公司 → {荆门}, 格林美, 新材料)."""
    text = normalize_name(name).replace("(", "").replace(")", "")
    places: set[str] = set()
    changed = True
    by_length = sorted(set(place_pinyin().values()), key=len, reverse=True)
    while changed:
        changed = False
        for place in by_length:
            if text.startswith(place) and len(text) - len(place) >= 2:
                places.add(place)
                text = text[len(place):]
                text = re.sub(r"^(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)", "", text)
                changed = True
                break
    core = strip_generic_tail(text)
    return Candidate(name, frozenset(places), core, text[len(core):])


@dataclass(frozen=True)
class EnglishQuery:
    """An English name split into places, generic words and the rest (brand or pinyin)."""

    text: str
    places: tuple[str, ...]  # Chinese place names found (衢州)
    place_words: tuple[str, ...]  # as written (Quzhou)
    generic: tuple[str, ...]
    distinctive: tuple[str, ...]


def parse_english(name: str) -> EnglishQuery:
    words = _WORD.findall(unicodedata.normalize("NFKC", name).lower())
    places: list[str] = []
    place_words: list[str] = []
    generic: list[str] = []
    rest: list[str] = []
    table = place_pinyin()
    n = 0
    while n < len(words):
        word = words[n]
        pair = word + words[n + 1] if n + 1 < len(words) else ""
        if pair in table and word not in GLOSSARY:  # Xi An, Ma Anshan written apart
            places.append(table[pair])
            place_words.append(f"{words[n]} {words[n + 1]}")
            n += 2
            continue
        if word in LEGAL_WORDS:
            pass
        # a place before the brand, or in brackets after it
        elif (word in table and not rest) or (word in table and _bracketed(name, word)):
            places.append(table[word])
            place_words.append(word)
        elif word in GLOSSARY:
            generic.append(word)
        else:
            rest.append(word)
        n += 1
    return EnglishQuery(name, tuple(places), tuple(place_words), tuple(generic), tuple(rest))


def _bracketed(name: str, word: str) -> bool:
    return any(word in part.lower() for part in re.findall(r"[(（]([^)）]*)[)）]", name))


def _initials_in_order(initials: list[str], text: str) -> int:
    """How many of the initials appear in `text` in order (a miss consumes nothing)."""
    at, hits = 0, 0
    for ch in initials:
        found = text.find(ch, at)
        if found >= 0:
            hits, at = hits + 1, found + 1
    return hits


@lru_cache(maxsize=1)
def syllable_table() -> frozenset[str]:
    """Every toneless pinyin syllable of the common CJK block."""
    found = set(lazy_pinyin("".join(chr(c) for c in range(0x4E00, 0x9FA6))))
    return frozenset(s for s in found if s.isalpha() and s not in ("m", "n", "ng", "hm", "hng"))


@lru_cache(maxsize=65536)
def is_pinyin(word: str) -> bool:
    """Whether `word` splits into pinyin syllables (huayou → hua you), so it is no brand."""
    syllables = syllable_table()
    ok = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        ok[end] = any(ok[start] and word[start:end] in syllables for start in range(max(0, end - 6), end))
    return ok[-1]


@lru_cache(maxsize=65536)
def _readings(chinese: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(options) for options in pinyin(chinese, style=Style.NORMAL, heteronym=True))


@lru_cache(maxsize=65536)
def syllables_of(chinese: str) -> tuple[str, ...]:
    """The usual reading of each character, cached: a list of thousands is read once."""
    return tuple(lazy_pinyin(chinese))


def spells(written: str, chinese: str) -> bool:
    """Whether `written` is the pinyin of `chinese`, any reading of each character (晟: sheng, cheng)."""
    readings = _readings(chinese)
    ends = {0}
    for options in readings:
        ends = {end + len(r) for end in ends for r in options if written.startswith(r, end)}
        if not ends:
            return False
    return len(written) in ends


@dataclass(frozen=True)
class EnglishMatch:
    name: str
    score: float
    certain: bool
    how: str
    reason: str


def match_english(query: EnglishQuery, candidate: Candidate) -> EnglishMatch | None:
    """How well an English name fits one registered name, or None when it does not."""
    if query.places and candidate.places and not set(query.places) & candidate.places:
        return None  # different places make different companies
    translated = [zh for w in query.generic for zh in GLOSSARY[w] if zh in candidate.text]
    covered = sum(1 for w in query.generic if any(zh in candidate.text for zh in GLOSSARY[w]))
    generic_share = covered / len(query.generic) if query.generic else 1.0
    written = "".join(query.distinctive)
    cores = [candidate.core]
    stripped = candidate.core
    for zh in translated:  # Cobalt stands for 钴 inside the core 华友钴
        if zh in stripped and len(stripped) > len(zh):
            stripped = stripped.replace(zh, "", 1)
    if stripped != candidate.core:
        cores.append(stripped)
    if not written or not candidate.core:
        return None
    place_ok = bool(query.places and candidate.places)
    where = "、".join(sorted(candidate.places)) or "—"
    words = " ".join(query.generic)
    for core in cores:
        exact = spells(written, core)
        if exact or fuzz.ratio(written, "".join(syllables_of(core))) >= 90:
            certain = exact and place_ok and generic_share == 1.0
            score = 0.9 + 0.04 * place_ok + 0.04 * generic_share + 0.02 * exact
            reason = "" if certain else _pinyin_doubt(query, candidate, exact, place_ok, generic_share)
            return EnglishMatch(candidate.name, round(score, 4), certain, "english: pinyin", reason)
    syllables = syllables_of(candidate.core)
    initials = [s[0] for s in syllables if s]
    hits = _initials_in_order(initials, written)
    is_brand = len(query.distinctive) == 1 and not is_pinyin(written)
    if is_brand and place_ok and written[0] == initials[0] and hits * 2 >= len(initials):
        score = 0.6 + 0.1 * generic_share + 0.1 * hits / len(initials)
        brand = " ".join(w.capitalize() for w in query.distinctive)
        reason = (f"{brand} is a brand, not the pinyin of {candidate.core} ({' '.join(lazy_pinyin(candidate.core))}); "
                  f"matched by the place {' '.join(query.place_words).title()} ({where})"
                  + (f" and the words {words} ({'、'.join(translated)})" if translated else "")
                  + f" and the initials of {candidate.core}")
        return EnglishMatch(candidate.name, round(score, 4), False, "english: brand", reason)
    return None


def _pinyin_doubt(query: EnglishQuery, candidate: Candidate, exact: bool, place_ok: bool, share: float) -> str:
    parts = []
    if not exact:
        parts.append(f"{' '.join(query.distinctive)} is close to, not equal to, the pinyin of {candidate.core}")
    if not query.places:
        parts.append("the English name gives no place to confirm it")
    elif not candidate.places:
        parts.append(f"{candidate.name} carries no place to compare with {' '.join(query.place_words)}")
    if share < 1.0:
        missing = [w for w in query.generic if not any(zh in candidate.text for zh in GLOSSARY[w])]
        parts.append(f"the words {' '.join(missing)} are not in the Chinese name")
    return "; ".join(parts) or "a pinyin rendering, not the registered name"


class EnglishIndex:
    """Registered names prepared once; English queries matched against them."""

    def __init__(self, names: Iterable[str]) -> None:
        self.candidates = [prepare(n) for n in names]
        self.by_place: dict[str, list[Candidate]] = {}
        self.placeless: list[Candidate] = []
        for c in self.candidates:
            for place in c.places:
                self.by_place.setdefault(place, []).append(c)
            if not c.places:
                self.placeless.append(c)

    def best(self, name: str, limit: int = 5) -> list[EnglishMatch]:
        query = parse_english(name)
        if query.places:
            pool = [c for p in dict.fromkeys(query.places) for c in self.by_place.get(p, [])] + self.placeless
        else:
            pool = self.candidates
        found: dict[str, EnglishMatch] = {}
        for c in pool:
            m = match_english(query, c)
            if m is not None and (c.name not in found or found[c.name].score < m.score):
                found[c.name] = m
        return sorted(found.values(), key=lambda m: (-m.score, m.name))[:limit]
