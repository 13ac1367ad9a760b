"""Lexical helpers for sentence scoring: content words, stems and near-duplicates."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9%]+")
# Question words and fillers carry no evidence; without them overlap measures topic words only.
STOP = frozenset("""
a an the and or but if of to in on at by for with about from as into than then so is are was were be
been being am do does did doing have has had having i me my we our you your he she it its they them
their this that these those there here what which who whom whose when where why how can could should
would will shall may might must not no yes any some all just also very really please tell know want
need get got like thing stuff much many more most ok okay hi hello thanks thank im ive dont does
doesnt isnt cant wont u ur pls plz
""".split())


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def content_stems(text: str) -> frozenset[str]:
    """Stems of the content words of a text."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in STOP and len(w) > 1)


def near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Whether two sentences say nearly the same thing (Jaccard of content stems)."""
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= threshold
