"""Shared helpers of the benchmarks: environment, temp dirs, model cache, servers, statistics, table rows."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
MEDQUAD = REPO.parent / "shared" / "data" / "medquad"
MEDQUAD_FILE = MEDQUAD / "medquad_retrieval.jsonl"
ATTRIBUTION = ("MedQuAD: Ben Abacha & Demner-Fushman, \"A question-entailment approach to question answering\", "
               "BMC Bioinformatics 2019 (github.com/abachaa/MedQuAD), CC BY 4.0.")
CACHE = Path(os.environ.get("CITED_BENCH_CACHE", Path(tempfile.gettempdir()) / "cited-bench-cache"))
HOST = "127.0.0.1"  # the only address any benchmark sends traffic to

logging.getLogger("chromadb").setLevel(logging.ERROR)

from service.domain.models import Chunk  # noqa: E402
from service.domain.protocols import Embedder  # noqa: E402
from service.runtime import build_embedder  # noqa: E402
from service.settings import Settings  # noqa: E402


@dataclass(frozen=True)
class Stat:
    """A median over repeated runs with its spread (min and max)."""

    median: float
    lo: float
    hi: float
    n: int

    def fmt(self, digits: int = 1, unit: str = "") -> str:
        """`median [min–max] unit`, or just the value for a single run."""
        core = f"{self.median:.{digits}f}"
        if self.n > 1:
            core += f" [{self.lo:.{digits}f}–{self.hi:.{digits}f}]"
        return f"{core} {unit}".strip()


def stat(values: Sequence[float]) -> Stat:
    """Median, min and max of the per-run values."""
    if not values:
        return Stat(float("nan"), float("nan"), float("nan"), 0)
    return Stat(statistics.median(values), min(values), max(values), len(values))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    section: str
    metric: str
    ours: str
    reference: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        """The Markdown cells of this row."""
        verdict = "" if self.met is None else ("yes" if self.met else "**no**")
        return [self.section, self.metric, self.ours, self.reference, self.ratio, self.target, verdict]


HEADER = ["part", "metric", "Cited", "comparison (same run)", "ratio", "target", "met"]


def markdown_table(rows: Sequence[Row]) -> str:
    """All rows as one Markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def embedder() -> Embedder:
    """The product's embedder (ONNX MiniLM), exported once into the bench cache, never into ./data."""
    return build_embedder(Settings(data_dir=CACHE))


def seed_models(data_dir: Path) -> None:
    """Put the cached ONNX export into a data dir so a served app does not export it again."""
    embedder()
    target = data_dir / "models"
    target.mkdir(parents=True, exist_ok=True)
    for f in (CACHE / "models").glob("*.onnx"):
        dest = target / f.name
        if not dest.exists():
            try:
                os.link(f, dest)
            except OSError:
                shutil.copy2(f, dest)


@contextmanager
def temp_root(keep: bool = False) -> Iterator[Path]:
    """A scratch directory for data dirs and corpora, removed afterwards unless kept."""
    root = Path(tempfile.mkdtemp(prefix="cited-bench-"))
    try:
        yield root
    finally:
        if keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def dir_bytes(path: Path, exclude: str = "models") -> int:
    """Bytes on disk under a directory (allocated blocks), without the model cache."""
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and exclude not in p.relative_to(path).parts:
            total += p.stat().st_blocks * 512
    return total


def rss_bytes(pid: int) -> tuple[int, int]:
    """Current and peak resident memory of a process (VmRSS, VmHWM)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)


@dataclass
class Server:
    """A server subprocess on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    port: int
    started_s: float

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        """Terminate the process this benchmark started (by its id) and wait for it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(cmd: list[str], env: dict[str, str], ready_path: str, log: Path, port: int,
                 timeout: float = 600.0) -> Server:
    """Start a server and wait until ready_path answers 200."""
    import httpx

    t0 = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO))
    server = Server(proc, port, 0.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{server.url}{ready_path}", timeout=5).status_code == 200:
                server.started_s = time.perf_counter() - t0
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"server not ready after {timeout:.0f}s; see {log}")


def cited_serve(data_dir: Path, corpus_dir: Path, log: Path, extra_env: dict[str, str] | None = None) -> Server:
    """`cited serve` on 127.0.0.1 with a temp data dir and the rate limit raised out of the way."""
    seed_models(data_dir)
    port = free_port()
    env = dict(os.environ, CITED_DATA_DIR=str(data_dir), CITED_CORPUS_DIR=str(corpus_dir),
               CITED_RATE_LIMIT="1000000/minute", CITED_HOST=HOST, CITED_PORT=str(port), **(extra_env or {}))
    cited = Path(sys.executable).parent / "cited"
    return start_server([str(cited), "serve", "--host", HOST, "--port", str(port)], env, "/readyz", log, port)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def questions_by_outcome(per_outcome: int) -> dict[str, list[str]]:
    """Questions of the clinic's eval sets for each expected outcome (answered, not_found, refused, crisis)."""
    golden = read_jsonl(REPO / "evals" / "golden.jsonl")
    safety = REPO / "evals" / "safety"
    out = {
        "answered": [g["question"] for g in golden if g["outcome"] == "answered" and not g.get("previous_question")],
        "not_found": [g["question"] for g in golden if g["outcome"] == "not_found"],
        "refused": _interleave([r["text"] for r in read_jsonl(safety / f) if r.get("split") == "test"]
                               for f in ("dosing.jsonl", "personal_advice.jsonl")),
        "crisis": [r["text"] for r in read_jsonl(safety / "crisis.jsonl") if r.get("split") == "test"],
    }
    return {k: v[:per_outcome] for k, v in out.items()}


def _interleave(lists: Iterator[list[str]]) -> list[str]:
    """Items of several lists taken in turn."""
    import itertools

    return [x for group in itertools.zip_longest(*lists) for x in group if x is not None]


def corpus_chunks(settings: Settings) -> list[Chunk]:
    """The chunks an ingest of settings.corpus_dir writes (same loaders and chunker, no store)."""
    from service.ingest.chunking import ChunkConfig, chunk_document
    from service.ingest.loaders import is_candidate, load_file

    cfg = ChunkConfig(settings.chunk_size, settings.chunk_overlap)
    out: list[Chunk] = []
    for path in sorted(p for p in settings.corpus_dir.rglob("*") if is_candidate(p)):
        raw = path.read_bytes()
        out += chunk_document(load_file(path, raw), hashlib.sha256(raw).hexdigest(), cfg)
    return out


def sentence_texts(chunks: Sequence[Chunk]) -> list[str]:
    """The sentence texts an ingest embeds for these chunks (heading + sentence, as the pipeline builds them)."""
    return [f"{c.title} — {c.section}: {t}" if c.section else f"{c.title}: {t}"
            for c in chunks for t in c.sentence_texts()]


def ingest_subprocess(env: dict[str, str]) -> dict[str, Any]:
    """Run bench/ingest_once.py with these CITED_* variables; returns its JSON report."""
    out = subprocess.run([sys.executable, str(REPO / "bench" / "ingest_once.py")], env=env,
                         capture_output=True, text=True, cwd=str(REPO))
    if out.returncode:
        raise RuntimeError(f"ingest failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
