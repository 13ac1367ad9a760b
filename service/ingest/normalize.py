"""Text normalization shared by every loader, so offsets mean the same thing everywhere."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi control characters: invisible to readers, so they can hide instructions.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_invisible(text: str) -> bool:
    """True when the text carries zero-width or bidi control characters."""
    return bool(INVISIBLE.search(text))


def normalize_inline(text: str) -> str:
    """NFKC, no invisible or control characters, single spaces, no line breaks."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPACES.sub(" ", text).strip()
