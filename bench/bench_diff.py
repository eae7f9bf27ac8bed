"""Timing of the comparison engines on synthetic but realistic Chinese input.

Run from the repository root: python bench/bench_diff.py
Prints one line per figure with its target; asserts nothing about time. Each figure is the
median of several runs after a warm-up; jieba's dictionary load is reported on its own.
All names and texts here are generated and fictitious.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Figure, save, table
from diff.clauses import diff_clauses
from diff.entities import ListEntry, diff_entries
from diff.names import best_matches, normalize_name
from diff.text import tokenizer
from diff.words import word_diff

PROVINCES = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 "
    "江西省 山东省 河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 "
    "陕西省 甘肃省 青海省 宁夏回族自治区 新疆维吾尔自治区"
).split()
SYLLABLES = "华邦格瑞泰盛鑫源达宏远恒昌丰德润隆新锦嘉晟博睿航宇天启融汇安康永信海川峰岳明辉凯"
TRADES = ("循环科技", "新材料科技", "新能源科技", "资源再生", "环保科技", "再生资源", "储能技术")
FORMS = ("有限公司", "股份有限公司")
TYPES = ("梯次利用", "再生利用")
CN_NUM = "一二三四五六七八九十"


def samples_ms(fn: Callable[[], object], runs: int = 7) -> list[float]:
    """Milliseconds of `runs` calls after a warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


FIGURES: list[Figure] = []


def median_ms(fn: Callable[[], object], runs: int = 7, name: str = "", target: float | None = None) -> float:
    times = samples_ms(fn, runs)
    if name:
        FIGURES.append(Figure(name, times, "ms", target))
    return statistics.median(times)


def synthetic_name(rng: random.Random, province: str) -> str:
    short = province.removesuffix("省").removesuffix("市")[:2]
    core = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((3, 4))))
    return f"{short}{core}{rng.choice(TRADES)}{rng.choice(FORMS)}"


def entity_lists(rng: random.Random, size: int = 10_000) -> tuple[list[ListEntry], list[ListEntry]]:
    seen: set[str] = set()
    old: list[ListEntry] = []
    while len(old) < size:
        province = rng.choice(PROVINCES)
        name = synthetic_name(rng, province)
        if name not in seen:
            seen.add(name)
            old.append(ListEntry(name, province, rng.choice(TYPES), rng.randint(1, 6)))
    new = list(old)
    rng.shuffle(new)
    for n in range(150):  # renames: one character corrected
        e = new[n]
        name = e.enterprise
        k = 2 + rng.randrange(2)
        other = rng.choice(SYLLABLES.replace(name[k], ""))
        new[n] = ListEntry(name[:k] + other + name[k + 1 :], e.province, e.type, e.batch)
    for n in range(150, 200):  # province corrected
        e = new[n]
        province = rng.choice([p for p in PROVINCES if p != e.province])
        new[n] = ListEntry(e.enterprise, province, e.type, e.batch)
    del new[200:450]  # 250 removed
    added = 0
    while added < 250:
        province = rng.choice(PROVINCES)
        name = synthetic_name(rng, province)
        if name not in seen:
            seen.add(name)
            new.append(ListEntry(name, province, rng.choice(TYPES), 7))
            added += 1
    return old, new


PHRASES = (
    "企业应建立健全废旧动力电池溯源管理制度,按照国家有关规定及时上传拆解、再生利用等环节的溯源信息",
    "再生利用企业应具备与生产规模相适应的破碎分离、材料修复和冶炼等技术装备",
    "梯次利用企业应对废旧动力电池进行分类检测和余能评估,确保梯次利用产品质量安全可靠",
    "企业应严格执行环境影响评价制度,污染物排放应符合国家和地方排放标准要求",
    "企业厂区面积应与生产规模相适应,贮存场所应符合防火、防雨、防渗漏等要求",
    "企业应配备专职安全管理人员,定期开展安全生产教育培训和应急演练",
)
METRICS = (
    ("冶炼过程锂回收率应不低于", "%", (85, 90, 92)),
    ("镍、钴、锰回收率应不低于", "%", (97, 98, 99)),
    ("杂质铝含量应低于", "%", (1, 1.5)),
    ("碳酸锂生产单位产品综合能耗应低于", "千克标准煤/吨", (2000, 2200)),
    ("工艺废水循环利用率应不低于", "%", (85, 90)),
    ("再生利用产能原则上不低于", "吨/年", (3000, 5000)),
)


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 7 → 七, 12 → 十二, 40 → 四十."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUM[tens - 1] + "十")
    return head + (CN_NUM[ones - 1] if ones else "")


def criteria_text(rng: random.Random, target_chars: int = 30_000) -> str:
    lines = ["新能源汽车废旧动力电池综合利用行业规范条件(2099年本)"]
    chapter = 0
    while sum(len(line) for line in lines) < target_chars:
        lines.append(f"{chinese_number(chapter + 1)}、第{chapter + 1}部分要求")
        for sub in range(6):
            lines.append(f"({CN_NUM[sub]}){rng.choice(PHRASES)}。")
            for item in range(1, 5):
                label, unit, values = rng.choice(METRICS)
                value = rng.choice(values)
                lines.append(f"{item}.{rng.choice(PHRASES)},{label}{value}{unit};第{chapter}{sub}{item}项。")
        chapter += 1
    return "\n".join(lines)


def edit_criteria(text: str) -> str:
    """Five edits: a sentence appended, a threshold raised, a word replaced, one item
    removed and one item added. A clause diff should report exactly these five."""
    lines = text.split("\n")
    lines[40] = lines[40].replace("。", ",并每年报送一次。", 1)
    threshold = next(n for n in range(100, len(lines)) if "锂回收率应不低于90%" in lines[n])
    lines[threshold] = lines[threshold].replace("不低于90%", "不低于92%")
    word = next(n for n in range(300, len(lines)) if "余能评估" in lines[n])
    lines[word] = lines[word].replace("余能评估", "健康状态评估")
    del lines[200]
    lines.insert(500, "5.企业应按规定公开综合利用情况,接受社会监督。")
    return "\n".join(lines)


def announcement(rng: random.Random, target_bytes: int = 100_000) -> str:
    paragraphs = []
    while sum(len(p.encode("utf-8")) + 1 for p in paragraphs) < target_bytes:
        sentences = [rng.choice(PHRASES) for _ in range(rng.randint(2, 5))]
        paragraphs.append(",".join(sentences) + f",相关数值为{rng.randint(1, 99)}%。")
    return "\n".join(paragraphs)


def edit_announcement(text: str) -> str:
    paras = text.split("\n")
    for n in (10, 200, 400, 650):
        if n < len(paras):
            paras[n] = paras[n].replace("应", "须", 1).replace("%", "‰", 1)
    paras.insert(300, "本公告自发布之日起施行。")
    return "\n".join(paras)


def main() -> None:
    rng = random.Random(20260428)
    start = time.perf_counter()
    tokenizer().lcut("预热结巴分词")
    print(f"jieba load (once per process)             {(time.perf_counter() - start) * 1000:8.1f} ms")

    old, new = entity_lists(rng)
    normalize_name.cache_clear()
    start = time.perf_counter()
    diff = diff_entries(old, new)
    cold = (time.perf_counter() - start) * 1000
    warm = median_ms(lambda: diff_entries(old, new), name="entity diff, 10,000 entries", target=50.0)
    print(
        f"entity diff 10,000 entries, cold cache    {cold:8.1f} ms"
        f"   (added {len(diff.added)}, removed {len(diff.removed)}, changed {len(diff.changed)};"
        " generated: 250, 250, 200)"
    )
    print(f"entity diff 10,000 entries, median        {warm:8.1f} ms   target <= 50 ms")
    names = [e.enterprise for e in old]
    query = names[1234][2:6]
    best = median_ms(lambda: best_matches(query, names), name="best_matches over 10,000 names")
    print(f"best_matches over 10,000 names, median    {best:8.1f} ms")

    crit_old = criteria_text(rng)
    crit_new = edit_criteria(crit_old)
    changes = diff_clauses(crit_old, crit_new)
    ms = median_ms(lambda: diff_clauses(crit_old, crit_new), name="clause diff, 30,000 characters", target=200.0)
    print(
        f"clause diff {len(crit_old):,} chars, median      {ms:8.1f} ms   target <= 200 ms"
        f"   ({len(changes)} clauses reported; 5 edited)"
    )

    ann_old = announcement(rng)
    ann_new = edit_announcement(ann_old)
    ops = word_diff(ann_old, ann_new)
    ms = median_ms(lambda: word_diff(ann_old, ann_new), name="word diff, 100 KB announcement", target=100.0)
    size_kb = len(ann_old.encode("utf-8")) / 1000
    changed = sum(1 for op in ops if op.op != "equal")
    print(f"word diff {size_kb:.0f} KB announcement, median    {ms:8.1f} ms   target <= 100 ms   ({changed} edits)")
    print(table(FIGURES))
    save("diff", FIGURES)


if __name__ == "__main__":
    main()
