"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused with reciprocal rank fusion."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from .._exceptions import IndexUnavailableError
from ..adapters.chroma_store import ChromaStore, Hit
from ..adapters.lexical import LexicalIndex
from ..domain.manifest import Manifest
from ..domain.protocols import Embedder, Vectors
from ..settings import Settings
from .evidence import Vocabulary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieved:
    """One fused result."""

    hit: Hit
    score: float  # RRF score
    dense_rank: int | None
    lexical_rank: int | None
    dense_similarity: float | None


@dataclass
class _Snapshot:
    manifest: Manifest
    chunks: list[Hit]
    by_id: dict[str, int]
    lexical: LexicalIndex
    vocabulary: Vocabulary
    index_version: str  # computed once: it hashes every document entry of the manifest


class HybridRetriever:
    """Serves only the chunks of the document versions the manifest names."""

    def __init__(self, store: ChromaStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._snap: _Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def index_version(self) -> str:
        """The served index version ('' before the first load)."""
        return self._snap.index_version if self._snap else ""

    def invalidate(self) -> None:
        """Check the manifest again on the next request (after an ingest)."""
        self._checked = 0.0

    def snapshot(self) -> _Snapshot:
        """The current served state, reloaded when the manifest in Chroma changes."""
        now = time.monotonic()
        snap = self._snap
        if snap is not None and self._checked and now - self._checked < self.settings.manifest_poll_seconds:
            return snap
        with self._lock:
            if self._snap is not None and self._checked and \
                    time.monotonic() - self._checked < self.settings.manifest_poll_seconds:
                return self._snap
            manifest = self._read_manifest()
            if self._snap is None or manifest.index_version != self._snap.index_version:
                self._snap = self._build(manifest)
            self._checked = time.monotonic()
            return self._snap

    def _read_manifest(self) -> Manifest:
        try:
            manifest = self.store.read_manifest()
        except Exception as exc:  # the store's client raises many transport errors; all mean "unavailable"
            raise IndexUnavailableError("the index store cannot be reached") from exc
        if manifest is None:
            raise IndexUnavailableError("no index yet: run `cited ingest`")
        if manifest.model != self.embedder.fingerprint:
            raise IndexUnavailableError("the index was built with another embedding model: re-run `cited ingest`")
        return manifest

    def _build(self, manifest: Manifest) -> _Snapshot:
        t0 = time.perf_counter()
        chunks = [h for h in self.store.iter_all(manifest.chunk_collection)
                  if manifest.is_served(str(h.meta.get("doc_id")), str(h.meta.get("doc_hash")))]
        chunks.sort(key=lambda h: (str(h.meta.get("doc_id")), int(h.meta.get("start", 0))))
        texts = [_lexical_text(h) for h in chunks]
        lexical = LexicalIndex(texts)
        vocabulary = Vocabulary(texts)
        log.info("index %s loaded: %d chunks in %.2fs", manifest.index_version, len(chunks),
                 time.perf_counter() - t0)
        return _Snapshot(manifest, chunks, {h.chunk_id: i for i, h in enumerate(chunks)}, lexical, vocabulary,
                         manifest.index_version)

    def search(self, query: str, k: int | None = None, vector: Vectors | None = None) -> list[Retrieved]:
        """Fused top-k chunks for a query."""
        snap = self.snapshot()
        s = self.settings
        qvec = vector if vector is not None else self.embedder.embed_query(query)
        try:
            nearest = self.store.nearest(snap.manifest.chunk_collection, qvec, s.dense_k + 10)
        except Exception as exc:  # transport failure of the store
            raise IndexUnavailableError("the index store cannot be reached") from exc
        # texts and metadata come from the snapshot, which also drops chunks the manifest does not serve
        dense = [replace(snap.chunks[snap.by_id[cid]], distance=dist) for cid, dist in nearest
                 if cid in snap.by_id][: s.dense_k]
        lexical = snap.lexical.search(query, s.lexical_k)
        return fuse(snap, dense, lexical, s, k or s.fused_k)


def _lexical_text(h: Hit) -> str:
    return f"{h.meta.get('title', '')} {h.meta.get('section', '')} {h.text}"


def fuse(snap: _Snapshot, dense: list[Hit], lexical: list[tuple[int, float]], s: Settings, k: int) -> list[Retrieved]:
    """Reciprocal rank fusion of the dense and lexical rankings."""
    scores: dict[str, float] = {}
    info: dict[str, dict[str, Any]] = {}
    for rank, h in enumerate(dense, start=1):
        scores[h.chunk_id] = scores.get(h.chunk_id, 0.0) + s.dense_weight / (s.rrf_k + rank)
        info.setdefault(h.chunk_id, {})["dense"] = (rank, 1.0 - h.distance)
    for rank, (pos, _) in enumerate(lexical, start=1):
        cid = snap.chunks[pos].chunk_id
        scores[cid] = scores.get(cid, 0.0) + s.lexical_weight / (s.rrf_k + rank)
        info.setdefault(cid, {})["lexical"] = rank
    top = sorted(scores, key=lambda c: -scores[c])[:k]
    out = []
    for cid in top:
        d = info[cid].get("dense")
        out.append(Retrieved(snap.chunks[snap.by_id[cid]], scores[cid], d[0] if d else None,
                             info[cid].get("lexical"), d[1] if d else None))
    return out
