"""Every document the replica knows, across all states, indexed for serving."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from replica import minor, regulations, whitelist
from replica.model import Attachment, Document


@dataclass
class Catalog:
    documents: list[Document]
    by_key: dict[str, Document]
    by_art: dict[tuple[str, str], Document]  # (site, art_id)
    attachments: dict[tuple[str, str], tuple[Attachment, Document]]  # (site, url_path)


def build_catalog() -> Catalog:
    docs = whitelist.documents() + regulations.documents() + minor.documents()
    by_key: dict[str, Document] = {}
    by_art: dict[tuple[str, str], Document] = {}
    attachments: dict[tuple[str, str], tuple[Attachment, Document]] = {}
    for doc in docs:
        if doc.key in by_key or (doc.site, doc.art_id) in by_art:
            raise ValueError(f"duplicate document {doc.key} / {doc.art_id}")
        by_key[doc.key] = doc
        by_art[(doc.site, doc.art_id)] = doc
        for att in doc.attachments:
            if (att.site, att.url_path) in attachments:
                raise ValueError(f"duplicate attachment {att.url_path}")
            attachments[(att.site, att.url_path)] = (att, doc)
    return Catalog(docs, by_key, by_art, attachments)


@cache
def catalog() -> Catalog:
    return build_catalog()
