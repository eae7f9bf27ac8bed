"""Canonical text: the one normal form in which regwatch compares and indexes Chinese text.

Normalising first is what keeps noise from alerting: a page re-rendered with full-width
digits, a zero-width space or different line wrapping must compare equal to the original.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import jieba

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Control characters (C0 but tab and newlines, DEL, C1) and bidirectional overrides: invisible,
# never content, and fatal to XLSX exports. They stay only in the raw blob, the evidence.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def normalize(text: str) -> str:
    """NFKC (full-width ASCII → half-width), drop zero-width and control characters, fold
    whitespace.

    Chinese punctuation such as ，。、（） is kept apart from ASCII by NFKC except the
    full-width forms of ASCII, which become ASCII; 〔〕 in document numbers survive.
    """
    if not text:
        return ""
    return tidy(unicodedata.normalize("NFKC", _ZERO_WIDTH.sub("", text)))


def tidy(text: str) -> str:
    """Zero-width characters dropped and whitespace folded, every other character kept as
    published: for what regwatch shows verbatim (an enterprise's name with its （）), where
    `normalize` would rewrite full-width forms. Compare with `normalize`, show with `tidy`."""
    if not text:
        return ""
    text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


def cache_dir() -> Path:
    """A folder the user owns for jieba's prefix-dictionary cache (never a shared /tmp)."""
    explicit = os.environ.get("REGWATCH_CACHE_DIR")
    path = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regwatch"
    path.mkdir(parents=True, exist_ok=True)
    return path


_lock = threading.Lock()


@cache
def tokenizer() -> jieba.Tokenizer:
    """The jieba tokenizer with our domain dictionary, loaded on first use only."""
    with _lock:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.tmp_dir = str(cache_dir())
        tk.initialize()
        terms = resources.files("diff").joinpath("domain_terms.txt").read_text("utf-8")
        for line in terms.splitlines():
            parts = line.split()
            if parts:
                tk.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None,
                            parts[2] if len(parts) > 2 else None)
        return tk


def segment(text: str) -> list[str]:
    """jieba words of the normalised text, whitespace tokens dropped."""
    return [w for w in tokenizer().lcut(normalize(text)) if w.strip()]


def index_words(text: str) -> list[str]:
    """Words for the search index: each jieba word plus the dictionary words inside it, so
    that a search for 动力电池 finds 废旧动力电池 and one for 名单 finds 企业名单."""
    out: list[str] = []
    for word in segment(text):
        out.extend(_index_forms(word))
    return out


@lru_cache(maxsize=1 << 16)
def _index_forms(word: str) -> tuple[str, ...]:
    """A word and the dictionary words inside it, once per distinct word (words repeat a lot)."""
    if not any(ch.isalnum() for ch in word):
        return ()
    out = [word]
    n = len(word)
    if n > 2 and not word.isascii():
        freq = tokenizer().FREQ
        for size in range(2, n):
            for start in range(0, n - size + 1):
                part = word[start : start + size]
                if freq.get(part):
                    out.append(part)
    return tuple(out)


def tokens_for_index(text: str) -> str:
    """Space-separated words for FTS5: unicode61 then sees each Chinese word as one token."""
    return " ".join(index_words(text))


def tokens_for_query(text: str) -> list[str]:
    """A query is segmented the same precise way as the text (without the sub-words)."""
    return [w for w in segment(text) if any(ch.isalnum() for ch in w)]
