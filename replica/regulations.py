"""Criteria documents (2019年本, 2024 draft, 2024年本 and its 解读, the state-3 draft) and the
SAMR documents (2023 certification notice, 2026 joint enforcement notice, the state-4 inspection
protocol and the state-5 penalty schedule)."""

from __future__ import annotations

from replica import blocks, corpus, criteria, files, timeline
from replica.ids import hex_id
from replica.model import Attachment, Document

JNS = "节能与综合利用司"
WJFB, GG, GZDT, ZHLYH, WJGS, ZCJD = (
    "/jgsj/jns/wjfb/", "/zwgk/zcwj/wjfb/gg/", "/jgsj/jns/gzdt/", "/jgsj/jns/zhlyh/", "/zwgk/wjgs/", "/zwgk/zcjd/",
)
ZJWJ, XWZJ, ZFJCS = "/zw/zjwj/", "/xw/zj/", "/zw/zfxxgk/fdzdgknr/zfjcs/"


def _text_attachment(site: str, key: str, lines: list[str], ext: str, when: str) -> Attachment:
    title, paragraphs = lines[0], lines[1:]
    name = f"{title}.{ext}"

    def build(variant: int) -> bytes:
        if ext == "docx":
            return files.docx_text(title, paragraphs, when)
        return files.pdf_text(title, paragraphs, variant)

    return Attachment(site=site, file_id=blocks.file_id(key, name), folder=blocks.attach_folder(when), ext=ext,
                      name=name, modified=when, build=build)


def _table_attachment(site: str, key: str, name: str, title: str, header: tuple[str, ...],
                      rows: list[list[str]], when: str, widths: list[float]) -> Attachment:
    def build(variant: int) -> bytes:
        return files.pdf_table(title, header, rows, variant, col_widths=widths, landscape_page=True)

    return Attachment(site=site, file_id=blocks.file_id(key, name), folder=blocks.attach_folder(when), ext="pdf",
                      name=name, modified=when, build=build)


def _announce_lines(number: str, text: str, attachment_line: str, signed: str) -> list[str]:
    year, no = number.removeprefix("工业和信息化部公告").split("年")
    return ["中华人民共和国工业和信息化部公告", f"{year}年{no}", text, attachment_line, "工业和信息化部",
            blocks.cn_date(signed)]


def criteria_2019_document() -> Document:
    key, published, signed = "criteria-2019", "2020-01-02 09:30", "2019-12-16"
    lines = criteria.criteria_2019()
    attachment = _text_attachment("miit", key, lines, "docx", published)
    text = (
        "为进一步加强新能源汽车废旧动力蓄电池综合利用行业管理，推动行业规范发展，我部对《新能源汽车废旧动力蓄电池"
        "综合利用行业规范条件》和《新能源汽车废旧动力蓄电池综合利用行业规范公告管理暂行办法》进行了修订，形成了"
        "《新能源汽车废旧动力蓄电池综合利用行业规范条件（2019年本）》和《新能源汽车废旧动力蓄电池综合利用行业规范"
        "公告管理暂行办法（2019年本）》，现予发布。"
    )
    body = blocks.paragraphs(_announce_lines("工业和信息化部公告2019年第59号", text, f"附件：{lines[0]}", signed),
                             [attachment])
    return Document(
        key=key, site="miit", art_id=hex_id("art", key), columns=(WJFB, GG),
        title="《新能源汽车废旧动力蓄电池综合利用行业规范条件（2019年本）》和《新能源汽车废旧动力蓄电池综合利用"
        "行业规范公告管理暂行办法（2019年本）》",
        category="criteria", stage="发布", published=published, body=tuple(body), source=JNS,
        doc_number="工业和信息化部公告2019年第59号", signed_date=signed, attachments=(attachment,),
        authority="工业和信息化部", keywords="废旧动力蓄电池,综合利用,行业规范条件,2019年本",
    )


def criteria_2024_draft_document() -> Document:
    key, published, deadline = "criteria-2024-draft", "2024-08-14 17:20", "2024-09-13"
    lines = criteria.criteria_2024_draft()
    attachment = _text_attachment("miit", key, lines, "docx", published)
    body = blocks.paragraphs([
        "为进一步加强新能源汽车废旧动力电池综合利用行业管理，我部组织对《新能源汽车废旧动力蓄电池综合利用行业规范"
        f"条件（2019年本）》进行了修订，形成了《{lines[0]}》，现公开征求意见。",
        f"公众可于{blocks.cn_date(deadline)}前，通过电子邮件或者信函方式反馈意见。",
        f"附件：{lines[0]}",
        f"工业和信息化部{JNS}",
        blocks.cn_date(published),
    ], [attachment])
    return Document(
        key=key, site="miit", art_id=hex_id("art", key), columns=(GZDT,),
        title=f"关于公开征求《{lines[0]}》意见的通知", category="criteria", stage="征求意见",
        published=published, body=tuple(body), source=JNS, attachments=(attachment,), deadline=deadline,
        authority="工业和信息化部", keywords="废旧动力电池,综合利用,行业规范条件,征求意见稿",
    )


def criteria_2024_document() -> Document:
    key, published, signed = "criteria-2024", "2024-12-24 15:00", "2024-12-19"
    lines = criteria.criteria_2024()
    attachments = (
        _text_attachment("miit", key, lines, "docx", published),
        _text_attachment("miit", key, lines, "pdf", published),
    )
    text = (
        "为加强新能源汽车废旧动力电池综合利用行业管理，提高废旧动力电池综合利用水平，我部对《新能源汽车废旧动力"
        f"蓄电池综合利用行业规范条件（2019年本）》进行了修订，形成了《{lines[0]}》，现予发布。"
    )
    body = blocks.paragraphs(_announce_lines("工业和信息化部公告2024年第42号", text, f"附件：{lines[0]}", signed),
                             attachments)
    return Document(
        key=key, site="miit", art_id="a05ad4164f20482088a97fcbff80b987", columns=(WJFB, GG, ZHLYH),
        title=lines[0], category="criteria", stage="发布", published=published, body=tuple(body), source=JNS,
        doc_number="工业和信息化部公告2024年第42号", signed_date=signed, attachments=attachments,
        authority="工业和信息化部", keywords="废旧动力电池,综合利用,行业规范条件,2024年本",
        href_styles={ZHLYH: "relative"},
    )


def criteria_2024_interpretation() -> Document:
    key = "criteria-2024-jiedu"
    body = blocks.paragraphs([
        "一、修订背景",
        "《新能源汽车废旧动力蓄电池综合利用行业规范条件（2019年本）》实施以来，对引导行业规范发展发挥了积极作用。"
        "随着退役电池规模增长和技术进步，原有部分指标已不能完全适应行业发展需要，有必要进行修订。",
        "二、主要修订内容",
        "一是优化技术指标体系，提高再生利用电极粉料回收率、锂回收率等要求；二是增补废旧动力电池拆解、编码标准要求；"
        "三是规范综合利用全流程管理；四是新增电动自行车锂离子电池相关要求；五是强化产品质量管理和企业选址等要求。",
        "三、实施安排",
        "规范条件发布后，工业和信息化部将按照新的规范条件组织开展企业申报和公告工作。",
    ])
    return Document(
        key=key, site="miit", art_id="a2042b19234045b5881e7123f46a8d06", columns=(ZCJD, ZHLYH),
        title="《新能源汽车废旧动力电池综合利用行业规范条件（2024年本）》解读", category="related", stage="none",
        published="2024-12-24 15:05", body=tuple(body), source=JNS, authority="工业和信息化部",
        keywords="废旧动力电池,综合利用,行业规范条件,解读", href_styles={ZCJD: "relative"},
    )


def criteria_revision_document() -> Document:
    """State 3: the draft revision, thresholds changed in exactly two clauses."""
    key, published = "criteria-2026-draft", "2026-11-05 16:00"
    lines = criteria.criteria_revision_draft()
    attachment = _text_attachment("miit", key, lines, "docx", published)
    body = blocks.paragraphs([
        "为贯彻落实《新能源汽车废旧动力电池回收和综合利用管理暂行办法》，进一步提升废旧动力电池综合利用水平，"
        "我部组织对《新能源汽车废旧动力电池综合利用行业规范条件（2024年本）》进行了修订，形成了征求意见稿，"
        "现公开征求意见。",
        f"意见反馈截止时间为{blocks.cn_date(timeline.CRITERIA_DRAFT_DEADLINE)}。",
        f"附件：{lines[0]}",
        f"工业和信息化部{JNS}",
        blocks.cn_date(published),
    ], [attachment])
    return Document(
        key=key, site="miit", art_id=hex_id("art", key), columns=(GZDT, WJGS),
        title=f"关于公开征求《{lines[0]}》意见的通知", category="criteria", stage="征求意见",
        published=published, body=tuple(body), source=JNS, state=3, attachments=(attachment,),
        deadline=timeline.CRITERIA_DRAFT_DEADLINE, authority="工业和信息化部",
        keywords="废旧动力电池,综合利用,行业规范条件,征求意见稿", synthetic=True,
    )


def certification_document() -> Document:
    key = "samr-certification-2023"
    return Document(
        key=key, site="samr", art_id=hex_id("art", key), columns=(ZJWJ,),
        title="市场监管总局 工业和信息化部关于开展新能源汽车动力电池梯次利用产品认证工作的公告",
        category="related", stage="公告", published="2023-03-06 10:00",
        body=tuple(blocks.paragraphs(corpus.lines("certification_2023.txt"))), source="认证监督管理司",
        authority="市场监管总局、工业和信息化部", keywords="梯次利用,产品认证,动力电池",
    )


def enforcement_notice_document() -> Document:
    """The 28 April 2026 six-department campaign notice; also listed in MIIT 工作动态."""
    key, number = "samr-joint-enforcement-2026", "国市监稽发〔2026〕18号"
    return Document(
        key=key, site="samr", art_id=hex_id("art", key), columns=(ZJWJ, ZFJCS),
        title="市场监管总局 工业和信息化部 公安部 生态环境部 交通运输部 商务部关于开展新能源汽车废旧动力电池"
        "回收利用领域专项整治行动的通知",
        category="inspection", stage="发布", published="2026-04-28 17:30",
        body=tuple([blocks.p(number, "center"), *blocks.paragraphs(corpus.lines("enforcement_notice_2026.txt"))]),
        source="执法稽查局", doc_number=number, signed_date="2026-04-28",
        authority="市场监管总局、工业和信息化部、公安部、生态环境部、交通运输部、商务部",
        keywords="废旧动力电池,回收利用,专项整治", foreign_columns=(("miit", GZDT),),
    )


CHECKLIST_HEADER = ("序号", "检查项目", "检查内容", "检查方法")
CHECKLIST_ROWS = [
    ["1", "主体资格", "营业执照、排污许可证等证照是否齐全有效", "查阅证照原件"],
    ["2", "溯源管理", "废旧动力电池来源、去向信息是否按规定上传", "比对溯源系统数据与台账"],
    ["3", "贮存场所", "贮存场所是否满足防火、防水、防渗漏要求", "现场查看"],
    ["4", "产品标识", "梯次利用产品是否标明标称容量、标称电压、企业名称、溯源编码等", "现场查看并抽样"],
    ["5", "宣传用语", "是否虚假宣传回收利用资质或冒用行业规范条件企业名义", "查阅宣传资料和网页"],
    ["6", "既往问题", "以往检查发现问题的整改落实情况", "查阅整改报告"],
]


def inspection_protocol_document() -> Document:
    key, number, published = "samr-inspection-protocol", "市监稽发〔2026〕52号", "2026-11-12 10:00"
    attachment = _table_attachment(
        "samr", key, "新能源汽车废旧动力电池回收利用企业监督检查要点表.pdf",
        "新能源汽车废旧动力电池回收利用企业监督检查要点表", CHECKLIST_HEADER, CHECKLIST_ROWS, published,
        [40, 90, 380, 160],
    )
    lines = corpus.lines("inspection_protocol_2026.txt")
    return Document(
        key=key, site="samr", art_id=hex_id("art", key), columns=(ZFJCS, ZJWJ),
        title="市场监管总局办公厅关于印发《新能源汽车废旧动力电池回收利用企业监督检查工作指引》的通知",
        category="inspection", stage="发布", published=published,
        body=tuple([blocks.p(number, "center"), *blocks.paragraphs(lines, [attachment])]), source="执法稽查局",
        state=4, doc_number=number, signed_date="2026-11-10", attachments=(attachment,), authority="市场监管总局",
        keywords="废旧动力电池,回收利用,监督检查", synthetic=True,
    )


def penalty_schedule_document() -> Document:
    key, number, published = "samr-penalty-schedule", "国市监稽规〔2026〕6号", "2026-11-20 15:00"
    table = corpus.csv_rows("penalty_schedule_2026.csv")
    header = tuple(table[0].keys())
    rows = [[row[h] for h in header] for row in table]
    attachment = _table_attachment(
        "samr", key, "新能源汽车废旧动力电池回收利用违法行为行政处罚裁量基准表.pdf",
        "新能源汽车废旧动力电池回收利用违法行为行政处罚裁量基准表", header, rows, published,
        [36, 150, 190, 64, 320],
    )
    lines = corpus.lines("penalty_schedule_2026.txt")
    return Document(
        key=key, site="samr", art_id=hex_id("art", key), columns=(ZJWJ, ZFJCS),
        title="市场监管总局关于印发《新能源汽车废旧动力电池回收利用违法行为行政处罚裁量基准》的通知",
        category="penalty", stage="发布", published=published,
        body=tuple([blocks.p(number, "center"), *blocks.paragraphs(lines, [attachment])]), source="执法稽查局",
        state=5, doc_number=number, signed_date="2026-11-18", attachments=(attachment,), authority="市场监管总局",
        keywords="废旧动力电池,回收利用,行政处罚,裁量基准", synthetic=True,
    )


def documents() -> list[Document]:
    return [
        criteria_2019_document(),
        criteria_2024_draft_document(),
        criteria_2024_document(),
        criteria_2024_interpretation(),
        criteria_revision_document(),
        certification_document(),
        enforcement_notice_document(),
        inspection_protocol_document(),
        penalty_schedule_document(),
    ]
