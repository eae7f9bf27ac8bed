"""The two JSON APIs: build/unit (column fragments) and the site search."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from replica import listing, pages
from replica.blocks import plain_text
from replica.catalog import catalog
from replica.model import Document
from replica.scale import filler_documents
from replica.sites import Site

BEIJING = timezone(timedelta(hours=8))
OK = {"roles": [], "permissions": [], "code": "200", "success": True, "message": "操作成功"}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"roles": [], "permissions": [], "code": code, "success": False, "message": message, "data": None}


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def build_unit(site: Site, params: dict[str, str], state: int, scale: int, redesign: bool) -> dict[str, Any]:
    """The envelope with one page of a column's fragment, or an error envelope (HTTP 200 either way)."""
    column = site.column_by_page_id(params.get("pageId", ""))
    if column is None:
        return _error("404", "栏目不存在")
    if params.get("webId") not in (None, site.web_id):
        return _error("500", "站点不存在")
    paging: dict[str, Any] = {}
    if "paramJson" in params:
        try:
            paging = json.loads(params["paramJson"])
        except json.JSONDecodeError:
            return _error("500", "参数格式错误")
        if not isinstance(paging, dict):
            return _error("500", "参数格式错误")
    page_no = _int(paging.get("pageNo", params.get("pageNo")), 1)
    page_size = _int(paging.get("pageSize", params.get("pageSize")), site.rows)
    page_size = max(1, min(page_size, 100))
    rows, count = listing.page(site.key, column.path, state, scale, page_no, page_size)
    render = pages.miit_fragment if site.key == "miit" else pages.samr_fragment
    return {**OK, "data": {"html": render(rows, count, page_no, page_size, redesign)}}


_plain_cache: dict[tuple[str, str], str] = {}


def _plain(doc: Document) -> str:
    key = (doc.site, doc.art_id)
    if key not in _plain_cache:
        _plain_cache[key] = plain_text(doc.body)
    return _plain_cache[key]


def epoch_ms(doc: Document) -> int:
    """deploytime: #con_time in Beijing, plus stable seconds and milliseconds."""
    moment = datetime.strptime(doc.published, "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    extra = int(doc.art_id[-6:], 16)
    return int(moment.timestamp()) * 1000 + (extra % 60) * 1000 + extra % 1000


def _hit(doc: Document, words: list[str]) -> dict[str, Any]:
    title = pages.a(doc.title)
    for word in words:
        title = title.replace(pages.a(word), f"<em>{pages.a(word)}</em>")
    deploy = epoch_ms(doc)
    content = [{"fieldName": "content", "fieldValue": "\n".join(doc.body)}, {"fieldName": "subtitle", "fieldValue": ""}]
    infoextends = {"infoContent": json.dumps(content, ensure_ascii=False), "fileNumber": doc.doc_number or ""}
    return {
        "title": title,
        "title_text": doc.title,
        "url": doc.paths[0],
        "deploytime": str(deploy),
        "cdate": deploy - 600_000,
        "jsearch_date": doc.date,
        "filenumbername": doc.doc_number or "",
        "publishgroupname": doc.authority,
        "columnname": doc.columns[0].strip("/").split("/")[-1],
        "typename": "公告" if doc.stage == "公告" else ("通知" if "通知" in doc.title else "其他"),
        "infoextends": json.dumps(infoextends, ensure_ascii=False),
    }


def search(site: Site, params: dict[str, str], state: int, scale: int) -> dict[str, Any]:
    """Documents of this site whose title or body holds every word of q, newest deploytime first."""
    words = params.get("q", "").split()
    docs = [d for d in catalog().documents if d.site == site.key and d.state <= state]
    if scale:
        docs += [d for d in filler_documents(scale) if d.site == site.key]
    hits = [d for d in docs if all(w in d.title or w in _plain(d) for w in words)]
    hits.sort(key=epoch_ms, reverse=True)
    size = max(1, min(_int(params.get("pg"), 10), 100))
    number = max(1, _int(params.get("p"), 1))
    chosen = hits[(number - 1) * size : number * size]
    results: list[dict[str, Any]] = []
    for i, doc in enumerate(chosen):
        data = _hit(doc, words)
        results.append({"data": data} if i % 2 == 0 else {"groupName": doc.title, "groupData": [{"data": data}]})
    return {
        "success": True,
        "code": 200,
        "message": "查询成功",
        "data": {"searchResult": {"totalHits": len(hits), "total": len(hits), "pageNo": number, "pageSize": size,
                                  "dataResults": results}},
    }
