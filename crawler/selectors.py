"""One selector syntax for every source: CSS by default, XPath when it says so.

A user copies selectors from a browser's developer tools, which offer both. `xpath:` marks an
XPath expression, and so does a leading `/`, `./` or `(`; anything else is CSS.
"""

from __future__ import annotations

from typing import Any

XPATH_PREFIX = "xpath:"


class SelectorSyntaxError(ValueError):
    """A selector that neither CSS nor XPath can parse."""


def is_xpath(selector: str) -> bool:
    s = selector.strip()
    return s.startswith((XPATH_PREFIX, "/", "./", "(", ".//"))


def select(root: Any, selector: str, key: str = "selector") -> list[Any]:
    """Elements under `root` (an lxml element) matching a CSS or XPath selector.

    XPath results that are not elements (text, attributes) are dropped: a selector names
    elements, and what is read from them is decided by the caller."""
    s = selector.strip()
    if is_xpath(s):
        from lxml.etree import XPathError

        expr = s.removeprefix(XPATH_PREFIX).strip()
        try:
            found = root.xpath(expr)
        except XPathError as exc:
            raise SelectorSyntaxError(f"selector {key}={selector!r} is not valid XPath: {exc}") from exc
        return [el for el in (found if isinstance(found, list) else []) if hasattr(el, "tag")]
    from cssselect import SelectorError as CssError

    try:
        return root.cssselect(s)
    except CssError as exc:
        raise SelectorSyntaxError(f"selector {key}={selector!r} does not parse as CSS: {exc}") from exc


def check(selector: str, key: str) -> None:
    """Fail at load time, naming the key, when a selector does not parse."""
    import lxml.html

    select(lxml.html.fromstring("<div></div>"), selector, key)
