"""Ingestion: chunks/s of a full ingest against raw encode throughput on the same texts; unchanged re-ingest."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import common

from service.runtime import run_ingest
from service.settings import Settings


def run(repeats: int, root: Path) -> list[common.Row]:
    """Full ingest, unchanged re-ingest and raw encodes of the clinic corpus, interleaved in each repeat."""
    emb = common.embedder()
    base = Settings(corpus_dir=common.REPO / "corpus", data_dir=root / "ingest-probe")
    chunks = common.corpus_chunks(base)
    chunk_texts = [c.embed_text() for c in chunks]
    sentences = common.sentence_texts(chunks)
    emb.embed(chunk_texts[:8])  # warm-up
    full, again, raw, raw_all = [], [], [], []
    for i in range(repeats):
        settings = base.model_copy(update={"data_dir": root / f"ingest-{i}"})
        t0 = time.perf_counter()
        report = run_ingest(settings, embedder=emb)
        full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        again_report = run_ingest(settings, embedder=emb)
        again.append(time.perf_counter() - t0)
        if again_report.chunks_embedded or report.chunks_total != len(chunks):
            print(f"ingest: unexpected report {report} / {again_report}", file=sys.stderr)
        t0 = time.perf_counter()
        emb.embed(chunk_texts)
        raw.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        emb.embed(sentences)
        raw_all.append(raw[-1] + time.perf_counter() - t0)
    n = len(chunks)
    ingest_cps = common.stat([n / s for s in full])
    raw_cps = common.stat([n / s for s in raw])
    all_cps = common.stat([n / s for s in raw_all])
    share = common.stat([a / f * 100 for a, f in zip(again, full)])
    label = f"clinic corpus, {n} chunks + {len(sentences)} sentences"
    return [
        common.Row("ingest", f"full ingest ({label})", ingest_cps.fmt(1, "chunks/s"),
                   f"raw encode of the chunk texts: {raw_cps.fmt(1, 'chunks/s')}",
                   f"{ingest_cps.median / raw_cps.median:.2f}x", ">= 0.9x", ingest_cps.median >= 0.9 * raw_cps.median),
        common.Row("ingest", "full ingest vs raw encode of every text it embeds (chunks + sentences)",
                   ingest_cps.fmt(1, "chunks/s"), f"raw encode: {all_cps.fmt(1, 'chunks/s')}",
                   f"{ingest_cps.median / all_cps.median:.2f}x"),
        common.Row("ingest", "unchanged re-ingest", common.stat([s * 1000 for s in again]).fmt(1, "ms"),
                   f"full ingest: {common.stat(full).fmt(2, 's')}", f"{share.fmt(3)} %", "< 2 %", share.median < 2),
    ]
