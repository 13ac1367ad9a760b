"""pyinstrument profiles of answer_question and of a full ingest (clinic corpus), or of asks on a kept scale index.

Usage: python bench/profiling.py [--out bench/profiles] [--passes 5] [--outcomes answered,not_found]
       python bench/profiling.py --index /tmp/cited-bench-XXXX/scale-data-100k   (from `run.py --keep`)
Needs pyinstrument (`pip install pyinstrument`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import common
from pyinstrument import Profiler

from service.answering.engine import Engine, answer_question
from service.runtime import build_store, run_ingest
from service.settings import Settings


def _profile_asks(engine: Engine, questions: list[str], passes: int, out: Path) -> None:
    for q in questions[:5]:
        answer_question(engine, q)  # warm-up
    prof = Profiler(interval=0.0005)
    with prof:
        for _ in range(passes):
            for q in questions:
                answer_question(engine, q)
    out.write_text(prof.output_text(unicode=True, show_all=False), "utf-8")


def main() -> None:
    """Write text profiles (call trees with the time spent in each call)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=common.REPO / "bench" / "profiles")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--outcomes", default="answered,not_found,refused,crisis", help="question sets to profile")
    ap.add_argument("--index", type=Path, help="an existing scale data dir: profile MedQuAD asks against it")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    emb = common.embedder()
    if args.index:
        import scale

        engine = Engine(Settings(data_dir=args.index), build_store(Settings(data_dir=args.index)), emb)
        questions = list(dict.fromkeys(d.question for d in scale.augmented_corpus(1000, 200, 40)))[:40]
        _profile_asks(engine, questions, args.passes, args.out / f"answer_question_{args.index.name}.txt")
        print(f"profile written to {args.out}")
        return
    wanted = args.outcomes.split(",")
    with common.temp_root() as root:
        settings = Settings(corpus_dir=common.REPO / "corpus", data_dir=root / "data")
        prof = Profiler(interval=0.001)
        with prof:
            run_ingest(settings, embedder=emb)
        (args.out / "ingest.txt").write_text(prof.output_text(unicode=True, show_all=False), "utf-8")
        engine = Engine(settings, build_store(settings), emb)
        questions = [q for k, qs in common.questions_by_outcome(12).items() if k in wanted for q in qs]
        name = "answer_question" + ("" if len(wanted) == 4 else "_" + "_".join(wanted))
        _profile_asks(engine, questions, args.passes, args.out / f"{name}.txt")
    print(f"profiles written to {args.out}")


if __name__ == "__main__":
    main()
