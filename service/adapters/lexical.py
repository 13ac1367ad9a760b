"""BM25 over the served chunks (bm25s), rebuilt in memory from Chroma's texts."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer
from bm25s.tokenization import Tokenizer


class LexicalIndex:
    """A BM25 index of texts; ids are positions in the list it was built from."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._tokenizer = Tokenizer(stemmer=Stemmer.Stemmer("english"), stopwords="en")
        self._size = len(texts)
        self._bm25 = bm25s.BM25()
        if texts:
            ids = self._tokenizer.tokenize(list(texts), update_vocab=True, return_as="ids", show_progress=False)
            self._bm25.index(ids, show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top positions with positive BM25 scores."""
        if not self._size:
            return []
        q = self._tokenizer.tokenize([query], update_vocab=False, return_as="ids", show_progress=False)
        if not q or not q[0]:
            return []
        docs, scores = self._bm25.retrieve(q, k=min(k, self._size), show_progress=False, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(np.ravel(docs), np.ravel(scores)) if s > 0]
