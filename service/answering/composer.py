"""Extractive composer: picks verbatim sentences of the retrieved chunks that answer the question."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..adapters.chroma_store import ChromaStore
from ..domain.answer import Citation
from ..domain.protocols import Vectors
from .evidence import QueryTerms, weighted_overlap
from .retriever import Retrieved
from .scoring import content_stems, near_duplicate

LEXICAL_WEIGHT = 0.3  # share of the score from content-word overlap with the question
CHUNK_WEIGHT = 0.25  # share from the whole chunk's similarity: a sentence is read in its passage's context
HEADING_SHARE = 0.3  # part of the lexical score that may come from the passage's title and section
RANK_WEIGHT = 0.05  # a small preference for sentences of higher-ranked chunks
KEEP_MARGIN = 0.2  # sentences this far below the best one are left out


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence with its support score."""

    item: Retrieved
    index: int  # position among the chunk's sentences
    start: int
    end: int
    score: float
    semantic: float
    lexical: float
    stems: frozenset[str]


def score_sentences(terms: QueryTerms, qvec: Vectors, retrieved: list[Retrieved], store: ChromaStore,
                    sentence_collection: str) -> list[ScoredSentence]:
    """Score every sentence of the retrieved chunks against the question."""
    spans: dict[str, tuple[Retrieved, int, int, int]] = {}
    for item in retrieved:
        for i, (a, b) in enumerate(json.loads(str(item.hit.meta.get("sentences", "[]")))):
            spans[f"{item.hit.chunk_id}#{i}"] = (item, i, a, b)
    if not spans:
        return []
    sims = store.similarities(sentence_collection, qvec, list(spans))
    q = terms.weights
    ranks = {it.hit.chunk_id: r for r, it in enumerate(retrieved)}
    out = []
    heading_stems = {it.hit.chunk_id: content_stems(f"{it.hit.meta.get('title', '')} {it.hit.meta.get('section', '')}")
                     for it in retrieved}
    for sid, (item, i, a, b) in spans.items():
        stems = content_stems(item.hit.text[a:b])
        sem = sims.get(sid, 0.0)
        lex = ((1 - HEADING_SHARE) * weighted_overlap(q, stems)
               + HEADING_SHARE * weighted_overlap(q, stems | heading_stems[item.hit.chunk_id]))
        chunk_sem = item.dense_similarity if item.dense_similarity is not None else sem
        score = ((1 - LEXICAL_WEIGHT - CHUNK_WEIGHT) * sem + CHUNK_WEIGHT * chunk_sem + LEXICAL_WEIGHT * lex
                 + RANK_WEIGHT / (1 + ranks[item.hit.chunk_id]))
        out.append(ScoredSentence(item, i, a, b, score, sem, lex, stems))
    out.sort(key=lambda s: -s.score)
    return out


def select(scored: list[ScoredSentence], threshold: float, max_sentences: int) -> list[ScoredSentence]:
    """The best sentences above the threshold, without near-duplicates, in reading order."""
    if not scored or scored[0].score < threshold:
        return []
    best = scored[0].score
    chosen: list[ScoredSentence] = []
    seen_quotes: set[tuple[str, int, int]] = set()
    for s in scored:
        if len(chosen) >= max_sentences or s.score < max(threshold, best - KEEP_MARGIN):
            break
        doc_pos = (str(s.item.hit.meta.get("doc_id")), int(s.item.hit.meta.get("start", 0)) + s.start,
                   int(s.item.hit.meta.get("start", 0)) + s.end)
        if doc_pos in seen_quotes or any(near_duplicate(s.stems, c.stems) for c in chosen):
            continue  # the same sentence from an overlapping chunk, or one that says the same thing
        seen_quotes.add(doc_pos)
        chosen.append(s)
    return _reading_order(chosen)


def _reading_order(chosen: list[ScoredSentence]) -> list[ScoredSentence]:
    """Group by document (best document first), then by position in the document."""
    doc_rank: dict[str, int] = {}
    for s in chosen:
        doc_rank.setdefault(str(s.item.hit.meta.get("doc_id")), len(doc_rank))
    return sorted(chosen, key=lambda s: (doc_rank[str(s.item.hit.meta.get("doc_id"))],
                                         int(s.item.hit.meta.get("start", 0)) + s.start))


def to_citations(chosen: list[ScoredSentence]) -> tuple[str, list[Citation]]:
    """The answer text with [n] markers and one citation per sentence."""
    parts, cites = [], []
    for n, s in enumerate(chosen, start=1):
        m = s.item.hit.meta
        passage = s.item.hit.text
        page = int(m.get("page", -1))
        cites.append(Citation(
            n=n, document_id=str(m.get("doc_id")), title=str(m.get("title", "")), section=str(m.get("section", "")),
            page=page if page >= 0 else None, version=str(m.get("version", "")), url=str(m.get("url", "")),
            chunk_id=s.item.hit.chunk_id, passage=passage, quote=passage[s.start:s.end], start=s.start, end=s.end,
            score=round(s.score, 4),
        ))
        parts.append(f"{passage[s.start:s.end]} [{n}]")
    return " ".join(parts), cites
