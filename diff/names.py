"""Enterprise names: one normal form for comparing them, and fuzzy matching for the forms
the press uses (宁德时代 for 宁德时代新能源科技股份有限公司).

Decisions, so that every part of regwatch compares names the same way:

- Full-width and half-width forms are folded (NFKC), （）【】 become ()[], all whitespace and
  quotes go, and footnote marks (*, ※, †, 注1, a trailing (注) ...) are dropped.
- 有限责任公司 becomes 有限公司, and 股份公司 becomes 股份有限公司: the PRC Company Law lets a
  company use either spelling of its own legal form, so they are one name.
- 股份有限公司 stays apart from 有限公司: it is a different legal form, and a switch from one
  to the other is a real change of the registered name (the entity diff pairs it as a rename).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

_FOOTNOTE_TAIL = re.compile(
    r"(?:[*※†‡#]+|\((?:注|備註|备注)?\d*\)|注\d*|\[\d+\]|(?<=[司厂院所心])\d{1,2})$"
)
_TRAILING_PUNCT = re.compile(r"[\s,.;:!?、，。；：！？…·\-—_/]+$")
_LEADING_SERIAL = re.compile(r"^(?:\d{1,4}[.、)]|\(\d{1,4}\))")
_QUOTES = re.compile("[\"'“”‘’「」『』《》]")
_LEGAL_FORMS = (("有限责任公司", "有限公司"), ("股份公司", "股份有限公司"))

PROVINCES = (
    "北京市 北京 天津市 天津 上海市 上海 重庆市 重庆 河北省 河北 山西省 山西 辽宁省 辽宁 吉林省 吉林 "
    "黑龙江省 黑龙江 江苏省 江苏 浙江省 浙江 安徽省 安徽 福建省 福建 江西省 江西 山东省 山东 "
    "河南省 河南 湖北省 湖北 湖南省 湖南 广东省 广东 海南省 海南 四川省 四川 贵州省 贵州 "
    "云南省 云南 陕西省 陕西 甘肃省 甘肃 青海省 青海 台湾省 台湾 内蒙古自治区 内蒙古 "
    "广西壮族自治区 广西 西藏自治区 西藏 宁夏回族自治区 宁夏 新疆维吾尔自治区 新疆 "
    "新疆生产建设兵团 香港 澳门"
).split()
# Cities that the press writes without 市 in front of a company name (赣州腾远钴业).
CITIES = (
    "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 长治 晋中 呼和浩特 包头 鄂尔多斯 "
    "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 长春 吉林 四平 哈尔滨 齐齐哈尔 大庆 南京 无锡 徐州 常州 苏州 "
    "南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 "
    "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 界首 福州 厦门 "
    "莆田 三明 泉州 漳州 南平 龙岩 宁德 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶 济南 "
    "青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 "
    "安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 武汉 黄石 十堰 宜昌 襄阳 "
    "鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 "
    "娄底 广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 "
    "潮州 揭阳 云浮 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 海口 三亚 成都 自贡 攀枝花 "
    "泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 贵阳 六盘水 遵义 安顺 铜仁 昆明 "
    "曲靖 玉溪 拉萨 西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 兰州 嘉峪关 金昌 白银 天水 西宁 银川 "
    "石嘴山 乌鲁木齐 克拉玛依"
).split()
_PROVINCE_PREFIX = re.compile(
    "^(?:" + "|".join(map(re.escape, sorted(PROVINCES, key=len, reverse=True))) + ")(?:省)?"
    r"|^[\u4e00-\u9fff]{2,3}省"
)
_CITY_PREFIX = re.compile(
    "^(" + "|".join(map(re.escape, sorted(CITIES, key=len, reverse=True))) + ")市?"
    r"|^([\u4e00-\u9fff]{2,3})[市县区]"
)
# Generic words dropped from the end of a name to reach its distinctive core. Longest first.
SUFFIX_WORDS = tuple(
    sorted(
        (
            "股份有限公司 有限公司 股份公司 公司 集团 控股 科技 技术 高科技 新材料 新材 材料 新能源 "
            "能源 环保 环境 资源 再生资源 再生 循环 回收 综合利用 利用 实业 产业 产业发展 发展 工业 "
            "电子 电源 设备 制造 服务 贸易 储能 研究院 研究所 中心 工程 有限 股份 节能"
        ).split(),
        key=len,
        reverse=True,
    )
)
# Words a press short form may leave off after the core (北汽鹏龙沧州 for
# 北汽鹏龙(沧州)新能源汽车服务股份有限公司). Not stripped from cores themselves, because
# 湖南邦普汽车循环 and 湖南邦普循环科技 are different companies.
_OMISSIBLE = tuple(
    sorted(set(SUFFIX_WORDS) | set("汽车 汽车服务 动力 电池 动力电池 钴业 锂业 镍业 矿业 金属 化工 电气 "
                                    "商贸 智能 智慧 销售 城市矿产 开发 低碳 绿色".split()), key=len, reverse=True)
)
_MIN_CORE = 2
_LEGAL_SUFFIX = re.compile(r"(?:公司|合伙\)|合伙企业|研究院|研究所|厂)$")


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The comparable form of an enterprise name (see the module docstring for the rules)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name)
    text = text.replace("（", "(").replace("）", ")").replace("【", "[").replace("】", "]")
    # NFKC again once whitespace is gone: a combining mark may now follow its base letter.
    text = unicodedata.normalize("NFKC", "".join(text.split()))
    text = _QUOTES.sub("", text)
    text = _LEADING_SERIAL.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_PUNCT.sub("", text)
        text = _FOOTNOTE_TAIL.sub("", text)
    for long_form, short_form in _LEGAL_FORMS:
        if text.endswith(long_form) and not (long_form == "股份公司" and text.endswith("股份有限公司")):
            text = text[: -len(long_form)] + short_form
    return text


def _strip_suffix_words(text: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for word in SUFFIX_WORDS:
            if text.endswith(word) and len(text) - len(word) >= _MIN_CORE:
                text = text[: -len(word)]
                stripped = True
                break
    return text


def strip_generic_tail(text: str) -> str:
    """`text` without the generic words at its end (邦普循环科技 → 邦普)."""
    return _strip_suffix_words(text)


_SITE_SUFFIX = re.compile(r"^(.*(?:公司|厂|研究院|研究所))[(（]([^()（）]{1,12})[)）]$")


def split_site_suffix(name: str) -> tuple[str, str]:
    """(registered name, site) for a name with a bracketed site after its legal form:
    广东光华科技股份有限公司（汕头） → (广东光华科技股份有限公司, 汕头); otherwise (name, '')."""
    text = unicodedata.normalize("NFKC", name).strip()
    m = _SITE_SUFFIX.match(text)
    return (m.group(1), m.group(2)) if m else (name, "")


@lru_cache(maxsize=65536)
def _cores(name: str) -> tuple[str, str | None]:
    """(core, core without its leading city or None). The province always goes; a city
    stays in the core (宁德时代 is a brand, not 时代 in 宁德) but loses its 市."""
    text = normalize_name(name).replace("(", "").replace(")", "")
    while (m := _PROVINCE_PREFIX.match(text)) and len(text) - m.end() >= _MIN_CORE:
        text = text[m.end() :]
    without_city = None
    m = _CITY_PREFIX.match(text)
    if m and len(text) - m.end() >= _MIN_CORE:
        city = m.group(1) or m.group(2)
        without_city = _strip_suffix_words(text[m.end() :])
        text = city + text[m.end() :]
    core = _strip_suffix_words(text)
    if without_city is not None and (len(without_city) < 3 or without_city == core):
        without_city = None
    return core, without_city


def _place(normalized: str) -> str:
    """The province or city a registered name starts with ('' when none), 市/省 dropped."""
    m = _PROVINCE_PREFIX.match(normalized) or _CITY_PREFIX.match(normalized)
    return m.group(0).rstrip("省市县区") if m else ""


def name_core(name: str) -> str:
    """The distinctive part of a name: province, brackets, 市 and generic trailing words
    (有限公司, 科技, 新材料, 新能源, 循环 ...) removed. 湖南邦普循环科技有限公司 → 邦普,
    荆门市格林美新材料有限公司 → 荆门格林美."""
    return _cores(name)[0]


def name_similarity(a: str, b: str) -> float:
    """0..1: the mean of the similarity of the whole normalised names and of their cores, so
    that shared boilerplate (湖南…循环科技有限公司) alone cannot make two names look alike."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    whole = fuzz.ratio(na, nb) / 100.0
    ca, cb = name_core(a), name_core(b)
    if not ca or not cb:
        return whole
    return round((whole + fuzz.ratio(ca, cb) / 100.0) / 2, 4)


def _in_order(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def _prefix_then_omissible(short: str, full: str) -> bool:
    """`full` is `short` followed only by words a short form may leave off."""
    if not full.startswith(short):
        return False
    rest = full[len(short) :]
    while rest:
        word = next((w for w in _OMISSIBLE if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word) :]
    return True


def short_form_match(short: str, full: str) -> bool:
    """True when `short` reads as a press short form of the legal name `full`. Both are cut to
    their cores (province, 市, legal form and generic words such as 科技 or 新材料 removed);
    they match when the cores are equal (with or without a leading city), when the full core
    is the short one plus words the press leaves off (汽车, 钴业 ...), or when the short core's
    characters appear in order in the full core, from its first character, covering at
    least three quarters of it."""
    ns, nf = normalize_name(short), normalize_name(full)
    if not ns or not nf:
        return False
    if ns == nf:
        return True
    short_cores = [c for c in _cores(short) if c]
    full_cores = [c for c in _cores(full) if c]
    if _LEGAL_SUFFIX.search(ns):  # a registered name is nobody's short form: cores must agree
        if _LEGAL_SUFFIX.search(nf):
            # Two registered names: different cities make different companies (西宁… vs 界首…);
            # only a name that carries no city may match one that does.
            places = _place(ns), _place(nf)
            if all(places) and places[0] != places[1]:
                return False
            (sc, sw), (fc, fw) = _cores(short), _cores(full)
            return sc == fc or (sw is None and fw == sc) or (fw is None and sw == fc)
        return any(cs == cf for cs in short_cores for cf in full_cores)
    for cs in short_cores:
        for cf in full_cores:
            if cs == cf or _prefix_then_omissible(cs, cf):
                return True
    cs, cf = short_cores[0], full_cores[0]
    if len(cs) < _MIN_CORE or cs[0] != cf[0]:
        return False
    return _in_order(cs, cf) and len(cs) >= 0.75 * len(cf)


class NameIndex:
    """Candidates prepared once for many queries (verify checks a supplier file this way)."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self.candidates = list(candidates)
        self.normalized = [normalize_name(c) for c in self.candidates]
        self.cores = [name_core(c) for c in self.candidates]
        self._by_name: dict[str, list[int]] = {}
        self._by_core: dict[str, list[int]] = {}
        for n, (norm, core) in enumerate(zip(self.normalized, self.cores, strict=True)):
            self._by_name.setdefault(norm, []).append(n)
            self._by_core.setdefault(core, []).append(n)

    def best(self, query: str, limit: int = 5, min_score: float = 0.5) -> list[tuple[str, float, str]]:
        """Up to `limit` (candidate, score 0..1, how) best first; how is 'exact',
        'short_form' or 'fuzzy'. Exact scores 1.0, a short form at least 0.9."""
        norm, core = normalize_name(query), name_core(query)
        if not norm:
            return []
        found: dict[int, tuple[float, str]] = {}
        for n in self._by_name.get(norm, ()):
            found[n] = (1.0, "exact")
        wide = max(limit * 4, 20)
        near_core = process.extract(core, self.cores, scorer=fuzz.ratio, limit=wide, score_cutoff=40)
        near_name = process.extract(norm, self.normalized, scorer=fuzz.ratio, limit=wide, score_cutoff=40)
        pool = {n for _c, _s, n in near_core} | {n for _c, _s, n in near_name}
        pool.update(self._by_core.get(core, ()))
        for n in pool:
            if n in found:
                continue
            candidate = self.candidates[n]
            score = name_similarity(query, candidate)
            if short_form_match(query, candidate) or short_form_match(candidate, query):
                # 0.9 to 0.99, higher when the cores agree more (邦普循环 is closer to
                # 湖南邦普循环科技有限公司 than to 湖南邦普汽车循环有限公司).
                closeness = fuzz.ratio(core, self.cores[n]) / 100.0
                found[n] = (round(0.9 + 0.09 * max(closeness, score), 4), "short_form")
            elif score >= min_score:
                found[n] = (score, "fuzzy")
        ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
        return [(self.candidates[n], round(score, 4), how) for n, (score, how) in ranked[:limit]]


def best_matches(
    query: str, candidates: Sequence[str], limit: int = 5, min_score: float = 0.5
) -> list[tuple[str, float, str]]:
    """The best candidates for one name: [(candidate, score, how)], best first."""
    return NameIndex(candidates).best(query, limit=limit, min_score=min_score)
