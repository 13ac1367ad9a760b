"""Kill `cited ingest` with SIGKILL at random moments; check the index always serves a whole state.

Usage: python scripts/kill_soak.py [--trials 20] [--seed 1] [--corpus corpus] [--work DIR]
Exits 1 when any trial leaves a mixed or broken index, or a re-run does not complete it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.runtime import build_store  # noqa: E402
from service.settings import Settings  # noqa: E402


def make_states(src: Path, a: Path, b: Path) -> None:
    """State A is the corpus; state B changes 3 documents, removes 2 and adds 2."""
    docs = sorted(p for p in src.glob("*.md") if p.name.lower() != "readme.md")
    for d in (a, b):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for p in docs:
            shutil.copy(p, d / p.name)
    for p in docs[:3]:
        (b / p.name).write_text(p.read_text() + "\n\n## Added in version B\nThis section was added to test updates.\n")
    for p in docs[3:5]:
        (b / p.name).unlink()
    for i in range(2):
        (b / f"new-{i}.md").write_text(f"---\nid: new-doc-{i}\ntitle: New document {i}\n---\n# New {i}\n\n"
                                       + " ".join(f"New sentence {j} of document {i}." for j in range(40)))


def ingest(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "service.cli", "ingest"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_whole(settings: Settings, versions: set[str]) -> str:
    """Return the served index version after verifying every served document is complete."""
    store = build_store(settings)
    m = store.read_manifest()
    assert m is not None, "no manifest"
    assert m.index_version in versions, f"unknown index version {m.index_version}"
    counts: dict[str, int] = {}
    sentence_chunks: set[str] = set()
    for hit in store.iter_all(m.chunk_collection):
        if m.is_served(hit.meta["doc_id"], hit.meta["doc_hash"]):
            counts[hit.meta["doc_id"]] = counts.get(hit.meta["doc_id"], 0) + 1
    for _, meta in store.iter_meta(m.sentence_collection):
        sentence_chunks.add(str(meta["chunk_id"]))
    for doc_id, entry in m.served_docs().items():
        assert counts.get(doc_id, 0) == entry.chunk_count, f"{doc_id}: {counts.get(doc_id)} != {entry.chunk_count}"
    served_ids = [h.chunk_id for h in store.iter_all(m.chunk_collection)
                  if m.is_served(h.meta["doc_id"], h.meta["doc_hash"])]
    missing = [c for c in served_ids if c not in sentence_chunks]
    assert not missing, f"{len(missing)} served chunks lack sentence vectors"
    return m.index_version


def run(trials: int, seed: int, corpus: Path, work: Path) -> int:
    rng = random.Random(seed)
    a, b = work / "state-a", work / "state-b"
    make_states(corpus, a, b)
    env = dict(os.environ, CITED_DATA_DIR=str(work / "data"), HF_HUB_OFFLINE="1",
               PYTHONPATH=str(ROOT))
    settings = Settings(data_dir=work / "data")
    versions: dict[str, str] = {}
    timings = []
    for name, d in (("A", a), ("B", b), ("A", a)):
        env["CITED_CORPUS_DIR"] = str(d)
        t = time.perf_counter()
        assert ingest(env).wait() == 0, "baseline ingest failed"
        timings.append(time.perf_counter() - t)
        versions[name] = check_whole(settings, {build_store(settings).read_manifest().index_version})
    window = 0.95 * min(timings[1:])  # an A<->B ingest: kills land anywhere from start-up to commit
    failures = 0
    killed_count = 0
    for trial in range(trials):
        target = "B" if trial % 2 == 0 else "A"
        env["CITED_CORPUS_DIR"] = str(b if target == "B" else a)
        proc = ingest(env)
        delay = rng.uniform(0.2, window)
        time.sleep(delay)
        killed = proc.poll() is None
        killed_count += killed
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        try:
            after_kill = check_whole(settings, set(versions.values()))
            assert ingest(env).wait() == 0, "re-run failed"
            final = check_whole(settings, {versions[target]})
            m = build_store(settings).read_manifest()
            assert m is not None and not m.gc_pending, "re-run left cleanup pending"
            status = "ok"
        except AssertionError as exc:
            failures += 1
            after_kill, final, status = "?", "?", f"FAIL: {exc}"
        print(f"trial {trial + 1:2d}: kill at {delay:5.2f}s ({'killed' if killed else 'had finished'}), "
              f"served {after_kill} -> re-run {final} (target {target}): {status}", flush=True)
    print(f"{killed_count} of {trials} ingests were killed mid-run (the rest had finished)")
    print(f"{trials - failures} passed, {failures} failed")
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cited-soak-"))
    try:
        return run(args.trials, args.seed, args.corpus, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
