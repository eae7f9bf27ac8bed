"""Filler articles for `--scale N`: N plausible, deterministic articles per column, so that listings
page and the benchmark has volume. Mostly irrelevant news, one in eight related to battery
recycling; dates spread over 2019-01 to 2026-03. Generated per column on first use, then cached."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import cache

from replica import blocks
from replica.ids import hex_id
from replica.model import Document
from replica.sites import SITES

START, END = datetime(2019, 1, 1), datetime(2026, 3, 31)
REGIONS = ("北京市", "天津市", "河北省", "山西省", "辽宁省", "吉林省", "上海市", "江苏省", "浙江省", "安徽省", "福建省",
           "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "重庆市", "四川省", "贵州省",
           "云南省", "陕西省", "甘肃省")
CITIES = ("苏州", "合肥", "成都", "武汉", "长沙", "宁波", "青岛", "厦门", "西安", "郑州", "南昌", "昆明", "贵阳",
          "沈阳")
TOPICS = ("工业节能诊断服务", "绿色制造体系建设", "工业资源综合利用", "中小企业数字化转型", "工业互联网平台应用",
          "智能制造标准体系", "产业链协同创新", "原材料工业质量提升", "工业水效提升", "新材料首批次应用",
          "工业领域安全生产", "制造业单项冠军培育", "消费品工业增品种提品质")
MIIT_TITLES = ("{region}工业和信息化主管部门召开{topic}工作推进会", "{topic}专题培训班在{city}举办",
               "{year}年{topic}典型案例发布", "关于开展{year}年度{topic}工作的通知", "{city}积极推进{topic}")
SAMR_TITLES = ("{region}市场监管局开展{topic}专项检查", "市场监管总局部署{year}年{topic}工作",
               "{city}市场监管部门通报{topic}典型案例", "{topic}国家标准宣贯会在{city}召开")
SAMR_TOPICS = ("电动自行车产品质量", "计量器具监督", "食品安全抽检", "特种设备安全", "广告监管", "价格监督检查",
               "知识产权执法", "网络交易监管", "标准化试点示范", "检验检测机构监管")
RELATED_TITLES = ("{city}推进新能源汽车动力电池回收服务网点建设", "{region}开展废旧动力电池综合利用企业调研",
                  "{city}举办动力电池梯次利用产业对接会")


def _when(rng: random.Random, i: int, n: int) -> str:
    span = (END - START).total_seconds()
    moment = END - timedelta(seconds=span * (i + rng.random()) / n)
    moment = moment.replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59))
    return moment.strftime("%Y-%m-%d %H:%M")


def _filler(site: str, column: str, i: int, n: int) -> Document:
    rng = random.Random(f"{site}{column}{i}")
    published = _when(rng, i, n)
    related = i % 8 == 3
    if related:
        template, topic = rng.choice(RELATED_TITLES), "动力电池回收利用"
    elif site == "miit":
        template, topic = rng.choice(MIIT_TITLES), rng.choice(TOPICS)
    else:
        template, topic = rng.choice(SAMR_TITLES), rng.choice(SAMR_TOPICS)
    region, city = rng.choice(REGIONS), rng.choice(CITIES)
    title = template.format(region=region, city=city, topic=topic, year=published[:4])
    body = [
        blocks.p(f"{blocks.cn_date(published)}，{title}。"),
        blocks.p(f"会议（活动）围绕{topic}交流了工作进展，研究部署了下一步重点任务。"),
        blocks.p("本文为回放站点按规模参数生成的填充内容。"),
    ]
    column_name = found.name if (found := SITES[site].column(column)) else ""
    return Document(
        key=f"scale:{site}:{column}:{i}", site=site, art_id=hex_id("scale", site, column, str(i)),
        columns=(column,), title=title, category="related" if related else "irrelevant", stage="none",
        published=published, body=tuple(body), source=column_name,
        authority="工业和信息化部" if site == "miit" else "市场监管总局",
        href_styles={column: "relative"} if i % 24 == 11 else {}, synthetic=True, scale_index=i,
    )


@cache
def column_fillers(site: str, column: str, n: int) -> tuple[Document, ...]:
    return tuple(_filler(site, column, i, n) for i in range(n))


def filler_documents(n: int) -> list[Document]:
    """Every filler document of every column, for ground truth and search."""
    out: list[Document] = []
    for site in SITES.values():
        for column in site.columns:
            out.extend(column_fillers(site.key, column.path, n))
    return out
