"""Scale: MedQuAD augmented to N chunks; ingest time, disk size, server RSS and ask p50 at each size."""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import blingfire
import common
import httpx

from service.ingest.chunking import ChunkConfig, chunk_document
from service.ingest.loaders import load_text

STEPS = (1_000, 10_000, 100_000)
GIB = 1024 ** 3


@dataclass(frozen=True)
class ScaleDoc:
    """One document of the augmented corpus."""

    doc_id: str
    title: str
    text: str
    question: str
    chunks: int


def _doc_id(row_id: str) -> str:
    return row_id.lower().replace(":", "-")


def _shuffled(text: str, seed: str) -> str:
    """The answer's sentences in a seeded random order (same sentences, new passages)."""
    sentences = [s for s in blingfire.text_to_sentences(text).split("\n") if s.strip()]
    random.Random(seed).shuffle(sentences)
    return " ".join(sentences)


def _count_chunks(doc_id: str, title: str, text: str, cfg: ChunkConfig) -> int:
    """Chunks of a document; 0 when two chunks share an id (a repeated passage makes the ingest fail)."""
    doc = load_text(Path(f"{doc_id}.txt"), f"{title}\n\n{text}".encode())
    ids = [c.chunk_id for c in chunk_document(doc, "0" * 64, cfg)]
    return len(ids) if len(ids) == len(set(ids)) else 0


def augmented_corpus(max_chunks: int, chunk_size: int, overlap: int, copies_above: int = 0) -> list[ScaleDoc]:
    """MedQuAD answers, then shuffled-sentence variants (past copies_above chunks: exact copies), to max_chunks."""
    # Exact copies under new ids reuse every chunk and sentence vector by content hash: a cheap way to reach 100k
    # records on a slow machine, at the price of an index that holds each passage several times.
    rows = common.read_jsonl(common.MEDQUAD_FILE)
    random.Random(7).shuffle(rows)
    cfg = ChunkConfig(chunk_size, overlap)
    docs: list[ScaleDoc] = []
    total = 0
    variant = 0
    while total < max_chunks and not (copies_above and total >= copies_above):
        for r in rows:
            doc_id = _doc_id(r["id"]) + (f"-v{variant}" if variant else "")
            title = " ".join(str(r["focus"]).split())[:120] or "MedQuAD"
            text = r["answer"] if not variant else _shuffled(r["answer"], doc_id)
            n = _count_chunks(doc_id, title, text, cfg)
            if not n:
                continue
            docs.append(ScaleDoc(doc_id, title, text, r["question"], n))
            total += n
            if total >= max_chunks or (copies_above and total >= copies_above):
                break
        variant += 1
    originals = list(docs)
    copy = 0
    while total < max_chunks:
        copy += 1
        for d in originals:
            docs.append(ScaleDoc(f"{d.doc_id}-c{copy}", d.title, d.text, d.question, d.chunks))
            total += d.chunks
            if total >= max_chunks:
                break
    return docs


def _write(corpus: Path, docs: list[ScaleDoc]) -> None:
    for d in docs:
        (corpus / f"{d.doc_id}.txt").write_text(f"{d.title}\n\n{d.text}\n", "utf-8")


def _ask_pass(client: httpx.Client, questions: list[str]) -> tuple[list[float], dict[str, int]]:
    lat: list[float] = []
    outcomes: dict[str, int] = {}
    for q in questions:
        t0 = time.perf_counter()
        r = client.post("/v1/ask", json={"question": q})
        dt = time.perf_counter() - t0
        outcome = r.json().get("outcome", f"http_{r.status_code}") if r.status_code == 200 else f"http_{r.status_code}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome in ("answered", "not_found"):  # full retrieval + composition; triage-only answers excluded
            lat.append(dt)
    return lat, outcomes


def run(max_chunks: int, chunk_size: int, passes: int, n_questions: int, root: Path,
        copies_above: int = 0) -> list[common.Row]:
    """Grow one index by incremental ingests, keep a copy at each size, then measure all sizes side by side."""
    if not common.MEDQUAD_FILE.exists():
        print(f"scale: skipped, MedQuAD not found at {common.MEDQUAD} (expected <repo>/../shared/data/medquad)",
              file=sys.stderr)
        return [common.Row("scale", "MedQuAD scale", "skipped: data absent")]
    overlap = max(0, chunk_size // 5)
    steps = sorted({s for s in STEPS if s <= max_chunks} | {max_chunks})
    docs = augmented_corpus(max_chunks, chunk_size, overlap, copies_above)
    data, corpus = root / "scale-data", root / "scale-corpus"
    corpus.mkdir(parents=True)
    chunk_env = {"CITED_CHUNK_SIZE": str(chunk_size), "CITED_CHUNK_OVERLAP": str(overlap)}
    env = dict(os.environ, CITED_DATA_DIR=str(data), CITED_CORPUS_DIR=str(corpus), **chunk_env)
    results: list[dict[str, Any]] = []
    written, planned, cumulative = 0, 0, 0.0
    for step in steps:
        upto = written
        while upto < len(docs) and planned < step:
            planned += docs[upto].chunks
            upto += 1
        _write(corpus, docs[written:upto])
        written = upto
        rep = common.ingest_subprocess(env)
        cumulative += rep["wall_seconds"]
        snap = data if step == steps[-1] else root / f"scale-data-{step}"
        if snap != data:
            shutil.copytree(data, snap)
        results.append({"step": step, "chunks": rep["chunks_total"], "docs": written, "ingest_s": rep["wall_seconds"],
                        "embedded": rep["chunks_embedded"], "cumulative_s": cumulative,
                        "disk_bytes": common.dir_bytes(snap), "data": snap})
        print(f"scale ingest {step}: {results[-1]}", file=sys.stderr, flush=True)
    first_docs = next(r["docs"] for r in results)
    questions = list(dict.fromkeys(d.question for d in docs[:first_docs]))[:n_questions]
    _measure(results, corpus, chunk_env, questions, passes, root)
    return _rows(results, chunk_size)


def _measure(results: list[dict[str, Any]], corpus: Path, chunk_env: dict[str, str], questions: list[str],
             passes: int, root: Path) -> None:
    """Serve each size from its own `cited serve`; every pass asks all sizes the same questions in turn."""
    servers = []
    try:
        for res in results:
            servers.append(common.cited_serve(res["data"], corpus, root / f"serve-{res['step']}.log", chunk_env))
            res["startup_s"] = servers[-1].started_s
        clients = [httpx.Client(base_url=s.url, timeout=120) for s in servers]
        for c in clients:
            _ask_pass(c, questions[:5])  # warm-up
        p50s: list[list[float]] = [[] for _ in servers]
        rss: list[list[float]] = [[] for _ in servers]
        outcomes: list[dict[str, int]] = [{} for _ in servers]
        for n in range(passes):
            for i in (range(len(servers)) if n % 2 == 0 else reversed(range(len(servers)))):
                lat, oc = _ask_pass(clients[i], questions)
                p50s[i].append(common.percentile(lat, 50) * 1000)
                rss[i].append(common.rss_bytes(servers[i].proc.pid)[0])
                for k, v in oc.items():
                    outcomes[i][k] = outcomes[i].get(k, 0) + v
        for i, res in enumerate(results):
            res.update(p50_ms=common.stat(p50s[i]), rss=common.stat(rss[i]),
                       peak_rss=common.rss_bytes(servers[i].proc.pid)[1], outcomes=outcomes[i])
            print(f"scale serve {res['step']}: {res}", file=sys.stderr, flush=True)
        for c in clients:
            c.close()
    finally:
        for s in servers:
            s.stop()


def _rows(results: list[dict[str, Any]], chunk_size: int) -> list[common.Row]:
    rows: list[common.Row] = []
    first = results[0]
    for res in results:
        label = f"{res['chunks']:,} chunks ({res['docs']:,} docs, chunk_size {chunk_size})"
        rows.append(common.Row("scale", f"{label}: ingest (this step; cumulative)",
                               f"{res['ingest_s']:.0f} s ({res['embedded']:,} chunks embedded); "
                               f"{res['cumulative_s']:.0f} s"))
        rows.append(common.Row("scale", f"{label}: size on disk", f"{res['disk_bytes'] / 2**20:.0f} MiB"))
        rss_ok = res["peak_rss"] <= 1.5 * GIB
        rows.append(common.Row("scale", f"{label}: server RSS after asks (peak)",
                               f"{res['rss'].median / 2**20:.0f} MiB ({res['peak_rss'] / 2**20:.0f} MiB)",
                               target="<= 1.5 GiB", met=rss_ok))
        ratio = res["p50_ms"].median / first["p50_ms"].median
        is_last = res is results[-1] and len(results) > 1
        rows.append(common.Row(
            "scale", f"{label}: ask p50 over HTTP, c=1 (startup {res['startup_s']:.0f} s)", res["p50_ms"].fmt(1, "ms"),
            f"{first['p50_ms'].median:.1f} ms at {first['chunks']:,}" if res is not first else "",
            f"{ratio:.2f}x" if res is not first else "", "<= 1.5x p50 at 1k" if is_last else "",
            ratio <= 1.5 if is_last else None))
    return rows
