"""Chunking keeps offsets exact, respects sections and sizes, and overlaps by sentences."""

from __future__ import annotations

from pathlib import Path

from service.ingest.chunking import ChunkConfig, chunk_document
from service.ingest.loaders import load_file

from .helpers import md_doc

BODY = "\n\n".join(
    f"## Part {p}\n" + " ".join(f"Sentence {p}.{i} talks about topic {i} in plain words." for i in range(12))
    for p in range(3)
)


def _doc():
    return load_file(Path("d.md"), md_doc("d", "Doc", BODY).encode())


def test_chunks_are_verbatim_slices_within_one_section() -> None:
    doc = _doc()
    chunks = chunk_document(doc, "h" * 64, ChunkConfig(size=200, overlap=60))
    assert len(chunks) > 3
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert len(c.text) <= 200
        sec = next(s for s in doc.sections if s.path == c.section)
        assert sec.start <= c.start and c.end <= sec.end
        for a, b in c.sentences:
            assert c.text[a:b].startswith("Sentence") and c.text[a:b].endswith(".")


def test_chunks_cover_every_sentence_and_overlap() -> None:
    doc = _doc()
    chunks = chunk_document(doc, "h" * 64, ChunkConfig(size=200, overlap=60))
    covered = {(c.start + a, c.start + b) for c in chunks for a, b in c.sentences}
    assert len(covered) == 36
    same_section = [(x, y) for x, y in zip(chunks, chunks[1:]) if x.section == y.section]
    assert any(y.start < x.end for x, y in same_section)


def test_chunk_ids_are_document_plus_content_hash() -> None:
    doc = _doc()
    a = chunk_document(doc, "a" * 64, ChunkConfig(300, 0))
    b = chunk_document(doc, "a" * 64, ChunkConfig(300, 0))
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert all(c.chunk_id.startswith("d:") for c in a)
    assert len({c.chunk_id for c in a}) == len(a)


def test_overlong_sentence_is_cut_at_spaces() -> None:
    doc = load_file(Path("l.md"), md_doc("l", "L", "word " * 400).encode())
    chunks = chunk_document(doc, "h" * 64, ChunkConfig(size=150, overlap=0))
    assert all(len(c.text) <= 150 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks) == "word" * 400
