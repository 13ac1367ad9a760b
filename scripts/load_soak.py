"""Mixed traffic against a served app: 80% FAQ, 10% dosing, 5% crisis, 5% off-topic, at a fixed concurrency,
with a /healthz probe running throughout. Only 127.0.0.1 is ever targeted.

Usage: python scripts/load_soak.py [--seconds 60] [--concurrency 16] [--url URL]
Without --url it ingests corpus/ into a temp data dir and starts `cited serve` itself. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DOSING = ["how many mg should i take", "can i take an extra lozenge tonight", "what's the max dose",
          "i missed my dose, should i double up", "how often can i take it"]
CRISIS = ["i want to kill myself", "i took too many lozenges and can't breathe", "i don't want to wake up tomorrow"]
OFF_TOPIC = ["what's the capital of peru", "does insurance cover this", "best pizza near me",
             "how do i renew a passport"]


def faq_questions() -> list[str]:
    lines = (ROOT / "evals" / "golden.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [r["question"] for r in rows if r["outcome"] == "answered"] or ["what are the side effects?"]


def pick(rng: random.Random, faq: list[str]) -> tuple[str, str]:
    x = rng.random()
    if x < 0.80:
        return "faq", rng.choice(faq)
    if x < 0.90:
        return "dosing", rng.choice(DOSING)
    if x < 0.95:
        return "crisis", rng.choice(CRISIS)
    return "off_topic", rng.choice(OFF_TOPIC)


async def worker(client: httpx.AsyncClient, stop: float, rng: random.Random, faq: list[str],
                 stats: dict[str, list[float]], errors: list[str]) -> None:
    while time.monotonic() < stop:
        kind, q = pick(rng, faq)
        t0 = time.perf_counter()
        try:
            r = await client.post("/v1/ask", json={"question": q})
            ok = r.status_code == 200 and r.json()["outcome"] in ("answered", "refused", "crisis", "not_found")
            if not ok:
                errors.append(f"{kind}: HTTP {r.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{kind}: {type(exc).__name__}")
        stats.setdefault(kind, []).append(time.perf_counter() - t0)


async def probe(client: httpx.AsyncClient, stop: float, samples: list[float], errors: list[str]) -> None:
    while time.monotonic() < stop:
        t0 = time.perf_counter()
        try:
            r = await client.get("/healthz")
            if r.status_code != 200:
                errors.append(f"healthz: HTTP {r.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"healthz: {type(exc).__name__}")
        samples.append(time.perf_counter() - t0)
        await asyncio.sleep(0.05)


async def run(url: str, seconds: float, concurrency: int) -> int:
    faq = faq_questions()
    stats: dict[str, list[float]] = {}
    errors: list[str] = []
    health: list[float] = []
    limits = httpx.Limits(max_connections=concurrency + 2)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client, \
            httpx.AsyncClient(base_url=url, timeout=10) as prober:
        stop = time.monotonic() + seconds
        await asyncio.gather(probe(prober, stop, health, errors),
                             *(worker(client, stop, random.Random(i), faq, stats, errors) for i in range(concurrency)))
    total = sum(len(v) for v in stats.values())
    print(f"{total} requests in {seconds:.0f} s at concurrency {concurrency}: {total / seconds:.1f} req/s")
    for kind, xs in sorted(stats.items()):
        ms = np.array(xs) * 1000
        print(f"  {kind:9s} n={len(xs):5d} p50={np.percentile(ms, 50):7.1f} ms p99={np.percentile(ms, 99):7.1f} ms")
    hs = np.array(health) * 1000
    print(f"  /healthz  n={len(hs):5d} p50={np.percentile(hs, 50):7.1f} ms p99={np.percentile(hs, 99):7.1f} ms")
    print(f"errors: {len(errors)}" + (f" e.g. {errors[:5]}" if errors else ""))
    return 1 if errors else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, CITED_DATA_DIR=data_dir, CITED_CORPUS_DIR=str(ROOT / "corpus"),
               CITED_RATE_LIMIT="100000000/minute", HF_HUB_OFFLINE="1")
    subprocess.run([sys.executable, "-m", "service.cli", "ingest"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not become ready")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--url", default=None)
    args = ap.parse_args()
    if args.url:
        if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
            print("refusing to load anything but this machine")
            return 2
        return asyncio.run(run(args.url, args.seconds, args.concurrency))
    with tempfile.TemporaryDirectory(prefix="cited-load-") as data:
        proc, url = start_server(data)
        try:
            return asyncio.run(run(url, args.seconds, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
