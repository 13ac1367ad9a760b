"""Incremental, crash-safe ingestion: write new chunks, commit the manifest, then clean up."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .._exceptions import IngestError, LoaderError
from ..adapters.chroma_store import ChromaStore, chunk_metadata
from ..domain.manifest import DocEntry, Manifest
from ..domain.models import Chunk
from ..domain.protocols import Embedder
from .chunking import ChunkConfig, chunk_document, content_hash
from .loaders import is_candidate, load_file

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What an ingest did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)
    chunks_written: int = 0
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    index_version: str = ""


@dataclass
class _Scan:
    unchanged: dict[str, DocEntry] = field(default_factory=dict)
    changed: list[tuple[DocEntry, list[Chunk]]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _file_hash(raw: bytes, cfg: ChunkConfig) -> str:
    h = hashlib.sha256(raw)
    h.update(cfg.fingerprint().encode())
    return h.hexdigest()


def _scan(corpus: Path, old: Manifest | None, cfg: ChunkConfig, max_bytes: int) -> _Scan:
    """Hash every file; parse and chunk only new or changed ones."""
    if not corpus.is_dir():
        raise IngestError(f"corpus directory not found: {corpus}")
    by_path = {e.source_path: e for e in (old.documents.values() if old else [])}
    scan = _Scan()
    seen_ids: dict[str, str] = {}
    for path in sorted(p for p in corpus.rglob("*") if is_candidate(p)):
        rel = str(path.relative_to(corpus))
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise LoaderError(f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB limit)")
            raw = path.read_bytes()
            doc_hash = _file_hash(raw, cfg)
            prev = by_path.get(rel)
            if prev and prev.doc_hash == doc_hash:
                entry, chunks = prev, None
            else:
                doc = load_file(path, raw)
                chunks = chunk_document(doc, doc_hash, cfg)
                entry = DocEntry(doc.doc_id, rel, doc_hash, doc.title, doc.version, len(chunks),
                                 dict(doc.meta), list(doc.flags))
            if entry.doc_id in seen_ids:
                raise LoaderError(f"duplicate document id {entry.doc_id!r} (also in {seen_ids[entry.doc_id]})")
            seen_ids[entry.doc_id] = rel
        except LoaderError as exc:
            scan.skipped[rel] = str(exc)
            continue
        except OSError as exc:
            scan.skipped[rel] = f"unreadable file ({exc.strerror or type(exc).__name__})"
            continue
        if chunks is None:
            scan.unchanged[entry.doc_id] = entry
        else:
            scan.changed.append((entry, chunks))
    return scan


class Ingestor:
    """Brings the index in line with the corpus directory."""

    def __init__(self, store: ChromaStore, embedder: Embedder, cfg: ChunkConfig,
                 max_bytes: int, progress: Progress | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.cfg = cfg
        self.max_bytes = max_bytes
        self.progress = progress or (lambda stage, done, total: None)

    def run(self, corpus: Path) -> IngestReport:
        """One ingest; safe to kill at any moment and to re-run."""
        t0 = time.perf_counter()
        old = self.store.read_manifest()
        chunk_col, sent_col = self.store.collection_names(self.embedder.fingerprint)
        # a model change rebuilds everything, never mixes vectors
        old_for_diff = None if old and old.model != self.embedder.fingerprint else old
        scan = _scan(corpus, old_for_diff, self.cfg, self.max_bytes)
        report = IngestReport(skipped=dict(scan.skipped))
        new = self._new_manifest(old, scan, chunk_col, sent_col)
        if old is not None and not old.gc_pending and old.index_version == new.index_version:
            if old.skipped != new.skipped:
                old.skipped = new.skipped
                self.store.write_manifest(old)
            self._fill_report(report, old_for_diff, scan, old)
            report.seconds = time.perf_counter() - t0
            return report  # nothing to do: no chunk is read, embedded or written
        full_gc = old is None or old.gc_pending
        if old is not None:
            old.gc_pending = True  # a crash from here on leaves orphans: the next run sweeps them
            self.store.write_manifest(old)
        all_new = [c for _, chunks in scan.changed for c in chunks]
        report.chunks_embedded = self._write_chunks(all_new, chunk_col, sent_col)
        report.chunks_written = len(all_new)
        self.store.write_manifest(new)  # the commit point
        touched = {e.doc_id for e, _ in scan.changed} | (set(old.documents if old else ()) - set(new.documents))
        self._collect_garbage(new, old, touched, full_gc)
        self._fill_report(report, old_for_diff, scan, new)
        report.seconds = time.perf_counter() - t0
        return report

    def _write_chunks(self, chunks: list[Chunk], chunk_col: str, sent_col: str) -> int:
        """Store chunk and sentence vectors; returns how many texts were actually embedded."""
        if not chunks:
            return 0
        present = self.store.existing_ids(chunk_col, [c.chunk_id for c in chunks])
        todo = [c for c in chunks if c.chunk_id not in present]
        embedded = 0
        step = 256
        for i in range(0, len(todo), step):
            batch = todo[i:i + step]
            embedded += self._write_batch(batch, chunk_col, sent_col)
            self.progress("embed", min(i + step, len(todo)), len(todo))
        return embedded

    def _write_batch(self, batch: list[Chunk], chunk_col: str, sent_col: str) -> int:
        sent_ids: list[str] = []
        sent_texts: list[str] = []
        sent_meta: list[dict[str, Any]] = []
        for c in batch:
            for n, ((a, b), text) in enumerate(zip(c.sentences, c.sentence_texts())):
                # the heading travels with the sentence: "Is oral ketamine a lifelong treatment?" is
                # often what a patient asks, while the sentence alone never says "lifelong treatment"
                embed_text = f"{c.title} — {c.section}: {text}" if c.section else f"{c.title}: {text}"
                sent_ids.append(f"{c.chunk_id}#{n}")
                sent_texts.append(embed_text)
                sent_meta.append({"chunk_id": c.chunk_id, "doc_id": c.doc_id, "doc_hash": c.doc_hash,
                                  "start": a, "end": b, "content_hash": content_hash(embed_text)})
        chunk_vecs, n1 = self._embed_reusing(chunk_col, [c.embed_text() for c in batch],
                                             [c.content_hash for c in batch])
        sent_vecs, _ = self._embed_reusing(sent_col, sent_texts, [str(m["content_hash"]) for m in sent_meta])
        # sentences first: a chunk present in the store implies its sentences are too
        self.store.upsert(sent_col, sent_ids, sent_vecs, None, sent_meta)
        self.store.upsert(chunk_col, [c.chunk_id for c in batch], chunk_vecs, [c.text for c in batch],
                          [chunk_metadata(c) for c in batch])
        return n1

    def _embed_reusing(self, col: str, texts: list[str], hashes: list[str]) -> tuple[np.ndarray, int]:
        known = self.store.vectors_by_hash(col, hashes)
        missing = [i for i, h in enumerate(hashes) if h not in known]
        fresh = self.embedder.embed([texts[i] for i in missing])
        out = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        for i, h in enumerate(hashes):
            if h in known:
                out[i] = known[h]
        for j, i in enumerate(missing):
            out[i] = fresh[j]
        return out, len(missing)

    def _new_manifest(self, old: Manifest | None, scan: _Scan, chunk_col: str, sent_col: str) -> Manifest:
        docs = dict(scan.unchanged)
        docs.update({e.doc_id: e for e, _ in scan.changed})
        return Manifest(
            model=self.embedder.fingerprint, chunk_collection=chunk_col, sentence_collection=sent_col,
            documents=docs, skipped=dict(scan.skipped),
            approvals={k: v for k, v in (old.approvals if old else {}).items()
                       if k in docs and docs[k].doc_hash == v},
            gc_pending=True, updated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def _collect_garbage(self, new: Manifest, old: Manifest | None, touched: set[str], full: bool) -> None:
        """Delete records of document versions the manifest no longer serves, then clear the flag."""
        for col in (new.chunk_collection, new.sentence_collection):
            if full:
                self.store.delete_stale(col, new.documents)
            for doc_id in sorted(touched):
                entry = new.documents.get(doc_id)
                self.store.delete_doc_versions(col, doc_id, keep_hash=entry.doc_hash if entry else None)
        if old and old.chunk_collection != new.chunk_collection:
            self.store.drop_collection(old.chunk_collection)
            self.store.drop_collection(old.sentence_collection)
        new.gc_pending = False
        self.store.write_manifest(new)

    @staticmethod
    def _fill_report(report: IngestReport, old: Manifest | None, scan: _Scan, new: Manifest) -> None:
        old_docs = old.documents if old else {}
        for entry, _ in scan.changed:
            (report.updated if entry.doc_id in old_docs else report.added).append(entry.doc_id)
        report.unchanged = sorted(scan.unchanged)
        report.removed = sorted(set(old_docs) - set(new.documents))
        report.flagged = sorted(d for d, e in new.documents.items() if e.flags)
        report.chunks_total = sum(e.chunk_count for e in new.documents.values())
        report.index_version = new.index_version
