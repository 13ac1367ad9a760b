"""`make bench`: ingestion, in-process latency, HTTP load and scale, printed as one Markdown table.

Usage: python bench/run.py [--only ingest,latency,http,scale] [--max-chunks 10000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path

import common

PARTS = ("ingest", "latency", "http", "scale")


def machine() -> str:
    """One line describing where the numbers were measured."""
    import os

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, no GPU, Python {platform.python_version()}, "
            f"load average at start {load[0]:.1f}")


def main() -> int:
    """Run the selected parts and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ", ".join(PARTS))
    ap.add_argument("--repeats", type=int, default=3, help="repeated runs behind each median")
    ap.add_argument("--questions", type=int, default=12, help="questions per outcome for in-process latency")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per HTTP load run")
    ap.add_argument("--concurrency", default="1,8,32", help="HTTP concurrency levels")
    ap.add_argument("--max-chunks", type=int, default=10_000, help="largest scale step (1k, 10k, 100k)")
    ap.add_argument("--scale-chunk-size", type=int, default=200, help="chunk size for the scale corpus")
    ap.add_argument("--scale-copies-above", type=int, default=0,
                    help="past this many chunks, add exact copies (vectors reused) instead of shuffled variants")
    ap.add_argument("--scale-questions", type=int, default=40, help="MedQuAD questions per scale pass")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    ap.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = ap.parse_args()
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s): {', '.join(sorted(unknown))}")
    head = machine()
    print(f"machine: {head}", file=sys.stderr, flush=True)
    rows: list[common.Row] = []
    t0 = time.perf_counter()
    with common.temp_root(args.keep) as root:
        if "ingest" in parts:
            import ingest

            rows += ingest.run(args.repeats, root)
        if "latency" in parts:
            import latency

            rows += latency.run(args.repeats, args.questions, root)
        if "http" in parts:
            import http_load

            levels = [int(c) for c in args.concurrency.split(",")]
            rows += http_load.run(args.repeats, args.duration, levels, root)
        if "scale" in parts:
            import scale

            rows += scale.run(args.max_chunks, args.scale_chunk_size, args.repeats, args.scale_questions, root,
                              args.scale_copies_above)
    minutes = (time.perf_counter() - t0) / 60
    print(f"\nCited benchmarks ({', '.join(parts)}; {args.repeats} repeats; {minutes:.1f} min)\n"
          f"machine: {head}\nfigures: median [min–max] over repeated runs; every comparison measured in the same run\n")
    print(common.markdown_table(rows))
    if "scale" in parts:
        print(f"\n{common.ATTRIBUTION}")
    if args.json:
        args.json.write_text(json.dumps({"machine": head, "rows": [asdict(r) for r in rows]}, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
