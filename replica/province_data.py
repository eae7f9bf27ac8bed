"""The provincial look-alike's notices: a 工业和信息化厅 通知公告 column, by timeline state.

Modelled on what public crawler code shows of Hunan's site (gxt.hunan.gov.cn): a TRS-style column
at /gxt/xxgk_71033/tzgg/ with index.html, index_1.html…, a table of rows (number, linked title,
date), and articles at <column>/<YYYYMM>/t<YYYYMMDD>_<id>.html whose body is div.tys-main.
All notices here are SYNTHETIC stand-ins written for tests; no text is a real notice.

Timeline: state 0 is the history; at state 1 a 申报 notice on the recycling criteria appears
(with two attachments); from state 2 that notice is corrected (a later deadline, a third
attachment). Later states change nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN = "/gxt/xxgk_71033/tzgg/"
ROWS_PER_PAGE = 10
NAME = "湖南省工业和信息化厅（仿）"


@dataclass(frozen=True)
class Attachment:
    file: str  # P0…, as TRS names uploads
    label: str
    kind: str  # docx | xlsx
    since: int = 0  # first state that links it


@dataclass(frozen=True)
class Notice:
    id: str  # the number in t<date>_<id>.html
    date: str  # YYYY-MM-DD HH:MM, Beijing time
    title: str
    paragraphs: tuple[str, ...]
    since: int = 0
    edits: dict[int, tuple[str, ...]] = field(default_factory=dict)  # state -> paragraphs from then on
    attachments: tuple[Attachment, ...] = ()

    @property
    def month(self) -> str:
        return self.date[:7].replace("-", "")

    @property
    def path(self) -> str:
        return f"{COLUMN}{self.month}/t{self.date[:10].replace('-', '')}_{self.id}.html"

    def body(self, state: int) -> tuple[str, ...]:
        current = self.paragraphs
        for since in sorted(self.edits):
            if state >= since:
                current = self.edits[since]
        return current

    def files(self, state: int) -> tuple[Attachment, ...]:
        return tuple(a for a in self.attachments if state >= a.since)


_APPLY_BASE = (
    "各市州工业和信息化局，有关企业：",
    "为贯彻落实《新能源汽车废旧动力电池综合利用行业规范条件（2024年本）》，做好我省符合规范条件企业的"
    "申报推荐工作，现将有关事项通知如下。",
    "一、申报范围。在我省依法登记、从事新能源汽车废旧动力电池梯次利用或再生利用的企业。",
    "二、申报材料。企业按附件要求填写申报书，市州工业和信息化局审核后汇总报送。",
)
_DEADLINE_1 = "三、时间安排。请于2026年11月15日前将推荐汇总表和申报材料报送至厅节能与综合利用处。"
_DEADLINE_2 = "三、时间安排。请于2026年11月30日前将推荐汇总表和申报材料报送至厅节能与综合利用处。"

APPLY = Notice(
    id="34100217",
    date="2026-10-09 10:30",
    title="湖南省工业和信息化厅关于组织开展2026年度新能源汽车废旧动力电池综合利用行业规范条件企业申报工作的通知",
    paragraphs=(*_APPLY_BASE, _DEADLINE_1, "联系人：节能与综合利用处（仿）"),
    since=1,
    edits={2: (*_APPLY_BASE, _DEADLINE_2, "联系人：节能与综合利用处（仿）")},
    attachments=(
        Attachment("P020261009512345678901.docx", "1.企业申报书（模板）.docx", "docx", 1),
        Attachment("P020261009512345678902.xlsx", "2.推荐企业汇总表.xlsx", "xlsx", 1),
        Attachment("P020261012598765432103.docx", "3.申报材料真实性承诺书.docx", "docx", 2),
    ),
)

_FILLER_TITLES = (
    ("34081502", "2026-09-28 16:20", "湖南省工业和信息化厅关于公布2026年湖南省专精特新中小企业名单的通知"),
    ("34080911", "2026-09-22 09:00", "关于开展2026年全省工业领域节能监察工作的通知"),
    ("34079930", "2026-09-15 11:45", "关于组织申报2026年度锂离子电池行业规范条件企业的通知"),
    ("34078811", "2026-09-08 15:10", "湖南省工业和信息化厅关于举办中小企业数字化转型培训班的通知"),
    ("34077420", "2026-08-30 10:00", "关于征集2026年湖南省工业互联网平台典型案例的通知"),
    ("34076305", "2026-08-21 17:30", "湖南省工业和信息化厅关于做好2026年迎峰度夏电力保障工作的通知"),
    ("34075119", "2026-08-12 09:40", "关于公布2026年度湖南省绿色工厂名单的通知"),
    ("34074007", "2026-08-03 14:25", "湖南省工业和信息化厅关于开展工业企业安全生产大检查的通知"),
    ("34072961", "2026-07-25 10:15", "关于组织参加2026中国（长沙）国际工程机械展的通知"),
    ("34071833", "2026-07-16 16:00", "湖南省工业和信息化厅关于印发《湖南省制造业数字化转型行动方案》的通知"),
    ("34070724", "2026-07-07 11:30", "关于推荐2026年度湖南省工业设计中心的通知"),
)
HISTORY = tuple(
    Notice(id=i, date=d, title=t, paragraphs=("各有关单位：", f"现就{t.removeprefix('湖南省工业和信息化厅')}"
                                              "有关事项通知如下。（仿真内容）", "特此通知。"))
    for i, d, t in _FILLER_TITLES
)
NEW_AT_1 = Notice(id="34100305", date="2026-10-10 09:15",
                  title="关于开展2026年度湖南省制造业单项冠军企业申报工作的通知",
                  paragraphs=("各市州工业和信息化局：", "现就单项冠军企业申报有关事项通知如下。（仿真内容）"), since=1)
NOTICES = (APPLY, NEW_AT_1, *HISTORY)


def visible(state: int) -> list[Notice]:
    """Notices shown at a state, newest first."""
    return sorted((n for n in NOTICES if state >= n.since), key=lambda n: n.date, reverse=True)

# A single page watched as a whole: a topic page whose text grows at state 2, with a visit
# counter that changes on every request (noise that must never alert).
TOPIC_PATH = "/gxt/ztzl/dcly/index.html"
TOPIC_TITLE = "新能源汽车动力电池回收利用专栏"
TOPIC_TEXT = {
    0: ("我省纳入工业和信息化部《新能源汽车废旧动力电池综合利用行业规范条件》企业名单的企业共12家。",
        "申报咨询：厅节能与综合利用处。"),
    2: ("我省纳入工业和信息化部《新能源汽车废旧动力电池综合利用行业规范条件》企业名单的企业共14家。",
        "2026年度申报工作已启动，详见通知公告栏目。",
        "申报咨询：厅节能与综合利用处。"),
}


def topic_paragraphs(state: int) -> tuple[str, ...]:
    return TOPIC_TEXT[max(s for s in TOPIC_TEXT if s <= state)]
