"""Asyncio httpx load generator: N concurrent clients POST /v1/ask for a fixed time against 127.0.0.1.

Usage: python bench/loadgen.py --url http://127.0.0.1:8000 --concurrency 8 --duration 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlparse

import httpx
from common import percentile


@dataclass(frozen=True)
class LoadResult:
    """Throughput, latency percentiles (ms) and errors of one load run."""

    concurrency: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50: float
    p95: float
    p99: float


async def load(url: str, questions: Sequence[str], concurrency: int, duration: float) -> LoadResult:
    """Closed-loop load: each client sends its next question as soon as the previous answer arrives."""
    if urlparse(url).hostname != "127.0.0.1":
        raise ValueError("the load generator only sends traffic to 127.0.0.1")
    cycle = itertools.cycle(questions)
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        start = time.perf_counter()
        deadline = start + duration
        last = start

        async def worker() -> None:
            nonlocal errors, last
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    r = await client.post("/v1/ask", json={"question": next(cycle)})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                t1 = time.perf_counter()
                last = max(last, t1)
                if ok:
                    latencies.append((t1 - t0) * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = last - start
    done = len(latencies)
    return LoadResult(concurrency, elapsed, done + errors, errors, done / elapsed if elapsed else 0.0,
                      percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99))


def main() -> None:
    """Run one load and print the result as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--question", action="append", help="question(s) to cycle through")
    args = ap.parse_args()
    questions = args.question or ["what are the side effects of oral ketamine"]
    print(json.dumps(asdict(asyncio.run(load(args.url, questions, args.concurrency, args.duration)))))


if __name__ == "__main__":
    main()
