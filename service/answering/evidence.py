"""Query terms against the served documents: typo repair, rarity weights and uncovered terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import distance, process

from .scoring import content_stems

OOV_PENALTY = 0.08  # per question term absent from every served document (calibrated on the dev split)


@dataclass(frozen=True)
class QueryTerms:
    """Content stems of a question with IDF weights; typos mapped to document terms."""

    weights: dict[str, float]
    uncovered: list[str]


class Vocabulary:
    """Document frequencies of the content stems of the served passages."""

    def __init__(self, texts: Iterable[str]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for text in texts:
            df.update(content_stems(text))
            n += 1
        self._df = df
        self._n = max(n, 1)
        self._list = sorted(df)

    def __len__(self) -> int:
        return len(self._df)

    def idf(self, stem: str) -> float:
        """Rarity of a stem across passages (a stem no passage has is rarest)."""
        return math.log(1 + self._n / (self._df.get(stem, 0) + 0.5))

    def _repair(self, stem: str) -> str | None:
        """The document term a misspelled stem stands for, if any."""
        if len(stem) < 4:
            return None
        limit = 1 if len(stem) <= 6 else 2
        match = process.extractOne(stem, self._list, scorer=distance.Levenshtein.distance, score_cutoff=limit)
        return str(match[0]) if match else None

    def terms(self, question: str) -> QueryTerms:
        """Weighted question terms; the ones no document mentions are listed as uncovered."""
        weights: dict[str, float] = {}
        uncovered: list[str] = []
        for stem in sorted(content_stems(question)):
            if stem not in self._df:
                fixed = self._repair(stem)
                if fixed is None:
                    if len(stem) >= 3:
                        uncovered.append(stem)
                    weights[stem] = self.idf(stem)
                    continue
                stem = fixed
            weights[stem] = self.idf(stem)
        return QueryTerms(weights, uncovered)


def weighted_overlap(weights: dict[str, float], stems: frozenset[str] | set[str]) -> float:
    """IDF-weighted share of the question's terms found in a text."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in stems) / total if total else 0.0


def evidence_score(best_sentence_score: float, uncovered: list[str]) -> float:
    """The best sentence's support, lowered for each question term the documents never use."""
    return best_sentence_score - OOV_PENALTY * len(uncovered)
