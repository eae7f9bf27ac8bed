"""HTML email with inline CSS (mail clients drop <style>). Every string from the web is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from diff.render import DEL_BACKGROUND, INS_BACKGROUND, marked_html
from diff.words import DiffOp
from notifier.alert import Alert
from notifier.render.common import MARKS, compact, safe_url

BODY = "font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:14px;" \
       "color:#1f2328;line-height:1.5;max-width:780px"
H2 = "font-size:18px;margin:0 0 4px"
H3 = "font-size:15px;margin:18px 0 6px;border-bottom:1px solid #d0d7de;padding-bottom:2px"
GLOSS = "color:#57606a;margin:0 0 10px"
REVIEW = "background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;margin:8px 0"
TABLE = "border-collapse:collapse;margin:4px 0"
TH = "text-align:left;padding:3px 10px 3px 0;color:#57606a;font-weight:normal;vertical-align:top"
CELL = "padding:3px 8px;border:1px solid #d0d7de;vertical-align:top"
CODE = "font-family:SFMono-Regular,Consolas,monospace;font-size:12px;word-break:break-all"
ROW_COLORS = {"+": INS_BACKGROUND, "-": DEL_BACKGROUND, "old": DEL_BACKGROUND, "new": INS_BACKGROUND, "": "#ffffff"}


def e(text: object) -> str:
    return escape(str(text), quote=True)


def html_diff(segments: Sequence[DiffOp]) -> str:
    return marked_html(compact(segments))


def link(label: str, url: str) -> str:
    href = safe_url(url)
    if href is None:
        return f"{e(label)}: {e(url)}"
    return f'<a href="{e(href)}">{e(label)}</a>'


def render_html_fragment(alert: Alert) -> str:
    out = [f'<h2 style="{H2}">{e(alert.headline_zh)}</h2>', f'<p style="{GLOSS}">{e(alert.headline_en)}</p>']
    if alert.needs_review:
        out.append(f'<p style="{REVIEW}">⚠ 需要复核 / needs review</p>')
    if alert.summary:
        out.append(f"<p>{e(alert.summary)}</p>")
    if alert.facts:
        rows = "".join(f'<tr><th style="{TH}">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in alert.facts)
        out.append(f'<table style="{TABLE}">{rows}</table>')
    if alert.entries:
        skip = 0 if alert.marked else 1
        head = "".join(f'<th style="{CELL}">{e(h)}</th>' for h in
                       ("变动 / Change", "企业 / Enterprise", "省份 / Province", "类型 / Type")[skip:])
        rows = "".join(
            f'<tr style="background:{ROW_COLORS.get(mark, "#ffffff")}">'
            + "".join(f'<td style="{CELL}">{e(c or "")}</td>' for c in (MARKS.get(mark, mark), r.enterprise,
                                                                         r.province, r.type)[skip:])
            + "</tr>"
            for mark, r in alert.entries
        )
        out.append(f'<h3 style="{H3}">{e(alert.entries_caption)}</h3><table style="{TABLE}">'
                   f"<tr>{head}</tr>{rows}</table>")
    if alert.text_diff:
        out.append(f'<h3 style="{H3}">正文变更 / Text changes</h3><p>{html_diff(alert.text_diff)}</p>')
    if alert.clauses:
        out.append(f'<h3 style="{H3}">条款变更 / Clauses changed（{len(alert.clauses)}）</h3>')
        for clause in alert.clauses:
            figures = ""
            if clause.numbers:
                figures = "<br>数值 / Figures：" + e("；".join(f"{a} → {b}" for a, b in clause.numbers))
            out.append(f"<p><b>{e(clause.number or '—')}</b> <i>[{e(clause.status)}]</i><br>"
                       f"{html_diff(clause.segments)}{figures}</p>")
    out += [f"<p>{e(note)}</p>" for note in alert.notes]
    if alert.links:
        items = "".join(f"<li>{link(label, url)}</li>" for label, url in alert.links)
        out.append(f'<h3 style="{H3}">链接 / Links</h3><ul>{items}</ul>')
    if alert.evidence:
        rows = "".join(f'<tr><th style="{TH}">{e(k)}</th><td style="{CODE}">{e(v)}</td></tr>'
                       for k, v in alert.evidence)
        out.append(f'<h3 style="{H3}">证据 / Evidence</h3><table style="{TABLE}">{rows}</table>')
    return "\n".join(out)


def page(body: str) -> str:
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
            f'<body><div style="{BODY}">\n{body}\n</div></body></html>\n')


def render_html(alert: Alert) -> str:
    return page(render_html_fragment(alert))


def render_digest_html(title_zh: str, title_en: str, alerts: list[Alert]) -> str:
    parts = [f'<h2 style="{H2}">{e(title_zh)}</h2><p style="{GLOSS}">{e(title_en)}</p>']
    parts += [f'<hr style="border:0;border-top:2px solid #d0d7de;margin:20px 0">'
              f"{render_html_fragment(a)}" for a in alerts]
    return page("\n".join(parts))
