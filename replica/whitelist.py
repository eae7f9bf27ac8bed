"""The white-list documents: batches 1–6 (公示 and 公告) and the state-4 revocation.

Attachment formats and header wording differ by batch, as they do on the real site:
batch 1 PDF without a type column; 2 DOCX; 3 XLSX with a merged title row; 4 公示 XLSX and 4 公告
DOCX with province cells merged; 5 PDF over several pages with province cells spanned (re-exported
at state 5); 6 公示 XLSX and 6 公告 PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from replica import blocks, corpus, files, timeline
from replica.ids import hex_id
from replica.model import BOTH, Attachment, Document, Entry

OLD_CRITERIA = "新能源汽车废旧动力蓄电池综合利用行业规范条件"
NEW_CRITERIA = "新能源汽车废旧动力电池综合利用行业规范条件"
JNS = "节能与综合利用司"


def batch_entries(batch: int) -> tuple[Entry, ...]:
    """Enterprises of a batch as first published (batch 6: as in the 公示)."""
    rows = [r for r in corpus.csv_rows("enterprises.csv") if int(r["batch"]) == batch]
    rows.sort(key=lambda r: int(r["seq"]))
    return tuple(Entry(r["enterprise"], r["province"], r["type"], batch) for r in rows)


def final_batch6_entries() -> tuple[Entry, ...]:
    """Batch 6 as the 公告 lists it: one enterprise dropped, one name corrected."""
    out = []
    for e in batch_entries(6):
        if e.enterprise == timeline.BATCH6_DROPPED:
            continue
        if e.enterprise == timeline.BATCH6_CORRECTION["old_name"]:
            e = Entry(timeline.BATCH6_CORRECTION["new_name"], e.province, e.type, 6)
        out.append(e)
    return tuple(out)


@dataclass(frozen=True)
class ListFile:
    """How one batch's list attachment looks."""

    ext: str
    header: tuple[str, ...]
    both: str = "梯次利用和再生利用"  # how the table spells the dual type
    merge_province: bool = False


@dataclass(frozen=True)
class Batch:
    key: str
    batch: int
    action: str  # "final" or "proposed"
    title: str
    published: str
    listfile: ListFile
    columns: tuple[str, ...]
    doc_number: str | None = None
    signed: str | None = None
    pubdate_meta: str | None = None
    deadline: str | None = None
    state: int = 0
    href_styles: dict[str, str] = field(default_factory=dict)
    reexport_state: int | None = None
    synthetic: bool = False


WJFB, GG, GZDT, WJGS = "/jgsj/jns/wjfb/", "/zwgk/zcwj/wjfb/gg/", "/jgsj/jns/gzdt/", "/zwgk/wjgs/"

BATCHES: tuple[Batch, ...] = (
    Batch("batch1-gonggao", 1, "final", f"符合《{OLD_CRITERIA}》企业名单（第一批）", "2018-09-05 15:30",
          ListFile("pdf", ("序号", "省份", "企业名称")), (WJFB, GG),
          doc_number="工业和信息化部公告2018年第40号", signed="2018-09-03"),
    Batch("batch2-gonggao", 2, "final", "中华人民共和国工业和信息化部公告2020年第57号", "2020-12-28 10:00",
          ListFile("docx", ("序号", "地区", "企业名称", "类型")), (WJFB, GG),
          doc_number="工业和信息化部公告2020年第57号", signed="2020-12-23", href_styles={WJFB: "wap"}),
    # Headline says 公示, the body says 予以公告: the body decides (final).
    Batch("batch3-gonggao", 3, "final", f"工业和信息化部公示符合《{OLD_CRITERIA}》企业名单（第三批）",
          "2021-12-13 16:20", ListFile("xlsx", ("序号", "省份", "单位名称", "企业类型")), (WJFB, GG),
          doc_number="工业和信息化部公告2021年第38号", signed="2021-12-08", href_styles={GG: "relative"}),
    # Headline says 公布, the body says 拟公告…予以公示: the body decides (proposed).
    Batch("batch4-gongshi", 4, "proposed", f"第四批{OLD_CRITERIA}企业名单公布", "2022-11-16 10:00",
          ListFile("xlsx", ("序号", "省份", "企业名称", "类别"), both="梯次利用、再生利用"), (GZDT, WJGS),
          deadline="2022-11-29"),
    Batch("batch4-gonggao", 4, "final", f"符合《{OLD_CRITERIA}》企业名单（第四批）", "2022-12-09 17:00",
          ListFile("docx", ("序号", "省份", "企业名称", "类型"), both="梯次利用、再生利用", merge_province=True),
          (WJFB, GG), doc_number="工业和信息化部公告2022年第35号", signed="2022-12-05"),
    # #con_time and meta PubDate differ by a day here.
    Batch("batch5-gonggao", 5, "final", f"符合《{OLD_CRITERIA}》企业名单（第五批）", "2024-01-17 16:30",
          ListFile("pdf", ("序号", "省份", "企业名称", "类型"), merge_province=True), (WJFB, GG),
          doc_number="工业和信息化部公告2024年第3号", signed="2024-01-12", pubdate_meta="2024-01-18 09:12",
          reexport_state=timeline.CHROME_CHANGE_STATE),
    Batch("batch6-gongshi", 6, "proposed", f"关于拟公告的符合《{NEW_CRITERIA}》企业名单（第六批）的公示",
          "2026-10-09 10:30", ListFile("pdf", ("序号", "省份", "企业名称", "类型")), (GZDT, WJGS),
          deadline=timeline.BATCH6_DEADLINE, state=1, synthetic=True),
    Batch("batch6-gonggao", 6, "final", f"符合《{NEW_CRITERIA}》企业名单（第六批）", "2026-10-30 15:40",
          ListFile("xlsx", ("序号", "省份", "企业名称", "类型"), both="梯次利用、再生利用"), (WJFB, GG),
          doc_number="工业和信息化部公告2026年第33号", signed="2026-10-27", state=2, synthetic=True),
)


def _criteria_name(batch: int) -> str:
    return NEW_CRITERIA if batch >= 6 else OLD_CRITERIA


def _list_title(spec: Batch) -> str:
    name = f"符合《{_criteria_name(spec.batch)}》企业名单（第{blocks.cn_numeral(spec.batch)}批）"
    return f"拟公告的{name}" if spec.action == "proposed" else name


def _rows(entries: tuple[Entry, ...], listfile: ListFile) -> list[list[str]]:
    rows = []
    for i, e in enumerate(entries, start=1):
        row = [str(i), e.province, e.enterprise]
        if "类型" in listfile.header[-1] or "类别" in listfile.header[-1]:
            row.append(listfile.both if e.type == BOTH else e.type)
        rows.append(row)
    return rows


def list_attachment(spec: Batch, entries: tuple[Entry, ...]) -> Attachment:
    title = f"附件：{_list_title(spec)}"
    name = f"{_list_title(spec)}.{spec.listfile.ext}"
    rows = _rows(entries, spec.listfile)
    lf = spec.listfile
    when = spec.published

    def build(variant: int) -> bytes:
        if lf.ext == "xlsx":
            return files.xlsx_table(title, lf.header, rows, when)
        if lf.ext == "docx":
            return files.docx_table(title, lf.header, rows, when, merge_column=1 if lf.merge_province else None)
        widths = [40, 110, 250, 100][: len(lf.header)]
        return files.pdf_table(title, lf.header, rows, variant, span_column=1 if lf.merge_province else None,
                               col_widths=widths)

    return Attachment(
        site="miit", file_id=blocks.file_id(spec.key, name), folder=blocks.attach_folder(spec.published),
        ext=lf.ext, name=name, modified=spec.published, build=build, reexport_state=spec.reexport_state,
        reexport_modified=timeline.CHROME_CHANGE_TIME if spec.reexport_state else None,
    )


def _final_body(spec: Batch, attachment: Attachment) -> list[str]:
    if spec.batch == 1:
        return blocks.paragraphs(corpus.lines("announcement_2018_no40.txt"), [attachment])
    assert spec.doc_number and spec.signed
    year, number = spec.doc_number.removeprefix("工业和信息化部公告").split("年")
    if spec.batch >= 6:
        law = "新能源汽车废旧动力电池回收和综合利用管理暂行办法"
    else:
        law = "新能源汽车动力蓄电池回收利用管理暂行办法"
    basis = f"《{NEW_CRITERIA}（2024年本）》" if spec.batch >= 6 else f"《{OLD_CRITERIA}》"
    lines = [
        "中华人民共和国工业和信息化部公告",
        f"{year}年{number}",
        f"按照《{law}》要求，依据{basis}，经企业申报、省级工业和信息化主管部门审核、专家评审、现场核查和"
        f"网上公示等程序，现将{_list_title(spec)}予以公告。",
        f"附件：{_list_title(spec)}",
        "工业和信息化部",
        blocks.cn_date(spec.signed),
    ]
    return blocks.paragraphs(lines, [attachment])


def _proposed_body(spec: Batch, attachment: Attachment, count: int) -> list[str]:
    assert spec.deadline
    criteria = f"《{_criteria_name(spec.batch)}（2024年本）》" if spec.batch >= 6 else f"《{OLD_CRITERIA}》"
    lines = [
        f"根据{criteria}及有关规定，经企业申报、省级工业和信息化主管部门审核推荐、专家评审和现场核查，"
        f"现将{_list_title(spec)}予以公示，共{count}家企业（名单见附件）。",
        f"公示时间：{blocks.cn_date(spec.published)}至{blocks.cn_date(spec.deadline)}。",
        "公示期间，如有异议，请以书面形式实名向工业和信息化部节能与综合利用司反映，并提供相关证明材料。",
        f"附件：{_list_title(spec)}",
        f"工业和信息化部{JNS}",
        blocks.cn_date(spec.published),
    ]
    return blocks.paragraphs(lines, [attachment])


def batch_document(spec: Batch) -> Document:
    entries = final_batch6_entries() if spec.key == "batch6-gonggao" else batch_entries(spec.batch)
    attachment = list_attachment(spec, entries)
    body = _final_body(spec, attachment) if spec.action == "final" else _proposed_body(spec, attachment, len(entries))
    return Document(
        key=spec.key, site="miit", art_id=hex_id("art", spec.key), columns=spec.columns, title=spec.title,
        category="whitelist", stage="公告" if spec.action == "final" else "公示", published=spec.published,
        body=tuple(body), source=JNS, state=spec.state, doc_number=spec.doc_number,
        pubdate_meta=spec.pubdate_meta, signed_date=spec.signed, batch=spec.batch, list_action=spec.action,
        entries=entries, attachments=(attachment,), authority="工业和信息化部",
        keywords="废旧动力电池,综合利用,行业规范条件,企业名单", deadline=spec.deadline,
        href_styles=dict(spec.href_styles), synthetic=spec.synthetic,
    )


def revocation_document() -> Document:
    """State 4: MIIT revokes two enterprises of earlier batches; the list is an HTML table."""
    key = "miit-revocation-2026"
    published, signed = "2026-11-13 16:10", "2026-11-13"
    by_name = {e.enterprise: e for b in (2, 5) for e in batch_entries(b)}
    entries = tuple(by_name[r["enterprise"]] for r in timeline.REVOCATIONS)
    rows = [
        [str(i), e.province, e.enterprise, f"第{blocks.cn_numeral(r['batch'])}批", r["reason"]]
        for i, (e, r) in enumerate(zip(entries, timeline.REVOCATIONS, strict=True), start=1)
    ]
    body = [
        blocks.p("中华人民共和国工业和信息化部公告", "center"),
        blocks.p("2026年第36号", "center"),
        blocks.p(
            f"根据《{NEW_CRITERIA}（2024年本）》和行业规范公告管理有关规定，经省级工业和信息化主管部门核实，"
            f"以下{len(entries)}家企业不再符合规范条件要求。我部决定撤销其符合《{NEW_CRITERIA}》企业公告资格，"
            "从企业名单中移出。"
        ),
        blocks.table(("序号", "省份", "企业名称", "原公告批次", "撤销原因"), rows),
        blocks.p("工业和信息化部", "right"),
        blocks.p(blocks.cn_date(signed), "right"),
    ]
    return Document(
        key=key, site="miit", art_id=hex_id("art", key), columns=(WJFB, GG),
        title=f"关于撤销部分企业符合《{NEW_CRITERIA}》企业公告资格的公告", category="whitelist", stage="公告",
        published=published, body=tuple(body), source=JNS, state=4, doc_number="工业和信息化部公告2026年第36号",
        signed_date=signed, list_action="revoked", entries=entries, authority="工业和信息化部",
        keywords="废旧动力电池,综合利用,行业规范条件,撤销", synthetic=True,
    )


def documents() -> list[Document]:
    return [batch_document(spec) for spec in BATCHES] + [revocation_document()]


def edited_list_attachment(path: str, batch: int, old: str, new: str) -> bytes | None:
    """The bytes of `batch`'s list attachment at `path` with the enterprise `old` published as
    `new`, for a list replaced in place (same URL, same article page); None for other files."""
    for spec in BATCHES:
        if spec.batch != batch:
            continue
        entries = final_batch6_entries() if spec.key == "batch6-gonggao" else batch_entries(spec.batch)
        if list_attachment(spec, entries).url_path != path:
            continue
        edited = tuple(Entry(new if e.enterprise == old else e.enterprise, e.province, e.type, e.batch)
                       for e in entries)
        return list_attachment(spec, edited).build(0)
    return None
