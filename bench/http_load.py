"""HTTP: `cited serve` and the naive LangChain server side by side under the same load at several concurrencies."""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path

import common
import langchain_baseline
from loadgen import LoadResult, load

from service.settings import Settings


def run(repeats: int, duration: float, levels: list[int], root: Path) -> list[common.Row]:
    """Both servers stay up; each repeat runs every level against one, then the other, in alternating order."""
    data, lc_data = root / "http-data", root / "http-langchain"
    settings = Settings(corpus_dir=common.REPO / "corpus", data_dir=data)
    common.ingest_subprocess(dict(os.environ, CITED_DATA_DIR=str(data), CITED_CORPUS_DIR=str(settings.corpus_dir)))
    chunks = common.corpus_chunks(settings)
    chunk_file = root / "http-chunks.jsonl"
    metas = [{"doc_id": c.doc_id, "title": c.title} for c in chunks]
    langchain_baseline.write_chunks(chunk_file, [c.text for c in chunks], metas, [c.chunk_id for c in chunks])
    questions = [q for qs in common.questions_by_outcome(25).values() for q in qs]
    random.Random(3).shuffle(questions)
    ours = common.cited_serve(data, settings.corpus_dir, root / "http-cited.log")
    port = common.free_port()
    base = common.start_server([sys.executable, str(common.REPO / "bench" / "baseline_server.py"), "--data-dir",
                                str(lc_data), "--chunks", str(chunk_file), "--port", str(port)],
                               dict(os.environ), "/healthz", root / "http-baseline.log", port)
    servers = {"cited": ours, "langchain": base}
    results: dict[tuple[str, int], list[LoadResult]] = {}
    try:
        for srv in servers.values():  # warm-up
            asyncio.run(load(srv.url, questions, 4, 3))
        for rep in range(repeats):
            for c in levels:
                order = list(servers) if rep % 2 == 0 else list(reversed(servers))
                for name in order:
                    res = asyncio.run(load(servers[name].url, questions, c, duration))
                    results.setdefault((name, c), []).append(res)
                    print(f"http {name} c={c}: {res}", file=sys.stderr, flush=True)
    finally:
        for srv in servers.values():
            srv.stop()
    return _rows(results, levels)


def _rows(results: dict[tuple[str, int], list[LoadResult]], levels: list[int]) -> list[common.Row]:
    rows = []
    for c in levels:
        o, b = results[("cited", c)], results[("langchain", c)]
        rps_o, rps_b = common.stat([r.rps for r in o]), common.stat([r.rps for r in b])
        p99_o, p99_b = common.stat([r.p99 for r in o]), common.stat([r.p99 for r in b])
        met = rps_o.median >= 2 * rps_b.median and p99_o.median <= p99_b.median
        rows.append(common.Row("http", f"c={c}: requests/s", rps_o.fmt(1, "req/s"),
                               f"LangChain: {rps_b.fmt(1, 'req/s')}", f"{rps_o.median / rps_b.median:.2f}x",
                               ">= 2x at equal or better p99", met))
        for q in ("p50", "p95", "p99"):
            so = common.stat([getattr(r, q) for r in o])
            sb = common.stat([getattr(r, q) for r in b])
            rows.append(common.Row("http", f"c={c}: {q}", so.fmt(0, "ms"), f"LangChain: {sb.fmt(0, 'ms')}",
                                   f"{so.median / sb.median:.2f}x"))
        errs_o, errs_b = sum(r.errors for r in o), sum(r.errors for r in b)
        rows.append(common.Row("http", f"c={c}: errors (all repeats)", str(errs_o), f"LangChain: {errs_b}", "", "0",
                               errs_o == 0))
    return rows
