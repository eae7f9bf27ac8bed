"""Documents from data/minor_documents.json: irrelevant news, look-alike lists, related news."""

from __future__ import annotations

from typing import Any

from replica import blocks, corpus, files
from replica.ids import hex_id
from replica.model import Attachment, Document

LOOKALIKE_HEADER = ("序号", "省份", "企业名称")
AUTHORITY = {"miit": "工业和信息化部", "samr": "市场监管总局"}


def lookalike_rows(list_key: str) -> list[list[str]]:
    rows = [r for r in corpus.csv_rows("lookalike_enterprises.csv") if r["list"] == list_key]
    return [[r["seq"], r["province"], r["enterprise"]] for r in rows]


def _lookalike_attachment(item: dict[str, Any], rows: list[list[str]]) -> Attachment:
    title = item["title"].removeprefix("关于").removesuffix("的公示")
    name = f"{title}.xlsx"

    def build(variant: int) -> bytes:
        return files.xlsx_table(title, LOOKALIKE_HEADER, rows, item["published"])

    return Attachment(site=item["site"], file_id=blocks.file_id(item["key"], name),
                      folder=blocks.attach_folder(item["published"]), ext="xlsx", name=name,
                      modified=item["published"], build=build)


def _body(item: dict[str, Any], attachments: tuple[Attachment, ...]) -> list[str]:
    lines = list(item.get("body_prefix", [])) + (
        corpus.lines(item["body_file"]) if "body_file" in item else list(item["body"])
    )
    body = blocks.paragraphs(lines, attachments)
    list_key = item.get("lookalike_list")
    if list_key and not attachments:
        # The list goes right after the paragraph that announces it.
        at = next(i for i, line in enumerate(lines) if "名单" in line) + 1
        body.insert(at, blocks.table(LOOKALIKE_HEADER, lookalike_rows(list_key)))
    return body


def minor_document(item: dict[str, Any]) -> Document:
    attachments: tuple[Attachment, ...] = ()
    if item.get("lookalike_attachment") == "xlsx":
        attachments = (_lookalike_attachment(item, lookalike_rows(item["lookalike_list"])),)
    return Document(
        key=item["key"],
        site=item["site"],
        art_id=item.get("art_id") or hex_id("art", item["key"]),
        columns=tuple(item["columns"]),
        title=item["title"],
        category=item["category"],
        stage=item["stage"],
        published=item["published"],
        body=tuple(_body(item, attachments)),
        source=item["source"],
        state=item["state"],
        doc_number=item.get("doc_number"),
        pubdate_meta=item.get("pubdate_meta"),
        make_time=item.get("make_time"),
        signed_date=item.get("signed_date"),
        attachments=attachments,
        authority=AUTHORITY[item["site"]],
        deadline=item.get("deadline"),
        href_styles=dict(item.get("href_styles", {})),
        synthetic="observed" not in item,
    )


def documents() -> list[Document]:
    return [minor_document(item) for item in corpus.minor_documents()]

