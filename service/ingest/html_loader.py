"""Visible text of an HTML page, with headings as sections."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag

from .builder import DocumentBuilder

_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "head", "svg", "iframe", "object"]
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0", re.I)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {"p", "li", "td", "th", "blockquote", "pre", "dd", "dt", "figcaption", "caption"}


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or tag.get("aria-hidden") == "true"
        or bool(_HIDDEN_STYLE.search(str(tag.get("style") or "")))
        or tag.get("type") == "hidden"
    )


def parse_html(html: str, builder: DocumentBuilder) -> tuple[str | None, list[str]]:
    """Feed visible blocks to the builder; returns the page title and flags."""
    soup = BeautifulSoup(html, "lxml")
    flags: list[str] = []
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_INVISIBLE_TAGS):
        tag.decompose()
    for tag in soup.find_all(_is_hidden):
        if tag.get_text(strip=True):
            flags.append("hidden_html")
        tag.decompose()
    root = soup.body or soup
    for tag in root.find_all(list(_BLOCKS)):
        if tag.find(list(_BLOCKS)) is not None:
            continue  # its inner blocks are visited on their own
        text = tag.get_text(" ", strip=True)
        if tag.name in _HEADINGS:
            builder.heading(int(tag.name[1]), text)
            title = title or text
        else:
            builder.block(text)
    if not builder.parts:  # a page of bare text in divs
        builder.block(root.get_text(" ", strip=True))
    return title, sorted(set(flags))
