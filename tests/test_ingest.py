"""Ingestion into real embedded Chroma with a fake embedder: incremental, idempotent, safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import IngestLockedError
from service.ingest.lock import writer_lock
from service.runtime import build_store, run_ingest
from service.settings import Settings

from .helpers import md_doc, write


def _corpus(settings: Settings, n: int = 3) -> None:
    for i in range(n):
        write(settings.corpus_dir / f"doc{i}.md",
              md_doc(f"doc{i}", f"Document {i}", f"## Topic {i}\nOral ketamine fact number {i} is stated here. "
                     f"Another sentence about subject {i} follows it."))


def _served_chunks(settings: Settings) -> dict[str, int]:
    store = build_store(settings)
    m = store.read_manifest()
    assert m is not None
    counts: dict[str, int] = {}
    for hit in store.iter_all(m.chunk_collection):
        if m.is_served(hit.meta["doc_id"], hit.meta["doc_hash"]):
            counts[hit.meta["doc_id"]] = counts.get(hit.meta["doc_id"], 0) + 1
    return counts


def test_first_ingest_then_noop(settings: Settings, fake_embedder) -> None:
    _corpus(settings)
    r1 = run_ingest(settings, embedder=fake_embedder)
    assert sorted(r1.added) == ["doc0", "doc1", "doc2"] and r1.chunks_embedded == r1.chunks_total > 0
    calls = fake_embedder.texts_embedded
    r2 = run_ingest(settings, embedder=fake_embedder)
    assert r2.unchanged == ["doc0", "doc1", "doc2"] and not (r2.added or r2.updated or r2.removed)
    assert fake_embedder.texts_embedded == calls, "an unchanged re-ingest must not embed anything"
    assert r2.index_version == r1.index_version


def test_changed_and_removed_documents_are_followed(settings: Settings, fake_embedder) -> None:
    _corpus(settings)
    r1 = run_ingest(settings, embedder=fake_embedder)
    write(settings.corpus_dir / "doc1.md", md_doc("doc1", "Document 1", "## Topic 1\nA new text replaces it."))
    (settings.corpus_dir / "doc2.md").unlink()
    r2 = run_ingest(settings, embedder=fake_embedder)
    assert r2.updated == ["doc1"] and r2.removed == ["doc2"] and r2.unchanged == ["doc0"]
    assert r2.index_version != r1.index_version
    store = build_store(settings)
    texts = [h.text for h in store.iter_all(store.read_manifest().chunk_collection)]
    assert any("new text" in t for t in texts)
    assert not any("fact number 1" in t or "fact number 2" in t for t in texts), "old chunks must disappear"
    assert set(_served_chunks(settings)) == {"doc0", "doc1"}


def test_unchanged_chunks_of_a_changed_document_are_not_reembedded(settings: Settings, fake_embedder) -> None:
    body = "\n\n".join(f"## S{i}\nSection {i} says something distinct about item {i}." for i in range(6))
    write(settings.corpus_dir / "big.md", md_doc("big", "Big", body))
    run_ingest(settings, embedder=fake_embedder)
    before = fake_embedder.texts_embedded
    write(settings.corpus_dir / "big.md", md_doc("big", "Big", body + "\n\n## S9\nOne more section is added."))
    r = run_ingest(settings, embedder=fake_embedder)
    assert r.updated == ["big"] and r.chunks_embedded == 1
    assert fake_embedder.texts_embedded - before == 2  # one chunk + its one sentence


def test_bad_files_are_skipped_and_the_rest_ingested(settings: Settings, fake_embedder) -> None:
    _corpus(settings, 2)
    write(settings.corpus_dir / "empty.md", b"")
    write(settings.corpus_dir / "junk.md", bytes(range(256)) * 8)
    write(settings.corpus_dir / "bad.txt", b"\xff\xfe\xfa broken")
    with open(settings.corpus_dir / "huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)
    dup = md_doc("doc0", "Duplicate", "Same id as another file.")
    write(settings.corpus_dir / "zz-dup.md", dup)
    r = run_ingest(settings, embedder=fake_embedder)
    assert sorted(r.added) == ["doc0", "doc1"]
    assert set(r.skipped) == {"empty.md", "junk.md", "bad.txt", "huge.txt", "zz-dup.md"}
    assert "too large" in r.skipped["huge.txt"] and "duplicate" in r.skipped["zz-dup.md"]
    assert build_store(settings).read_manifest().skipped == r.skipped


def test_model_change_rebuilds_without_mixing(settings: Settings, fake_embedder) -> None:
    _corpus(settings)
    run_ingest(settings, embedder=fake_embedder)
    old = build_store(settings).read_manifest()

    class Other(type(fake_embedder)):
        fingerprint = "other-model"

    other = Other()
    r = run_ingest(settings, embedder=other)
    assert sorted(r.added) == ["doc0", "doc1", "doc2"] and other.texts_embedded > 0
    m = build_store(settings).read_manifest()
    assert m.model == "other-model" and m.chunk_collection != old.chunk_collection
    names = {c.name for c in build_store(settings)._client.list_collections()}
    assert old.chunk_collection not in names


def test_second_writer_fails_fast(settings: Settings, fake_embedder) -> None:
    _corpus(settings, 1)
    with writer_lock(settings.data_dir), pytest.raises(IngestLockedError, match="already running"):
        run_ingest(settings, embedder=fake_embedder)


def test_failure_mid_write_keeps_previous_state_and_rerun_completes(settings: Settings, fake_embedder) -> None:
    _corpus(settings)
    r1 = run_ingest(settings, embedder=fake_embedder)
    write(settings.corpus_dir / "doc0.md", md_doc("doc0", "Document 0", "## T\nChanged content here."))
    write(settings.corpus_dir / "doc3.md", md_doc("doc3", "Document 3", "## T\nA brand new document."))

    class Full(type(fake_embedder)):
        def embed(self, texts):
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        run_ingest(settings, embedder=Full())
    m = build_store(settings).read_manifest()
    assert m.index_version == r1.index_version, "a failed ingest must leave the previous state serving"
    assert _served_chunks(settings) == {"doc0": 1, "doc1": 1, "doc2": 1}
    r3 = run_ingest(settings, embedder=fake_embedder)
    assert r3.updated == ["doc0"] and r3.added == ["doc3"]
    assert not build_store(settings).read_manifest().gc_pending


def test_missing_corpus_dir_is_a_clear_error(tmp_path: Path, fake_embedder) -> None:
    from service import IngestError

    s = Settings(corpus_dir=tmp_path / "nope", data_dir=tmp_path / "data")
    with pytest.raises(IngestError, match="corpus directory not found"):
        run_ingest(s, embedder=fake_embedder)


def test_a_document_that_repeats_a_passage_ingests(settings: Settings, fake_embedder) -> None:
    para = "Rest after the session and do not drive. " * 6
    write(settings.corpus_dir / "rep.md", md_doc("rep", "Repeats", f"## Same\n{para}\n\n{para}\n\n{para}"))
    r = run_ingest(settings, embedder=fake_embedder)
    assert r.added == ["rep"] and r.chunks_total >= 3
    assert _served_chunks(settings) == {"rep": r.chunks_total}
