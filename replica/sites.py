"""Per-site constants and the columns each site serves (values from SITES.md)."""

from __future__ import annotations

from dataclasses import dataclass

from replica.ids import page_id

BUILD_UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"
SEARCH_PATH = "/search-front-server/api/search/info"
UNITBUILD_JS_PATH = "/cms_files/default/script/AuthorizedRead/unitbuild.js"
PAGE_JS_PATH = "/cms_files/filemanager/script/ajax/page/page.js"


@dataclass(frozen=True)
class Column:
    path: str  # "/jgsj/jns/wjfb/", always with leading and trailing slash
    name: str  # the column name shown in meta ColumnName and breadcrumbs
    parent: str  # the section above it, for breadcrumbs and meta ColumnType
    page_id: str


@dataclass(frozen=True)
class Site:
    key: str  # "miit" or "samr"
    name: str
    host: str
    web_id: str
    tpl_set_id: str
    parse_type: str
    tag_id: str
    rows: int
    attach_root: str
    columns: tuple[Column, ...]
    row_scheme: str  # scheme used in absolute listing links

    def column(self, path: str) -> Column | None:
        for column in self.columns:
            if column.path == path:
                return column
        return None

    def column_by_page_id(self, pid: str) -> Column | None:
        for column in self.columns:
            if column.page_id == pid:
                return column
        return None


def _miit(path: str, name: str, parent: str, pid: str | None = None) -> Column:
    return Column(path, name, parent, pid or page_id("miit", path))


def _samr(path: str, name: str, parent: str, pid: str | None = None) -> Column:
    return Column(path, name, parent, pid or page_id("samr", path))


MIIT = Site(
    key="miit",
    name="中华人民共和国工业和信息化部",
    host="www.miit.gov.cn",
    web_id="8d828e408d90447786ddbe128d495e9e",
    tpl_set_id="209741b2109044b5b7695700b2bec37e",
    parse_type="buildstatic",
    tag_id="右侧内容",
    rows=24,
    attach_root="/cms_files/filemanager/1226211233/attach/",
    row_scheme="http",
    columns=(
        _miit("/jgsj/jns/wjfb/", "文件发布", "节能与综合利用司"),
        _miit("/jgsj/jns/gzdt/", "工作动态", "节能与综合利用司"),
        _miit("/jgsj/jns/zhlyh/", "综合利用", "节能与综合利用司"),
        _miit("/zwgk/wjgs/", "文件公示", "政务公开"),
        _miit("/zwgk/zcwj/wjfb/gg/", "公告", "政务公开"),
        _miit("/zwgk/zcjd/", "政策解读", "政务公开"),
        _miit("/xwfb/bldhd/", "部领导活动", "新闻发布", "d3e2bede1bc045e2875fc7161c01db7d"),
    ),
)

SAMR = Site(
    key="samr",
    name="国家市场监督管理总局",
    host="www.samr.gov.cn",
    web_id="29e9522dc89d4e088a953d8cede72f4c",
    tpl_set_id="5c30fb89ae5e48b9aefe3cdf49853830",
    parse_type="bulidstatic",  # sic: the real site spells it this way
    tag_id="内容区域",
    rows=20,
    attach_root="/cms_files/filemanager/1647978232/attach/",
    row_scheme="https",
    columns=(
        _samr("/zw/zjwj/", "总局文件", "政务", "5a1c443ecf8c471bb9577ba1ae5d2883"),
        _samr("/xw/zj/", "总局", "新闻", "39cd9de1f309431483ef3008309f39ca"),
        _samr("/zw/zfxxgk/fdzdgknr/zfjcs/", "执法稽查", "法定主动公开内容"),
    ),
)

SITES: dict[str, Site] = {"miit": MIIT, "samr": SAMR}
