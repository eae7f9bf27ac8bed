"""The enterprise list inside the tables of a white-list announcement or its attachment.

Published tables vary: columns in any order and wording (省份/地区/所在地, 企业名称/单位名称),
provinces merged over several rows, section rows (一、梯次利用企业) that set the type of the
rows below, tables split over PDF pages with or without a repeated header, footnotes.

Types are normalised to 梯次利用, 再生利用, 梯次利用和再生利用 or unspecified. 综合利用 alone
(the untyped wording of batch 1) is `unspecified`: it names the field, not a qualification,
and claiming both types would overstate what the list says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from diff.entities import ListEntry
from diff.text import normalize, tidy

__all__ = ["TYPES", "ListTableResult", "entries_from_tables", "header_roles", "looks_like_header",
           "normalize_type"]

TYPES = ("梯次利用", "再生利用", "梯次利用和再生利用", "unspecified")

# Column roles and the header wordings that name them (matched on text without spaces/brackets).
_ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "no": re.compile(r"^(序号|编号|序|No\.?|NO\.?|行号)$", re.IGNORECASE),
    "province": re.compile(
        r"^(所在)?(省份|省市|省区市|省\(区、?市\)|省\(自治区、?直辖市\)|地区|所在地|区域|属地|省|"
        r"省\(区、?市、?兵团\)|所在省份|所在地区|省级地区)$"
    ),
    "enterprise": re.compile(r"^(申报)?(企业|单位|公司)(名称|全称)?$|^名称$|^企业名单$"),
    "type": re.compile(r"^(企业|综合利用|利用|申报|业务|资质)?(类型|类别|方向)$|^综合利用类型$"),
    "note": re.compile(r"^(备注|说明|注)$"),
}
_SECTION_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|\(?[一二三四五六七八九十0-9]+\)|[0-9]+\s*[、.])\s*"
)
_FOOTNOTE = re.compile(r"^\s*(?:注|备注|说明|附注|\*|※)\s*[:：\d、.]?")
_NAME_END = re.compile(r"(公司|厂|集团|中心|研究院|研究所|合作社|商行|经营部)$")


@dataclass
class ListTableResult:
    entries: list[ListEntry] = field(default_factory=list)
    header: list[str] | None = None
    problems: list[str] = field(default_factory=list)


def _fold(cell: str) -> str:
    text = normalize(cell or "")
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def normalize_type(text: str | None) -> str | None:
    """梯次利用 / 再生利用 / 梯次利用和再生利用 / unspecified for a type cell or section title;
    None when the text names no type at all."""
    s = _fold(text or "")
    if not s:
        return None
    cascade = "梯次" in s or "梯级" in s
    recycle = "再生" in s
    if cascade and recycle:
        return "梯次利用和再生利用"
    if cascade:
        return "梯次利用"
    if recycle:
        return "再生利用"
    if "综合利用" in s:
        return "unspecified"
    return None


def header_roles(row: list[str]) -> dict[str, int]:
    """role → column index for a header row (first column wins for each role)."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(row):
        folded = _fold(cell)
        for role, pattern in _ROLE_PATTERNS.items():
            if role not in roles and pattern.match(folded):
                roles[role] = index
                break
    return roles


def looks_like_header(row: list[str]) -> bool:
    """A header names the enterprise column, or at least two known columns."""
    roles = header_roles(row)
    return "enterprise" in roles or len(roles) >= 2


def _join_wrapped(cell: str) -> str:
    """A name wrapped inside its cell ('…科技有\\n限公司') is one name: drop breaks between CJK.
    Characters stay as published (（襄阳） is not folded to (襄阳)): names are matched by their
    normalised key, never rewritten."""
    text = tidy(cell or "")
    text = re.sub(r"(?<=[\u4e00-\u9fff()（）])\s+(?=[\u4e00-\u9fff()（）])", "", text)
    return re.sub(r"\s+", " ", text).strip()


_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "兵团", "香港", "澳门", "台湾", "大连", "青岛", "宁波", "厦门", "深圳",
)


def _is_province(cell: str) -> bool:
    s = _fold(cell)
    return bool(s) and len(s) <= 12 and any(s.startswith(p) for p in _PROVINCES) and not _NAME_END.search(s)


def _infer_roles(rows: list[list[str]]) -> dict[str, int]:
    """Column roles guessed from the content of a table that has no header row."""
    width = max((len(r) for r in rows), default=0)
    roles: dict[str, int] = {}
    for col in range(width):
        values = [_fold(r[col]) for r in rows if col < len(r) and _fold(r[col])]
        if not values:
            continue
        share = lambda test: sum(1 for v in values if test(v)) / len(values)  # noqa: B023, E731
        if "enterprise" not in roles and share(lambda v: bool(_NAME_END.search(v))) >= 0.6:
            roles["enterprise"] = col
        elif "province" not in roles and share(_is_province) >= 0.6:
            roles["province"] = col
        elif "no" not in roles and share(lambda v: v.isdigit()) >= 0.8:
            roles["no"] = col
        elif "type" not in roles and share(lambda v: normalize_type(v) is not None) >= 0.6:
            roles["type"] = col
    return roles


def _section_type(row: list[str], roles: dict[str, int]) -> tuple[bool, str | None]:
    """(is this a section or caption row rather than an enterprise, the type it sets)."""
    cells = [_join_wrapped(c) for c in row]
    values = {c for c in cells if c}
    if len(values) != 1:
        return False, None
    text = values.pop()
    stripped = _SECTION_NUMBER.sub("", text)
    if _NAME_END.search(_fold(stripped)):
        return False, None
    typed = normalize_type(stripped)
    merged_across = len(cells) > 1 and all(c == text for c in cells)
    if typed is not None or merged_across or _SECTION_NUMBER.match(text):
        return True, typed
    enterprise_col = roles.get("enterprise")
    if enterprise_col is not None and enterprise_col < len(cells) and cells[enterprise_col] == text:
        return False, None  # a lone name whose other cells are merged or blank
    return True, None


@dataclass
class _Group:
    """Consecutive tables that form one list: a header and its continuation pages."""

    roles: dict[str, int]
    header: list[str] | None
    width: int
    rows: list[tuple[int, int, list[str]]] = field(default_factory=list)  # (table, row, cells)


def _find_header(table: list[list[str]]) -> int | None:
    for index, row in enumerate(table[:6]):
        if "enterprise" in header_roles(row):
            return index
    return None


def _groups(tables: list[list[list[str]]], problems: list[str]) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for t_index, table in enumerate(tables):
        if not table:
            continue
        width = max(len(r) for r in table)
        h = _find_header(table)
        if h is not None:
            roles = header_roles(table[h])
            if current is not None and current.header is not None and _fold("".join(table[h])) == _fold(
                "".join(current.header)
            ):
                start = h + 1  # the header repeated on a continuation page
            else:
                current = _Group(roles, [normalize(c) for c in table[h]], width)
                groups.append(current)
                start = h + 1
            current.rows.extend((t_index, r, row) for r, row in enumerate(table[start:], start=start))
        elif current is not None and width == current.width:
            current.rows.extend((t_index, r, row) for r, row in enumerate(table))
        else:
            if current is not None:
                problems.append(f"table {t_index + 1} has no header and {width} columns, not {current.width}; skipped")
            current = None
    if not groups:
        candidates = [(i, t) for i, t in enumerate(tables) if t and len(t) >= 2]
        for t_index, table in candidates:
            roles = _infer_roles(table)
            if "enterprise" in roles:
                problems.append(f"table {t_index + 1} has no header row; columns inferred from their content")
                group = _Group(roles, None, max(len(r) for r in table))
                group.rows.extend((t_index, r, row) for r, row in enumerate(table))
                groups.append(group)
    return groups


def entries_from_tables(tables: list[list[list[str]]], *, default_type: str | None = None) -> ListTableResult:
    """The enterprises listed in the tables. `default_type` applies where neither a type
    column nor a section row says the type. Problems explain anything skipped or guessed,
    and always say why when nothing was found."""
    result = ListTableResult()
    if not tables or not any(tables):
        result.problems.append("no tables to read")
        return result
    groups = _groups(tables, result.problems)
    if not groups:
        result.problems.append(
            f"none of the {len(tables)} table(s) has a header naming an enterprise column (企业名称/单位名称) "
            "or a column of company names"
        )
        return result
    fallback_type = normalize_type(default_type) if default_type else None
    if default_type and default_type in TYPES:
        fallback_type = default_type
    result.header = groups[0].header
    for group in groups:
        roles = group.roles
        section: str | None = None
        last_province: str | None = None
        last_type: str | None = None
        counter = 0
        for t_index, r_index, row in group.rows:
            where = f"table {t_index + 1} row {r_index + 1}"
            cells = [_join_wrapped(c) for c in row]
            if not any(cells):
                continue
            if len({c for c in cells if c}) == 1 and _FOOTNOTE.match(next(c for c in cells if c)):
                continue
            if looks_like_header(row):
                continue  # a header repeated inside the table
            is_section, section_type = _section_type(row, roles)
            if is_section:
                if section_type is not None:
                    section, last_type = section_type, None
                elif not re.search(r"(合计|总计|小计|共计)", "".join(cells)):
                    result.problems.append(f"{where}: caption row skipped: {cells[0][:40]}")
                continue
            col = roles["enterprise"]
            name = cells[col] if col < len(cells) else ""
            if not name or name in ("/", "-", "—"):
                result.problems.append(f"{where}: no enterprise name; row skipped")
                continue
            province = None
            if "province" in roles and roles["province"] < len(cells):
                province = cells[roles["province"]] or last_province
                last_province = province
            kind = None
            if "type" in roles and roles["type"] < len(cells):
                raw = cells[roles["type"]]
                if raw:
                    kind = normalize_type(raw)
                    if kind is None:
                        result.problems.append(f"{where}: type {raw!r} not recognised; taken as unspecified")
                        kind = "unspecified"
                    last_type = kind
                else:
                    kind = last_type
            kind = kind or section or fallback_type or "unspecified"
            counter += 1
            row_no = counter
            if "no" in roles and roles["no"] < len(cells) and cells[roles["no"]].isdigit():
                row_no = int(cells[roles["no"]])
            result.entries.append(ListEntry(name, province, kind, row_no=row_no))
    if not result.entries:
        result.problems.append("the list table has a header but no enterprise rows")
    result.entries = _merge_repeats(result.entries, result.problems)
    return result


def _merge_types(a: str, b: str) -> str:
    kinds = {a, b} - {"unspecified"}
    if not kinds:
        return "unspecified"
    if len(kinds) == 1:
        return kinds.pop()
    return "梯次利用和再生利用"


def _merge_repeats(entries: list[ListEntry], problems: list[str]) -> list[ListEntry]:
    """One entry per enterprise: a name listed under both 梯次 and 再生 sections is both;
    the same list in the page body and in its attachment is counted once."""
    merged: dict[str, ListEntry] = {}
    for entry in entries:
        key = _fold(entry.enterprise)
        seen = merged.get(key)
        if seen is None:
            merged[key] = entry
            continue
        kind = _merge_types(seen.type, entry.type)
        if kind != seen.type:
            problems.append(f"{entry.enterprise} is listed more than once; types merged into {kind}")
        merged[key] = ListEntry(seen.enterprise, seen.province or entry.province, kind, row_no=seen.row_no)
    return list(merged.values())
