"""Chroma adapter: chunk vectors, sentence vectors and the manifest, embedded or on a server."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from .._exceptions import ConfigError, IndexUnavailableError
from ..domain.manifest import Manifest
from ..domain.models import Chunk
from ..domain.protocols import Vectors

log = logging.getLogger(__name__)
_META_ID = "manifest"
_BATCH = 1000


@dataclass(frozen=True)
class Hit:
    """A stored chunk returned by a query or a get."""

    chunk_id: str
    text: str
    meta: dict[str, Any]
    distance: float = 0.0


def make_client(chroma_url: str | None, data_dir: str) -> Any:
    """An embedded PersistentClient, or an HttpClient when a server URL is set."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not chroma_url:
        return chromadb.PersistentClient(path=f"{data_dir}/chroma", settings=settings)
    url = urlparse(chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError(f"CITED_CHROMA_URL must be http(s)://host:port, got {chroma_url!r}")
    try:
        return chromadb.HttpClient(host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                                   ssl=url.scheme == "https", settings=settings)
    except Exception as exc:  # chromadb raises bare ValueError/ConnectionError on an unreachable server
        raise IndexUnavailableError(f"Chroma server at {chroma_url} is unreachable") from exc


def chunk_metadata(c: Chunk) -> dict[str, Any]:
    """Chroma metadata of a chunk (scalars only)."""
    return {
        "doc_id": c.doc_id, "doc_hash": c.doc_hash, "title": c.title, "section": c.section,
        "page": c.page if c.page is not None else -1, "version": c.version, "url": c.url,
        "start": c.start, "end": c.end, "sentences": json.dumps(c.sentences),
        "content_hash": c.content_hash,
    }


class ChromaStore:
    """All reads and writes of the index go through here."""

    def __init__(self, client: Any, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._cols: dict[str, Any] = {}

    def collection_names(self, model_fp: str) -> tuple[str, str]:
        """Names of the chunk and sentence collections for a model."""
        return f"{self._prefix}-chunks-{model_fp}", f"{self._prefix}-sentences-{model_fp}"

    def _col(self, name: str) -> Any:
        if name not in self._cols:
            self._cols[name] = self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        return self._cols[name]

    def heartbeat(self) -> bool:
        """Whether the store answers."""
        try:
            self._client.heartbeat()
            return True
        except Exception:  # any transport failure means "not ready"
            return False

    # manifest ---------------------------------------------------------------
    def read_manifest(self) -> Manifest | None:
        """The committed manifest, or None for an empty index."""
        got = self._col(f"{self._prefix}-meta").get(ids=[_META_ID], include=["documents"])
        docs = got.get("documents") or []
        return Manifest.from_json(docs[0]) if docs and docs[0] else None

    def write_manifest(self, manifest: Manifest) -> None:
        """Atomically replace the manifest (a single-record upsert)."""
        self._col(f"{self._prefix}-meta").upsert(
            ids=[_META_ID], documents=[manifest.to_json()], embeddings=[[1.0]],
            metadatas=[{"index_version": manifest.index_version}])

    def record_feedback(self, request_id: str, rating: str, reason: str | None) -> None:
        """Keep a rating in the shared store, so every replica's feedback lands in one place."""
        self._col(f"{self._prefix}-feedback").upsert(
            ids=[request_id], embeddings=[[1.0]],
            metadatas=[{"rating": rating, "reason": reason or "", "at": int(time.time())}])

    # writes -----------------------------------------------------------------
    def vectors_by_hash(self, collection: str, hashes: Sequence[str]) -> dict[str, Vectors]:
        """Stored vectors keyed by content hash, so unchanged text is never re-embedded."""
        found: dict[str, Vectors] = {}
        col = self._col(collection)
        unique = sorted(set(hashes))
        for i in range(0, len(unique), 500):
            got = col.get(where={"content_hash": {"$in": unique[i:i + 500]}},
                          include=["embeddings", "metadatas"])
            for meta, emb in zip(got["metadatas"] or [], got["embeddings"] if got["embeddings"] is not None else []):
                found[str(meta["content_hash"])] = np.asarray(emb, dtype=np.float32)
        return found

    def existing_ids(self, collection: str, ids: Sequence[str]) -> set[str]:
        """Which of these ids are already stored."""
        out: set[str] = set()
        col = self._col(collection)
        for i in range(0, len(ids), _BATCH):
            out.update(col.get(ids=list(ids[i:i + _BATCH]), include=[])["ids"])
        return out

    def upsert(self, collection: str, ids: Sequence[str], vectors: Vectors,
               documents: Sequence[str] | None, metadatas: Sequence[dict[str, Any]]) -> None:
        """Write records in batches."""
        col = self._col(collection)
        for i in range(0, len(ids), _BATCH):
            col.upsert(ids=list(ids[i:i + _BATCH]), embeddings=vectors[i:i + _BATCH],
                       documents=list(documents[i:i + _BATCH]) if documents is not None else None,
                       metadatas=list(metadatas[i:i + _BATCH]))

    def delete_ids(self, collection: str, ids: Sequence[str]) -> None:
        """Delete records by id, in batches."""
        col = self._col(collection)
        for i in range(0, len(ids), _BATCH):
            col.delete(ids=list(ids[i:i + _BATCH]))

    def delete_doc_versions(self, collection: str, doc_id: str, keep_hash: str | None) -> None:
        """Delete a document's records except those of the version kept."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"doc_hash": {"$ne": keep_hash}}]}
        self._col(collection).delete(where=where)

    def delete_stale(self, collection: str, served: Mapping[str, Any]) -> None:
        """Delete every record whose (doc_id, doc_hash) is not in the served documents."""
        stale = [i for i, m in self.iter_meta(collection)
                 if (e := served.get(str(m.get("doc_id")))) is None or e.doc_hash != m.get("doc_hash")]
        self.delete_ids(collection, stale)

    def iter_meta(self, collection: str, page: int = 5000) -> Iterable[tuple[str, dict[str, Any]]]:
        """Every record's id and metadata (for garbage collection)."""
        col = self._col(collection)
        offset = 0
        while True:
            got = col.get(include=["metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            yield from zip(got["ids"], got["metadatas"] or [])
            offset += len(got["ids"])

    def drop_collection(self, name: str) -> None:
        """Delete a whole collection (old model's index)."""
        self._cols.pop(name, None)
        try:
            self._client.delete_collection(name)
        except Exception:  # already gone
            log.info("collection %s was already absent", name)

    # reads ------------------------------------------------------------------
    def query(self, collection: str, vector: Vectors, k: int, ids: Sequence[str] | None = None) -> list[Hit]:
        """Nearest records by cosine distance (optionally among the given ids)."""
        col = self._col(collection)
        got = col.query(query_embeddings=[vector], n_results=k, ids=list(ids) if ids else None,
                        include=["documents", "metadatas", "distances"])
        docs = (got.get("documents") or [[]])[0] or [""] * len(got["ids"][0])
        return [Hit(i, d or "", m or {}, float(dist)) for i, d, m, dist in
                zip(got["ids"][0], docs, got["metadatas"][0], got["distances"][0])]

    def nearest(self, collection: str, vector: Vectors, k: int) -> list[tuple[str, float]]:
        """Ids and cosine distances of the k nearest records (no texts: the caller already holds them)."""
        got = self._col(collection).query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(i, float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    def similarities(self, collection: str, vector: Vectors, ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the vector to each stored record among the ids.

        A get by id plus one matrix product: Chroma's id-filtered query grows with the collection
        (90 ms at 165k sentence records against about 1 ms this way).
        """
        got = self._col(collection).get(ids=list(ids), include=["embeddings"])
        embeddings = got.get("embeddings")
        if embeddings is None or len(got["ids"]) == 0:
            return {}
        sims = np.asarray(embeddings, dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        return {i: float(v) for i, v in zip(got["ids"], sims)}

    def iter_all(self, collection: str, page: int = 5000) -> Iterable[Hit]:
        """Every record with text and metadata (to rebuild the lexical index)."""
        col = self._col(collection)
        offset = 0
        while True:
            got = col.get(include=["documents", "metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or []):
                yield Hit(i, d or "", m or {})
            offset += len(got["ids"])
