"""What a page would fetch from the network: the check that feedback pages render offline."""

from __future__ import annotations

import re
from html.parser import HTMLParser

REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


def remote_references(page: str) -> list[str]:
    """The network addresses a page would load: ``<script src>``, ``<img src>``, ``<link href>``,
    CSS imports and ``url()``s (inline styles included). (Links a reader may follow, ``<a href>``,
    load nothing.)"""

    finder = _Finder()
    finder.feed(page)
    return finder.found


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        refs = [attrs.get("src")] if tag in ("script", "img") else []
        refs += [attrs.get("href")] if tag == "link" else []
        refs += _css_urls(attrs.get("style") or "")
        self.found += [r for r in refs if r and REMOTE.match(r)]
        self.in_style = tag == "style"

    def handle_data(self, data):
        if self.in_style:
            self.found += [r for r in _css_urls(data) if REMOTE.match(r)]

    def handle_endtag(self, tag):
        self.in_style = False
