"""One example change of every kind, for previews (`python -m notifier --preview KIND`), tests
and the benchmark.

Facts come from public sources: batch 4 公示 names are the press short names printed on
2022-11-16 (e.g. libattery.ofweek.com, ART-36007-8120-30579447); batch 1 is 工业和信息化部公告
2018年第40号; the 再生利用 clause pair is the 2024 征求意见稿 (2024-08-14) against the 2024年本
(2024-12-24, as quoted by 中国汽车报); the certification notice is the SAMR/MIIT 公告 of
2023-03-06. Names marked 示例 are synthetic: no real enterprise was ever removed in these samples.
"""

from __future__ import annotations

import copy
from typing import Any

_MIIT_ART = "https://www.miit.gov.cn/jgsj/jns/wjfb/art/2024/art_a05ad4164f20482088a97fcbff80b987.html"
_EVIDENCE = {"raw_sha256": "3f" * 32, "content_hash": "9a" * 32, "version_id": 12}
_BASE: dict[str, Any] = {"detected_at": "2026-04-28T01:30:00+00:00", "source_id": "miit-jns-wjfb",
                         "document_id": 41, "authority": "MIIT", "severity": "warning", "suspect": 0,
                         "evidence": _EVIDENCE, "attachments": []}

SAMPLES: dict[str, dict[str, Any]] = {
    "list.proposed": {
        "kind": "list.proposed", "category": "whitelist", "stage": "公示",
        "title": "关于拟公告符合《新能源汽车废旧动力蓄电池综合利用行业规范条件》企业名单（第四批）的公示",
        "summary": "工信部公示第四批拟公告企业名单", "published_at": "2022-11-16",
        "url": "https://www.miit.gov.cn/zwgk/wjgs/art/2022/art_00000000000000000000000000000004.html",
        "attachments": [{"url": "https://www.miit.gov.cn/cms_files/filemanager/2022/fj4.xlsx",
                         "name": "附件：拟公告企业名单（第四批）.xlsx", "sha256": "5c" * 32}],
        "details": {"batch": 4, "stage": "公示", "deadline": "2022-11-30", "entries": [
            {"enterprise": "天津巴特瑞", "province": "天津市", "type": "梯次利用"},
            {"enterprise": "北汽鹏龙沧州", "province": "河北省", "type": "梯次利用"},
            {"enterprise": "江苏华友能源", "province": "江苏省", "type": "梯次利用"},
            {"enterprise": "湖南邦普汽车循环", "province": "湖南省", "type": "梯次利用"},
        ]},
    },
    "list.entry_added": {
        "kind": "list.entry_added", "category": "whitelist", "stage": "公告",
        "title": "工业和信息化部公告2018年第40号", "doc_number": "工业和信息化部公告2018年第40号",
        "summary": "第一批公告：衢州华友钴新材料有限公司列入名单", "published_at": "2018-09-05",
        "url": "https://www.miit.gov.cn/zwgk/zcwj/wjfb/gg/art/2018/art_00000000000000000000000000000040.html",
        "details": {"batch": 1, "enterprise": "衢州华友钴新材料有限公司", "province": "浙江省",
                    "type": "unspecified", "reason": "工业和信息化部公告2018年第40号"},
    },
    "list.entry_removed": {
        "kind": "list.entry_removed", "category": "whitelist", "stage": "公告", "severity": "critical",
        "title": "关于撤销部分企业行业规范条件公告资格的公告（示例）", "summary": "示例再生资源有限公司被撤销公告资格",
        "details": {"batch": 2, "enterprise": "示例再生资源有限公司", "province": "示例省", "type": "再生利用",
                    "reason": "撤销（示例）"},
    },
    "list.entry_changed": {
        "kind": "list.entry_changed", "category": "whitelist", "stage": "公告",
        "title": "符合行业规范条件企业名单（第六批）（示例）", "summary": "示例企业名称变更",
        "details": {"batch": 6, "fields": ["enterprise"],
                    "old": {"enterprise": "示例梯次能源有限公司", "province": "示例省", "type": "梯次利用"},
                    "new": {"enterprise": "示例梯次新能源科技有限公司", "province": "示例省", "type": "梯次利用"}},
    },
    "criteria.changed": {
        "kind": "criteria.changed", "category": "criteria", "severity": "critical",
        "title": "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）",
        "doc_number": "工业和信息化部公告2024年第42号",
        "summary": "规范条件再生利用条款：杂质铝、铜含量要求由低于1%调整为低于1.5%", "published_at": "2024-12-24",
        "url": _MIIT_ART,
        "details": {"against": {"title": "新能源汽车废旧动力电池综合利用行业规范条件（2024年本）（征求意见稿）",
                                "doc_number": ""},
                    "clauses": [{"number": "（再生利用）", "status": "changed",
                                 "old": "铜、铝回收率应不低于98%，杂质铝含量低于1%，杂质铜含量低于1%",
                                 "new": "电极粉料回收率不低于98%，杂质铝含量低于1.5%，杂质铜含量低于1.5%",
                                 "diff": [{"op": "replace", "old": "铜、铝", "new": "破碎分离后的电极粉料"},
                                          {"op": "equal", "old": "回收率", "new": "回收率"},
                                          {"op": "delete", "old": "应", "new": ""},
                                          {"op": "equal", "old": "不低于98%，杂质铝含量低于",
                                           "new": "不低于98%，杂质铝含量低于"},
                                          {"op": "replace", "old": "1%", "new": "1.5%"},
                                          {"op": "equal", "old": "，杂质铜含量低于", "new": "，杂质铜含量低于"},
                                          {"op": "replace", "old": "1%", "new": "1.5%"}],
                                 "numbers": [["1%", "1.5%"], ["1%", "1.5%"]]}]},
    },
    "document.new": {
        "kind": "document.new", "category": "inspection", "authority": "SAMR",
        "title": "市场监管总局 工业和信息化部关于开展新能源汽车动力电池梯次利用产品认证工作的公告",
        "summary": "市场监管总局、工信部开展梯次利用产品自愿性认证", "published_at": "2023-03-06",
        "url": "https://www.samr.gov.cn/zw/zfxxgk/fdzdgknr/rzjgs/art/2023/art_00000000000000000000000000002023.html",
        "details": {"excerpt": "市场监管总局、工业和信息化部决定开展新能源汽车动力电池梯次利用产品自愿性认证"
                               "（以下简称梯次利用产品认证）工作。"},
    },
    "document.edited": {
        "kind": "document.edited", "category": "whitelist", "title": "工业和信息化部公告2018年第40号",
        "summary": "公告正文修改：企业名称更正", "doc_number": "工业和信息化部公告2018年第40号",
        "details": {"diff": [{"op": "equal", "old": "符合规范条件的企业名单：", "new": "符合规范条件的企业名单："},
                             {"op": "replace", "old": "荆门格林美", "new": "荆门市格林美新材料有限公司"}],
                    "attachments_changed": [{"name": "企业名单.pdf", "old_sha256": "11" * 32,
                                             "new_sha256": "22" * 32}]},
    },
    "document.withdrawn": {
        "kind": "document.withdrawn", "category": "criteria", "title": "规范条件解读（示例）",
        "summary": "页面已无法访问", "details": {"http_status": 404, "runs": 3},
    },
    "document.flapping": {
        "kind": "document.flapping", "category": "whitelist", "title": "工作动态（示例）",
        "summary": "页面在已见版本之间切换", "details": {"versions_seen": 3},
    },
    **{f"supplier.{event}": {
        "kind": f"supplier.{event}", "category": "whitelist", "stage": "公告", "severity": "critical",
        "title": "关于撤销部分企业行业规范条件公告资格的公告（示例）", "entity": "示例再生资源有限公司",
        "summary": f"【供应商】示例再生资源有限公司（SUP-0042，合同 PO-2026-17）{event}",
        "details": {"event": event, "watch_id": 7, "supplier": "示例再生资源有限公司",
                    "name_en": "Shili Renewable Resources Co., Ltd.", "supplier_id": "SUP-0042",
                    "contract_ref": "PO-2026-17", "owner_email": "buyer@example.com",
                    "enterprise": "示例再生资源有限公司", "batch": 2, "source_change_id": 40,
                    "source_kind": "list.entry_removed", "reason": "撤销（示例）",
                    **({"old_name": "示例再生资源有线公司", "new_name": "示例再生资源有限公司"}
                       if event == "renamed" else {})},
    } for event in ("proposed", "listed", "dropped", "revoked", "renamed", "criteria_changed")},
    "source.health": {
        "kind": "source.health", "category": None, "authority": None, "document_id": None, "evidence": {},
        "severity": "critical", "summary": "数据源被拦截：HTTP 412",
        "details": {"source": "miit-jns-wjfb", "state": "blocked", "previous": "ok",
                    "reason": "HTTP 412 with a JavaScript cookie challenge on 3 consecutive requests"},
    },
    "outbox.dead": {
        "kind": "outbox.dead", "category": None, "authority": None, "source_id": None, "document_id": None,
        "evidence": {}, "severity": "critical", "summary": "告警投递失败",
        "details": {"outbox_id": 17, "channel": "team-slack", "route": "compliance", "attempts": 8,
                    "last_error": "Slack answered HTTP 404: no_service"},
    },
}


def sample(kind: str, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of the sample change of `kind`, with `overrides` applied."""
    change = {**copy.deepcopy(_BASE), **copy.deepcopy(SAMPLES[kind])}
    change.update(overrides)
    return change
