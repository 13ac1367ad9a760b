"""In-process latency of answer_question per outcome, beside a plain LangChain retriever and the floor."""

from __future__ import annotations

import random
import time
from pathlib import Path

import common
import langchain_baseline

from service.answering.engine import Engine, answer_question
from service.runtime import build_store, run_ingest
from service.settings import Settings

OUTCOMES = ("answered", "not_found", "refused", "crisis")


def run(repeats: int, per_outcome: int, root: Path) -> list[common.Row]:
    """Ours, the LangChain retriever and the floor on the same questions, in the same process and run."""
    emb = common.embedder()
    settings = Settings(corpus_dir=common.REPO / "corpus", data_dir=root / "latency-data")
    run_ingest(settings, embedder=emb)
    store = build_store(settings)
    engine = Engine(settings, store, emb)
    manifest = engine.retriever.snapshot().manifest
    chunks = common.corpus_chunks(settings)
    lc = langchain_baseline.retriever(root / "latency-langchain", settings.resolved_model_path())
    langchain_baseline.index(lc, [c.text for c in chunks], [{"doc_id": c.doc_id, "title": c.title} for c in chunks],
                             [c.chunk_id for c in chunks])
    questions = [q for qs in common.questions_by_outcome(per_outcome).values() for q in qs]

    def ours(q: str) -> str:
        return answer_question(engine, q).outcome

    def langchain(q: str) -> str:
        lc.invoke(q)
        return ""

    def floor(q: str) -> str:
        store.query(manifest.chunk_collection, emb.embed_query(q), langchain_baseline.K)
        return ""

    pipelines = {"ours": ours, "langchain": langchain, "floor": floor}
    for q in questions[:6]:  # warm-up
        for fn in pipelines.values():
            fn(q)
    outcome_of = {q: ours(q) for q in questions}
    p50: dict[tuple[str, str], list[float]] = {}
    rng = random.Random(1)
    names = list(pipelines)
    for rep in range(repeats):
        # one pipeline at a time over all questions (order rotated per repeat): ONNX Runtime's and torch's
        # spinning worker threads would otherwise slow each other down on 2 cores
        order = rng.sample(questions, len(questions))
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            lat: dict[str, list[float]] = {}
            for q in order:
                t0 = time.perf_counter()
                pipelines[name](q)
                dt = (time.perf_counter() - t0) * 1000
                for bucket in (outcome_of[q], "all"):
                    lat.setdefault(bucket, []).append(dt)
            for bucket, values in lat.items():
                p50.setdefault((name, bucket), []).append(common.percentile(values, 50))
    rows = []
    counts = {o: sum(1 for q in questions if outcome_of[q] == o) for o in (*OUTCOMES, "all")}
    counts["all"] = len(questions)
    for bucket in (*OUTCOMES, "all"):
        if ("ours", bucket) not in p50:
            continue
        o, lcs, fl = (common.stat(p50[(n, bucket)]) for n in ("ours", "langchain", "floor"))
        metric = f"answer_question p50, {bucket} ({counts[bucket]} questions)"
        rows.append(common.Row("latency", metric + " vs LangChain", o.fmt(1, "ms"), f"LangChain: {lcs.fmt(1, 'ms')}",
                               f"{o.median / lcs.median:.2f}x", "<= 0.6x", o.median <= 0.6 * lcs.median))
        rows.append(common.Row("latency", metric + " vs floor", o.fmt(1, "ms"), f"floor: {fl.fmt(1, 'ms')}",
                               f"{o.median / fl.median:.2f}x", "<= 1.5x", o.median <= 1.5 * fl.median))
    return rows
