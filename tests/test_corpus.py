"""The sample corpus and the golden set: structure, sources, our own words, and topic coverage."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from .conftest import ROOT, SHARED

DOCS = sorted(p for p in (ROOT / "corpus").glob("*.md") if p.name != "README.md")
FIELDS = {"id", "title", "version", "reviewed_on", "approved_by", "audience", "sources", "url"}
GOLDEN = [json.loads(line) for line in (ROOT / "evals" / "golden.jsonl").read_text().splitlines() if line.strip()]


def test_corpus_size_and_front_matter() -> None:
    assert 15 <= len(DOCS) <= 25
    for path in DOCS:
        post = frontmatter.load(path)
        assert set(post.metadata) >= FIELDS, f"{path.name} misses {FIELDS - set(post.metadata)}"
        assert post.metadata["id"] == path.stem and post.metadata["sources"]
        assert "mg" not in post.content.lower().split(), f"{path.name} states a dose"


def test_corpus_is_in_our_own_words() -> None:
    tool = SHARED / "tools" / "overlap.py"
    if not tool.exists():
        pytest.skip("../shared is absent: the overlap check needs its sources")
    proc = subprocess.run([sys.executable, str(tool), str(ROOT / "corpus"), str(SHARED / "sources")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_golden_set_loads_and_is_consistent() -> None:
    answerable = [g for g in GOLDEN if g["outcome"] == "answered"]
    off = [g for g in GOLDEN if g["outcome"] == "not_found"]
    assert len(answerable) >= 100 and len(off) >= 60
    assert {g["split"] for g in GOLDEN} == {"dev", "test"}
    texts = {p.stem: p.read_text().lower() for p in DOCS}
    for g in answerable:
        assert g["expected_doc_ids"] and all(d in texts for d in g["expected_doc_ids"]), g["id"]
        assert any(g["key_phrase"].lower() in texts[d] for d in g["expected_doc_ids"]), g["id"]
    assert all(not g["expected_doc_ids"] for g in off)


TOPICS = [
    ("how is oral ketamine taken, as a lozenge at home", "what-is-oral-ketamine-therapy"),
    ("how does ketamine work on glutamate and neuroplasticity", "how-oral-ketamine-works"),
    ("oral versus IV ketamine bioavailability", "oral-vs-iv-ketamine"),
    ("meta-analysis of three randomized trials responders", "ketamine-response-and-remission"),
    ("when do people notice changes, weeks 2 to 6", "ketamine-treatment-timeline"),
    ("common side effects drowsiness dizziness nausea", "ketamine-side-effects"),
    ("what does dissociation feel like", "ketamine-dissociation"),
    ("FDA concerns about compounded ketamine and misuse", "ketamine-dependency-and-misuse"),
    ("who is oral ketamine for, treatment-resistant depression", "who-is-oral-ketamine-for"),
    ("contraindications high blood pressure psychosis", "ketamine-screening-and-safety"),
    ("preparing the room, support person, music for an at-home session", "preparing-for-at-home-session"),
    ("what is integration coaching", "integration-coaching"),
    ("start low go slow, how the dose is decided", "how-dosing-is-decided"),
    ("who to call in an emergency, 988", "contacting-your-care-team"),
]


@pytest.mark.slow
def test_every_topic_has_a_passage_that_answers_it(tmp_path: Path) -> None:
    from service.runtime import build_embedder, build_store, run_ingest
    from service.settings import Settings

    s = Settings(corpus_dir=ROOT / "corpus", data_dir=tmp_path / "data")
    emb = build_embedder(s)
    run_ingest(s, embedder=emb)
    from service.answering.retriever import HybridRetriever

    retriever = HybridRetriever(build_store(s), emb, s)
    for query, doc in TOPICS:
        top = [str(r.hit.meta["doc_id"]) for r in retriever.search(query, k=3)]
        assert doc in top, (query, top)
