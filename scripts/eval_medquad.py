"""MedQuAD retrieval quality (dense, BM25, hybrid: recall@1/5/10, MRR@10) plus full and unchanged ingest times.

Usage: python scripts/eval_medquad.py [--limit N] [--json out.json] [--keep]
Data: <repo>/../shared/data/medquad/medquad_retrieval.jsonl (CC BY 4.0); skipped with a message when absent.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.answering.retriever import HybridRetriever  # noqa: E402
from service.runtime import build_embedder, build_store, run_ingest  # noqa: E402
from service.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "medquad"
ATTRIBUTION = ("Data: MedQuAD (Ben Abacha & Demner-Fushman, \"A question-entailment approach to question answering\", "
               "BMC Bioinformatics 2019; github.com/abachaa/MedQuAD), CC BY 4.0.")
CACHE = Path(os.environ.get("CITED_BENCH_CACHE", Path(tempfile.gettempdir()) / "cited-bench-cache"))
CUTOFFS = (1, 5, 10)
POOL = 50  # chunks retrieved per query before collapsing to documents
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")


def doc_id(row_id: str) -> str:
    """A valid Cited document id from a MedQuAD row id ('medquad:CDC:0000001-1' -> 'medquad-cdc-0000001-1')."""
    out = re.sub(r"[^a-z0-9._-]+", "-", row_id.lower()).strip("-._")
    if not _ID.match(out):
        raise ValueError(f"cannot make a document id of {row_id!r}")
    return out


def write_corpus(rows: Sequence[dict[str, Any]], corpus: Path) -> None:
    """One .txt per answer: the first line (the row's focus) is the title, then the answer."""
    corpus.mkdir(parents=True, exist_ok=True)
    for r in rows:
        title = " ".join(str(r["focus"]).split())[:120] or "MedQuAD"
        (corpus / f"{doc_id(r['id'])}.txt").write_text(f"{title}\n\n{r['answer']}\n", "utf-8")


def unique_docs(doc_ids: Sequence[str], n: int = max(CUTOFFS)) -> list[str]:
    """Document ranking from a chunk ranking (first occurrence wins)."""
    return list(dict.fromkeys(doc_ids))[:n]


def score(rankings: Sequence[list[str]], relevant: Sequence[str]) -> dict[str, float]:
    """Recall@k and MRR@10 of document rankings against one relevant document per query."""
    out = {f"recall@{k}": sum(rel in r[:k] for r, rel in zip(rankings, relevant)) / len(relevant) for k in CUTOFFS}
    out["MRR@10"] = sum(1 / (r.index(rel) + 1) if rel in r[:10] else 0.0
                        for r, rel in zip(rankings, relevant)) / len(relevant)
    return out


def evaluate(rows: Sequence[dict[str, Any]], settings: Settings) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Ingest the answers, then rank documents for every question with each retriever."""
    emb = build_embedder(Settings(data_dir=CACHE))  # the ONNX export is cached outside the repo's ./data
    t0 = time.perf_counter()
    report = run_ingest(settings, embedder=emb)
    full_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = run_ingest(settings, embedder=emb)
    again_s = time.perf_counter() - t0
    if report.skipped:
        print(f"skipped by the ingest: {report.skipped}", file=sys.stderr)
    retriever = HybridRetriever(build_store(settings), emb, settings)
    snap = retriever.snapshot()
    store = retriever.store
    questions = [r["question"] for r in rows]
    t0 = time.perf_counter()
    vectors = emb.embed(questions)
    embed_s = time.perf_counter() - t0

    def dense(i: int) -> list[str]:
        hits = store.query(snap.manifest.chunk_collection, vectors[i], POOL)
        return unique_docs([str(h.meta["doc_id"]) for h in hits if h.chunk_id in snap.by_id])

    def bm25(i: int) -> list[str]:
        return unique_docs([str(snap.chunks[p].meta["doc_id"]) for p, _ in snap.lexical.search(questions[i], POOL)])

    def hybrid(i: int) -> list[str]:
        found = retriever.search(questions[i], k=POOL, vector=vectors[i])
        return unique_docs([str(r.hit.meta["doc_id"]) for r in found])

    systems: dict[str, Callable[[int], list[str]]] = {"dense (Chroma)": dense, "BM25 (bm25s)": bm25,
                                                      "hybrid (RRF)": hybrid}
    relevant = [doc_id(r["id"]) for r in rows]
    subset = [i for i, r in enumerate(rows) if r.get("mental_health_or_drug")]
    results: dict[str, dict[str, float]] = {}
    for name, fn in systems.items():
        t0 = time.perf_counter()
        ranks = [fn(i) for i in range(len(rows))]
        ms = (time.perf_counter() - t0) / len(rows) * 1000
        results[name] = {**score(ranks, relevant), "ms/query": ms}
        if subset:
            results[f"{name}, mental-health/drug subset"] = score([ranks[i] for i in subset],
                                                                   [relevant[i] for i in subset])
    info = {"documents": len(rows), "chunks": report.chunks_total, "embedded": report.chunks_embedded,
            "full_ingest_s": full_s, "chunks_per_s": report.chunks_total / full_s, "reingest_s": again_s,
            "reingest_share": again_s / full_s, "reingest_embedded": again.chunks_embedded,
            "query_embed_ms": embed_s / len(rows) * 1000, "subset": len(subset),
            "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    return results, info


def markdown(results: dict[str, dict[str, float]], info: dict[str, Any]) -> str:
    """The results as Markdown tables, with the attribution line."""
    cols = [*(f"recall@{k}" for k in CUTOFFS), "MRR@10"]
    lines = [f"MedQuAD retrieval, {info['documents']} questions (subset: {info['subset']} mental-health/drug rows); "
             f"relevant = the question's own answer, judged by document id; {info['chunks']} chunks "
             f"(chunk_size {info['chunk_size']}, overlap {info['chunk_overlap']})", "",
             "| retriever | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for name, m in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{m[c]:.3f}" for c in cols) + " |")
    lines += ["", "| ingest | value |", "|---|---:|",
              f"| full ingest | {info['full_ingest_s']:.1f} s ({info['chunks']} chunks, {info['chunks_per_s']:.1f} "
              f"chunks/s; chunk and sentence vectors) |",
              f"| unchanged re-ingest | {info['reingest_s'] * 1000:.0f} ms ({info['reingest_share'] * 100:.3f} % of "
              f"full; {info['reingest_embedded']} embedded) |", "", ATTRIBUTION]
    return "\n".join(lines)


def main() -> int:
    """Run the evaluation in a temp directory and print the Markdown tables."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows (quick check)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the temp corpus and index")
    args = ap.parse_args()
    data = DATA / "medquad_retrieval.jsonl"
    if not data.exists():
        print(f"MedQuAD eval skipped: {data} not found (expected at <repo>/../shared/data/medquad).")
        return 0
    logging.getLogger("chromadb").setLevel(logging.ERROR)
    rows = [json.loads(line) for line in data.read_text("utf-8").splitlines() if line.strip()]
    rows = rows[:args.limit] if args.limit else rows
    work = Path(tempfile.mkdtemp(prefix="cited-medquad-"))
    try:
        write_corpus(rows, work / "corpus")
        settings = Settings(corpus_dir=work / "corpus", data_dir=work / "data")
        results, info = evaluate(rows, settings)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(markdown(results, info))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "ingest": info}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
