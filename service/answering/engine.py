"""The Engine holds the loaded components; answer_question() is the one entry point."""

from __future__ import annotations

import logging
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

import yaml

from .._exceptions import CitedError
from ..adapters.chroma_store import ChromaStore
from ..domain.answer import Answer
from ..domain.protocols import Embedder, Vectors
from ..safety import Triage
from ..settings import Settings
from .composer import score_sentences, select, to_citations
from .conversation import ConversationMemory, looks_like_follow_up
from .evidence import evidence_score
from .phrasing import phrase
from .retriever import HybridRetriever

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 1000


class InvalidQuestionError(CitedError, ValueError):
    """The question is empty or too long after normalization."""


def normalize_question(question: str) -> str:
    """NFKC, no control characters, single spaces; raises InvalidQuestionError when unusable."""
    text = unicodedata.normalize("NFKC", question.encode("utf-8", "replace").decode("utf-8"))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        raise InvalidQuestionError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
    return text


@dataclass
class Engine:
    """Everything answer_question needs, loaded once per process."""

    settings: Settings
    store: ChromaStore
    embedder: Embedder
    memory: ConversationMemory = field(default_factory=ConversationMemory)
    chat_model: Any = None  # optional LangChain chat model for phrasing (see adapters/llm.py)

    @cached_property
    def retriever(self) -> HybridRetriever:
        """Hybrid retriever over the served index."""
        return HybridRetriever(self.store, self.embedder, self.settings)

    @cached_property
    def triage(self) -> Triage:
        """Safety triage (patterns + classifier)."""
        return Triage(self.settings, self.embedder)

    @cached_property
    def messages(self) -> dict[str, str]:
        """Patient-facing wording for non-quoted answers, with clinic details filled in."""
        raw = yaml.safe_load(resources.files("service.policies").joinpath("answers.yaml").read_text("utf-8"))
        fill = {"clinic_name": self.settings.clinic_name, "clinic_phone": self.settings.clinic_phone}
        return {k: str(v).format(**fill) for k, v in raw.items()}


def _embed(engine: Engine, text: str) -> Vectors | None:
    try:
        return engine.embedder.embed_query(text)
    except Exception:  # triage must work without the model; retrieval will report its own failure
        log.exception("query embedding failed")
        return None


def answer_question(engine: Engine, question: str, conversation_id: str | None = None,
                    request_id: str | None = None) -> Answer:
    """Triage, then retrieve and compose a cited answer, or say the documents do not cover it."""
    t0 = time.perf_counter()
    rid = request_id or uuid.uuid4().hex
    text = normalize_question(question)
    qvec = _embed(engine, text)
    decision = engine.triage.decide(text, vector=qvec)
    debug: dict[str, Any] = {"triage": decision.debug}
    if decision.outcome != "pass":
        return Answer(outcome=decision.outcome, category=decision.category, answer=decision.message or "",
                      request_id=rid, index_version=engine.retriever.index_version, debug=debug)
    previous = engine.memory.previous(conversation_id)
    query = text
    if previous and looks_like_follow_up(text):
        query = f"{previous} {text}"
        qvec = _embed(engine, query)
        debug["follow_up_of_previous"] = True
    engine.memory.remember(conversation_id, query)
    if qvec is None:
        qvec = engine.embedder.embed_query(query)  # raises: the model is down and retrieval needs it
    retrieved = engine.retriever.search(query, vector=qvec)
    snap = engine.retriever.snapshot()
    terms = snap.vocabulary.terms(query)
    scored = score_sentences(terms, qvec, retrieved, engine.store, snap.manifest.sentence_collection)
    uncovered = terms.uncovered if query == text else snap.vocabulary.terms(text).uncovered
    evidence = evidence_score(scored[0].score, uncovered) if scored else 0.0
    chosen = [] if evidence < engine.settings.evidence_threshold else select(
        scored, engine.settings.evidence_threshold - (scored[0].score - evidence),
        engine.settings.max_answer_sentences)
    debug["best_score"] = round(scored[0].score, 4) if scored else None
    debug["evidence"] = round(evidence, 4)
    debug["uncovered_terms"] = uncovered
    debug["threshold"] = engine.settings.evidence_threshold
    debug["retrieved"] = [r.hit.chunk_id for r in retrieved]
    debug["ms"] = round((time.perf_counter() - t0) * 1000, 1)
    if not chosen:
        return Answer(outcome="not_found", answer=engine.messages["not_found"], request_id=rid,
                      index_version=snap.index_version, debug=debug)
    body, citations = to_citations(chosen)
    if engine.chat_model is not None:
        phrased = phrase(engine.chat_model, text, citations, engine.embedder, engine.settings.max_answer_sentences)
        if phrased is None:
            debug["phrasing"] = "extractive_fallback"
        else:
            body, citations, info = phrased
            debug.update(info)
    return Answer(outcome="answered", answer=body, citations=citations, request_id=rid,
                  index_version=snap.index_version, debug=debug)
