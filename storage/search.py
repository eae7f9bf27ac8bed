"""Chinese full-text search that reads well, shared by the CLI and the web UI.

The index holds jieba words (plus the dictionary words inside them), separated by spaces. A query
is segmented against the index's own vocabulary (each candidate word probed in the FTS index), so no
jieba dictionary is loaded at query time. Words are ANDed, "quoted text" is a phrase, results rank by bm25, and the
snippet is cut from the stored original text, never rebuilt from tokens.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from diff.text import normalize
from storage.errors import QueryTooLong

MAX_QUERY_CHARS = 200
MAX_WORDS = 16
MAX_TERM_CHARS = 24  # longest index word we look up (company names run to about 20 characters)
SNIPPET_BEFORE = 24
SNIPPET_AFTER = 60


class SearchError(ValueError):
    """A query that cannot be searched; the message says why, in one line."""


@dataclass
class Word:
    """One word or quoted phrase of the query, and the index terms that stand for it."""

    text: str
    phrase: bool
    alternatives: list[list[str]] = field(default_factory=list)  # each: index terms ANDed


@dataclass
class Hit:
    id: int
    title: str
    url: str | None
    doc_number: str | None
    category: str | None
    stage: str | None
    published_at: str | None
    source_id: str | None
    rank: float
    parts: list[tuple[str, bool]]  # the snippet: (text, highlighted)

    @property
    def snippet(self) -> str:
        return "".join(f"[{t}]" if hit else t for t, hit in self.parts)

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "doc_number": self.doc_number,
                "category": self.category, "stage": self.stage, "published_at": self.published_at,
                "source_id": self.source_id, "snippet": self.snippet, "rank": round(self.rank, 3)}


def parse_query(text: str) -> list[Word]:
    """Split on whitespace, keeping "quoted phrases" (ASCII or Chinese quotes) whole."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"search query too long: {len(text):,} characters (limit {MAX_QUERY_CHARS})")
    text = unicodedata.normalize("NFKC", text).replace("“", '"').replace("”", '"')
    if text.count('"') % 2:
        raise SearchError('unbalanced quote in the query: close the phrase with a second "')
    words: list[Word] = []
    for i, chunk in enumerate(text.split('"')):
        if i % 2:
            if chunk.strip():
                words.append(Word(" ".join(chunk.split()), phrase=True))
        else:
            words += [Word(w, phrase=False) for w in chunk.split()]
    words = [w for w in words if any(ch.isalnum() for ch in w.text)]
    if not words:
        raise SearchError("empty query: give at least one word (letters or digits)")
    if len(words) > MAX_WORDS:
        raise QueryTooLong(f"search query too long: {len(words)} words (limit {MAX_WORDS})")
    return words


def _runs(text: str) -> list[str]:
    """Split like FTS5's unicode61 tokenizer (letters and digits), and again where ASCII meets Chinese."""
    runs: list[str] = []
    current = ""
    for ch in text.lower():
        if not ch.isalnum():
            if current:
                runs.append(current)
            current = ""
        elif current and current[-1].isascii() != ch.isascii():
            runs.append(current)
            current = ch
        else:
            current += ch
    if current:
        runs.append(current)
    return runs


def known_terms(conn: sqlite3.Connection, candidates: set[str]) -> set[str]:
    """The candidates that are terms of the index. Each is probed with a one-row MATCH, which reads
    only the start of its posting list (fts5vocab would decode the whole list to count it)."""
    probe = "select 1 from documents_fts where documents_fts match ? limit 1"
    return {term for term in candidates if conn.execute(probe, [_quote(term)]).fetchone()}


def _segment(run: str, vocab: set[str], max_len: int) -> list[str] | None:
    """Fewest pieces, each a vocabulary term of at most max_len characters; None if impossible."""
    n = len(run)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - max_len), end):
            piece = run[start:end]
            prev, current = best[start], best[end]
            if prev is not None and piece in vocab and (current is None or len(prev) + 1 < len(current)):
                best[end] = [*prev, piece]
    return best[n]


def _alternatives(text: str, vocab: set[str]) -> list[list[str]]:
    """The index terms for a word: coarse (longest words) and fine (two-character words), ANDed each."""
    coarse: list[str] = []
    fine: list[str] = []
    for run in _runs(text):
        if run.isascii():
            coarse.append(run)
            fine.append(run)
            continue
        long_cut = _segment(run, vocab, MAX_TERM_CHARS)
        short_cut = _segment(run, vocab, 2)
        if long_cut is None and short_cut is None:
            return []  # a character the index has never seen: nothing can match
        coarse += long_cut or short_cut or []
        fine += short_cut or long_cut or []
    return [coarse] if coarse == fine else [coarse, fine]


def _candidates(words: list[Word]) -> set[str]:
    out: set[str] = set()
    for word in words:
        for run in _runs(word.text):
            if run.isascii():
                continue
            for start in range(len(run)):
                for end in range(start + 1, min(len(run), start + MAX_TERM_CHARS) + 1):
                    out.add(run[start:end])
    return out


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(conn: sqlite3.Connection, query: str) -> tuple[str, list[Word]]:
    """The FTS5 MATCH expression for a query; empty when some word cannot occur in the index."""
    words = parse_query(query)
    vocab = known_terms(conn, _candidates(words))
    parts = []
    for word in words:
        word.alternatives = _alternatives(word.text, vocab)
        if not word.alternatives:
            return "", words
        # coarse words ANDed; the fine cut as a phrase (its pieces adjacent, as in the text)
        options = ["(" + " AND ".join(_quote(t) for t in word.alternatives[0]) + ")"]
        if len(word.alternatives) > 1:
            options.append(_quote(" ".join(word.alternatives[1])))
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(parts), words


def _document_text(conn: sqlite3.Connection, document_id: int, title: str) -> str:
    """The original text the index was built from: title, main text, attachments' text."""
    row = conn.execute("select v.id, v.text from documents d join versions v on v.id = d.current_version_id "
                       "where d.id = ?", [document_id]).fetchone()
    if row is None:
        return normalize(title)
    attachments = [r[0] or "" for r in conn.execute("select text from attachments where version_id = ? order by id",
                                                    [row[0]])]
    return normalize("\n".join([title or "", row[1] or "", *attachments]))


def _needles(words: list[Word], lower_text: str) -> list[str]:
    """What to find and highlight in the original text: each word whole where it occurs, else
    the index terms it was matched by."""
    out: list[str] = []
    for word in words:
        whole = normalize(word.text).lower()
        if whole in lower_text or word.phrase:
            out.append(whole)
            continue
        for alt in word.alternatives:
            out += [t for t in alt if len(t) > 1 or not t.isascii()]
    return sorted({n for n in out if n}, key=len, reverse=True)


def snippet_parts(text: str, words: list[Word], before: int = SNIPPET_BEFORE,
                  after: int = SNIPPET_AFTER) -> list[tuple[str, bool]]:
    """A window of the original text around the first match, the matches marked."""
    lower = text.lower()
    needles = _needles(words, lower)
    positions = [p for p in (lower.find(n) for n in needles) if p >= 0]
    first = min(positions) if positions else 0
    start = max(0, first - before)
    end = min(len(text), first + after)
    window = text[start:end].replace("\n", " ")
    marks = [False] * len(window)
    low_window = window.lower()
    for needle in needles:
        pos = low_window.find(needle)
        while pos >= 0:
            for i in range(pos, min(len(window), pos + len(needle))):
                marks[i] = True
            pos = low_window.find(needle, pos + len(needle))
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("…", False))
    for ch, mark in zip(window, marks, strict=True):
        if parts and parts[-1][1] == mark and parts[-1][0] != "…":
            parts[-1] = (parts[-1][0] + ch, mark)
        else:
            parts.append((ch, mark))
    if end < len(text):
        parts.append(("…", False))
    return parts


def search(conn: sqlite3.Connection, query: str, *, limit: int = 20) -> list[Hit]:
    """Documents matching every word (and every phrase verbatim), best bm25 first."""
    expression, words = match_expression(conn, query)
    if not expression:
        return []
    # FTS5's own rank column (bm25) sorted inside the index with a limit, then joined: far cheaper
    # than bm25() per joined row. Phrases are checked in the original text, so fetch in pages.
    sql = """select d.id, d.title, d.canonical_url, d.doc_number, d.category, d.stage, d.published_at,
                    d.source_id, f.rank
             from (select document_id, rank from documents_fts where documents_fts match ?
                   order by rank limit ? offset ?) f join documents d on d.id = f.document_id order by f.rank"""
    phrases = [normalize(w.text).lower() for w in words if w.phrase]
    hits: list[Hit] = []
    page = limit * 4 if phrases else limit
    offset = 0
    while len(hits) < limit:
        try:
            found = conn.execute(sql, [expression, page, offset]).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchError(f"cannot search for {query!r}: {exc}") from None
        for row in found:
            text = _document_text(conn, row[0], row[1])
            if phrases and not all(p in text.lower() for p in phrases):
                continue
            hits.append(Hit(id=row[0], title=row[1], url=row[2], doc_number=row[3], category=row[4], stage=row[5],
                            published_at=row[6], source_id=row[7], rank=row[8], parts=snippet_parts(text, words)))
            if len(hits) >= limit:
                break
        if len(found) < page:
            break
        offset += page
    return hits
