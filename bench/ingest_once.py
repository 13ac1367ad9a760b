"""One `run_ingest` with settings from CITED_* variables, in its own process; prints the report as JSON."""

from __future__ import annotations

import dataclasses
import json
import time

import common

from service.runtime import run_ingest
from service.settings import Settings


def main() -> None:
    """Ingest once with the bench's cached embedder and print the IngestReport plus wall time."""
    settings = Settings()
    common.seed_models(settings.data_dir)
    t0 = time.perf_counter()
    report = run_ingest(settings, embedder=common.embedder())
    out = dataclasses.asdict(report)
    out = {k: (len(v) if isinstance(v, list | dict) else v) for k, v in out.items()}
    out["wall_seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
