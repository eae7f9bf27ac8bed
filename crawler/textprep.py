"""Text as the classifier reads it: Traditional script folded to Simplified, pinyin glosses dropped.

Relays of official texts arrive in Traditional characters, sometimes with pinyin glosses
injected after characters (企業(yè)). The rules are written in Simplified, so both are folded
before rules and segmentation see the text. The stored text is never changed: this is a view.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# A pinyin syllable with tone marks in brackets right after a CJK character: 企業(yè), 規(guī)范.
_PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]")


# Frequent characters that exist only in Traditional script: a text with none of them is
# Simplified already, and skips the (slower) conversion.
_TRADITIONAL_ONLY = frozenset(
    "業規條發電動們這個會時與為對說關經實應進務區處罰檢門長開問間東車馬魚義聽書畫華廣廢舊鋰鋁銅"
    "鎳鈷錳綜環節範標準製產質員現場監總據應術藝備設計資訊網報導準則請辦擬將構優")


@cache
def _converter() -> Any:
    from opencc import OpenCC  # type: ignore[import-untyped]  # lazy: the dictionaries load on first use

    return OpenCC("t2s")


def strip_pinyin_glosses(text: str) -> str:
    return _PINYIN_GLOSS.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s), with pinyin glosses removed. Text that is already
    Simplified comes back unchanged."""
    if not text:
        return text
    text = strip_pinyin_glosses(text)
    if text.isascii() or _TRADITIONAL_ONLY.isdisjoint(text):
        return text
    return _converter().convert(text)
