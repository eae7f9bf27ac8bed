"""Enterprise names: folding, legal forms, press short forms and fast best matches."""

from __future__ import annotations

import random

import pytest

from diff.names import (
    NameIndex,
    best_matches,
    name_core,
    name_similarity,
    normalize_name,
    short_form_match,
)

# Batch 4 (公示 of 2022-11-16) as the press printed the names: short forms, from the coverage
# listed in the data set (libattery.m.ofweek.com/2022-11/ART-36007-8120-30579447.html and
# momof4plusmore.com/Cn/Index/pageView/catid/26/id/24177.html). The legal names beside them
# are attested for 南都华铂 (gdmsci.cn/article/3W4B1fJQweR7.html) and 北汽鹏龙 (atcrr.cn/
# show-28-6451-1.html); the others are plausible forms constructed for this test only.
BATCH4_SHORT_TO_LEGAL = {
    "天津巴特瑞": "天津巴特瑞科技有限公司",
    "北汽鹏龙沧州": "北汽鹏龙（沧州）新能源汽车服务股份有限公司",
    "江苏华友能源": "江苏华友能源科技有限公司",
    "江西睿达新能源": "江西睿达新能源科技有限公司",
    "山东绿能环宇": "山东绿能环宇低碳科技有限公司",
    "武汉蔚澜新能源": "武汉蔚澜新能源科技有限公司",
    "湖南邦普汽车循环": "湖南邦普汽车循环有限公司",
    "深圳杰成镍钴新能源": "深圳市杰成镍钴新能源科技有限公司",
    "重庆标能瑞源储能技术研究院": "重庆标能瑞源储能技术研究院有限公司",
    "广汽商贸再生": "广州广汽商贸再生资源有限公司",
    "富奥智慧能源": "长春富奥智慧能源科技有限公司",
    "中伟资源循环": "贵州中伟资源循环产业发展有限公司",
    "河北顺境环保科技": "河北顺境环保科技有限公司",
    "吉林铁阳盛日循环": "吉林铁阳盛日循环科技有限公司",
    "上海伟翔众翼新能源": "上海伟翔众翼新能源科技有限公司",
    "安徽海螺川崎节能": "安徽海螺川崎节能设备制造有限公司",
    "南都华铂新材": "安徽南都华铂新材料科技有限公司",
    "赣州腾远钴业": "赣州腾远钴业新材料股份有限公司",
    "河南科隆电源": "河南科隆电源材料有限公司",
    "骆驼集团资源循环襄阳": "骆驼集团资源循环（襄阳）有限公司",
    "湖南天泰天润新能源": "湖南天泰天润新能源科技有限公司",
    "红星电子": "贵州红星电子材料有限公司",
    "立鑫新材料": "浙江立鑫新材料科技有限公司",
}
# Batch 1 (工业和信息化部公告2018年第40号), full legal names: distractors for the short forms.
BATCH1 = [
    "衢州华友钴新材料有限公司",
    "赣州市豪鹏科技有限公司",
    "荆门市格林美新材料有限公司",
    "湖南邦普循环科技有限公司",
    "广东光华科技股份有限公司",
]
LEGAL_NAMES = list(BATCH4_SHORT_TO_LEGAL.values()) + BATCH1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("北汽鹏龙（沧州）新能源汽车服务股份有限公司", "北汽鹏龙(沧州)新能源汽车服务股份有限公司"),
        ("ＡＢＣ循环科技　有限公司", "ABC循环科技有限公司"),
        (" 湖南邦普循环科技\t有限公司 ", "湖南邦普循环科技有限公司"),
        ("衢州华友钴新材料有限公司*", "衢州华友钴新材料有限公司"),
        ("衢州华友钴新材料有限公司※", "衢州华友钴新材料有限公司"),
        ("衢州华友钴新材料有限公司（注1）", "衢州华友钴新材料有限公司"),
        ("衢州华友钴新材料有限公司注2", "衢州华友钴新材料有限公司"),
        ("衢州华友钴新材料有限公司¹", "衢州华友钴新材料有限公司"),
        ("衢州华友钴新材料有限公司。", "衢州华友钴新材料有限公司"),
        ("“衢州华友钴新材料有限公司”", "衢州华友钴新材料有限公司"),
        ("3.衢州华友钴新材料有限公司", "衢州华友钴新材料有限公司"),
        ("赣州市豪鹏科技有限责任公司", "赣州市豪鹏科技有限公司"),
        ("广东光华科技股份公司", "广东光华科技股份有限公司"),
        ("广东光华科技股份有限公司", "广东光华科技股份有限公司"),
        ("", ""),
    ],
    ids=[
        "full-width-brackets", "full-width-letters-and-space", "whitespace", "asterisk", "reference-mark",
        "bracketed-note", "bare-note", "superscript", "trailing-punctuation", "quotes", "serial-number",
        "llc-long-form", "jsc-short-form", "jsc-kept", "empty",
    ],
)
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected
    assert normalize_name(normalize_name(raw)) == normalize_name(raw)


def test_legal_forms():
    assert normalize_name("湖南邦普循环科技有限责任公司") == normalize_name("湖南邦普循环科技有限公司")
    jsc, llc = "湖南邦普循环科技股份有限公司", "湖南邦普循环科技有限公司"
    assert normalize_name(jsc) != normalize_name(llc)
    assert name_similarity(jsc, llc) >= 0.8  # a change of legal form reads as a rename


@pytest.mark.parametrize(("short", "legal"), list(BATCH4_SHORT_TO_LEGAL.items()), ids=list(BATCH4_SHORT_TO_LEGAL))
def test_batch4_press_short_forms_match_their_legal_name_only(short, legal):
    assert short_form_match(short, legal)
    assert [name for name in LEGAL_NAMES if short_form_match(short, name)] == [legal]
    top = best_matches(short, LEGAL_NAMES, limit=3)
    assert top[0][0] == legal and top[0][2] == "short_form" and top[0][1] >= 0.9


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("宁德时代", "宁德时代新能源科技股份有限公司", True),
        ("南都华铂新材", "安徽南都华铂新材料科技有限公司", True),
        ("湖南邦普汽车循环", "湖南邦普汽车循环有限公司", True),
        ("腾远钴业", "赣州市腾远钴业新材料股份有限公司", True),
        ("格林美", "荆门市格林美新材料有限公司", True),
        ("湖南邦普汽车循环", "湖南邦普循环科技有限公司", False),
        ("时代", "宁德时代新能源科技股份有限公司", False),
        ("江苏华友能源", "衢州华友钴新材料有限公司", False),
        ("红星电子", "荆门市格林美新材料有限公司", False),
        ("", "荆门市格林美新材料有限公司", False),
    ],
    ids=["catl", "nandu", "brunp-auto", "tenyuan-without-city", "gem-without-city",
         "brunp-other-entity", "brand-half", "huayou-other-entity", "unrelated", "empty"],
)
def test_short_form_match(short, full, expected):
    assert short_form_match(short, full) is expected


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("湖南邦普循环科技有限公司", "邦普"),
        ("荆门市格林美新材料有限公司", "荆门格林美"),
        ("宁德时代新能源科技股份有限公司", "宁德时代"),
        ("北汽鹏龙（沧州）新能源汽车服务股份有限公司", "北汽鹏龙沧州新能源汽车"),
    ],
    ids=["province-and-suffixes", "city-keeps-name", "city-brand", "brackets"],
)
def test_name_core(name, core):
    assert name_core(name) == core


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("湖南邦普循环科技有限公司", "湖南邦普循环科技有限公司", 1.0, 1.0),
        ("湖南邦普循环科技有限公司", "湖南金源新材料循环科技有限公司", 0.0, 0.6),
        ("江西睿达新能源科技有限公司", "江西瑞达新能源科技有限公司", 0.5, 0.8),
        ("荆门市格林美新材料有限公司", "荆门市格林美新材料股份有限公司", 0.9, 0.99),
    ],
    ids=["same", "shared-boilerplate-only", "one-char-in-short-core", "legal-form-change"],
)
def test_name_similarity(a, b, low, high):
    assert low <= name_similarity(a, b) <= high
    assert name_similarity(a, b) == name_similarity(b, a)


def test_best_matches_in_ten_thousand_candidates():
    rng = random.Random(7)
    syllables = "华邦格瑞泰盛鑫源达宏远恒昌丰德润隆锦嘉晟博睿航宇天启融汇安康永信海川峰岳明辉凯"
    pool = {
        "湖北" + "".join(rng.choice(syllables) for _ in range(4)) + rng.choice(("循环科技", "新材料")) + "有限公司"
        for _ in range(10_000)
    }
    candidates = sorted(pool) + LEGAL_NAMES
    index = NameIndex(candidates)
    exact = index.best("湖南邦普循环科技有限责任公司")
    assert exact[0] == ("湖南邦普循环科技有限公司", 1.0, "exact")
    short = index.best("南都华铂新材", limit=5)
    assert short[0][0] == "安徽南都华铂新材料科技有限公司" and short[0][2] == "short_form"
    fuzzy = best_matches("安徽南都华铂新材料科技公司", candidates, limit=2)
    assert fuzzy[0][0] == "安徽南都华铂新材料科技有限公司" and fuzzy[0][1] >= 0.8
    assert len(fuzzy) <= 2
    assert index.best("完全无关的名称") == []


def test_short_forms_rank_by_how_well_the_cores_agree():
    ranked = best_matches("邦普循环", LEGAL_NAMES)
    assert [name for name, _s, _h in ranked[:2]] == ["湖南邦普循环科技有限公司", "湖南邦普汽车循环有限公司"]
    assert ranked[0][1] > ranked[1][1]
    # a registered name is not taken for a short form of another company's name
    full = best_matches("湖南邦普循环科技有限公司", LEGAL_NAMES)
    assert full[0] == ("湖南邦普循环科技有限公司", 1.0, "exact")
    assert all(how != "short_form" for _n, _s, how in full)


def test_two_registered_names_in_different_cities_are_different_companies():
    from diff.names import short_form_match

    assert not short_form_match("西宁示例拓源循环科技有限公司", "界首示例拓源循环科技有限公司")
    assert not short_form_match("宜宾示例晟达电源科技有限责任公司", "北京示例晟达新材料科技有限责任公司")
    assert short_form_match("湖南邦普循环科技有限公司", "湖南邦普循环科技有限公司")
