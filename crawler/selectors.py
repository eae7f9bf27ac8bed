"""One selector syntax for every source: CSS by default, XPath when it says so.

A user copies selectors from a browser's developer tools, which offer both. `xpath:` marks an
XPath expression, and so does a leading `/`, `./` or `(`; anything else is CSS.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

XPATH_PREFIX = "xpath:"


class SelectorSyntaxError(ValueError):
    """A selector that neither CSS nor XPath can parse."""


def is_xpath(selector: str) -> bool:
    s = selector.strip()
    return s.startswith((XPATH_PREFIX, "/", "./", "(", ".//"))


@lru_cache(maxsize=512)
def compiled(selector: str, key: str = "selector") -> Callable[[Any], Any]:
    """The selector compiled once per process (compiling CSS to XPath on every call was about 4%
    of a crawl's CPU): a function from an lxml element to what it matches."""
    s = selector.strip()
    if is_xpath(s):
        from lxml.etree import XPath, XPathError

        try:
            return XPath(s.removeprefix(XPATH_PREFIX).strip())
        except XPathError as exc:
            raise SelectorSyntaxError(f"selector {key}={selector!r} is not valid XPath: {exc}") from exc
    from cssselect import SelectorError as CssError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(s, translator="html")
    except CssError as exc:
        raise SelectorSyntaxError(f"selector {key}={selector!r} does not parse as CSS: {exc}") from exc


def select(root: Any, selector: str, key: str = "selector") -> list[Any]:
    """Elements under `root` (an lxml element) matching a CSS or XPath selector.

    XPath results that are not elements (text, attributes) are dropped: a selector names
    elements, and what is read from them is decided by the caller."""
    match = compiled(selector, key)
    if not is_xpath(selector):
        return list(match(root))
    from lxml.etree import XPathError

    try:
        found = match(root)
    except XPathError as exc:
        raise SelectorSyntaxError(f"selector {key}={selector!r} is not valid XPath: {exc}") from exc
    return [el for el in (found if isinstance(found, list) else []) if hasattr(el, "tag")]


def check(selector: str, key: str) -> None:
    """Fail at load time, naming the key, when a selector does not parse."""
    import lxml.html

    select(lxml.html.fromstring("<div></div>"), selector, key)
