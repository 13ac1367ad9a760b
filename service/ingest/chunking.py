"""Heading- and sentence-aware chunking with offsets into the normalized text."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import blingfire

from ..domain.models import Chunk, LoadedDocument, Section
from .builder import BLOCK_SEP

CHUNKER_VERSION = "3"


def content_hash(text: str) -> str:
    """Stable hash of a text (hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChunkConfig:
    """Chunk size and overlap, in characters."""

    size: int
    overlap: int

    def fingerprint(self) -> str:
        """Part of every document hash, so a config change re-chunks."""
        return f"chunker{CHUNKER_VERSION}:{self.size}:{self.overlap}"


def split_sentences(text: str, base: int, limit: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) of a block; over-long sentences are cut at spaces."""
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        _, offsets = blingfire.text_to_sentences_and_offsets(block.group())
        for a, b in offsets:
            spans.extend(_cut_long(block.group(), a, b, limit, base + block.start()))
    return spans


def _cut_long(text: str, a: int, b: int, limit: int, base: int) -> list[tuple[int, int]]:
    out = []
    while b - a > limit:
        cut = text.rfind(" ", a, a + limit)
        cut = cut if cut > a else a + limit
        out.append((base + a, base + cut))
        a = cut + 1 if text[cut:cut + 1] == " " else cut
    if b > a:
        out.append((base + a, base + b))
    return out


def _pack(spans: list[tuple[int, int]], cfg: ChunkConfig) -> list[list[tuple[int, int]]]:
    """Group consecutive sentences into chunks of at most cfg.size, overlapping by sentences."""
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for span in spans:
        if current and span[1] - current[0][0] > cfg.size:
            groups.append(current)
            tail: list[tuple[int, int]] = []
            for prev in reversed(current):
                if current[-1][1] - prev[0] > cfg.overlap or len(tail) + 1 >= len(current):
                    break
                tail.insert(0, prev)
            current = tail
            if current and span[1] - current[0][0] > cfg.size:
                current = []
        current.append(span)
    if current:
        groups.append(current)
    return groups


def chunk_document(doc: LoadedDocument, doc_hash: str, cfg: ChunkConfig) -> list[Chunk]:
    """Split a document into chunks that never cross a section boundary."""
    chunks: list[Chunk] = []
    sections = doc.sections or (Section("", 0, len(doc.text)),)
    for section in sections:
        body = doc.text[section.start:section.end]
        spans = split_sentences(body, section.start, cfg.size)
        for group in _pack(spans, cfg):
            chunks.append(_make_chunk(doc, doc_hash, section, group))
    return chunks


def _make_chunk(doc: LoadedDocument, doc_hash: str, section: Section,
                group: list[tuple[int, int]]) -> Chunk:
    start, end = group[0][0], group[-1][1]
    text = doc.text[start:end]
    digest = content_hash(f"{doc.title}\x1f{section.path}\x1f{text}")
    # the offset keeps ids unique when a document repeats a passage; reuse of vectors goes by `digest`
    id_part = content_hash(f"{digest}\x1f{start}")[:12]
    return Chunk(
        chunk_id=f"{doc.doc_id}:{doc_hash[:10]}:{id_part}",
        doc_id=doc.doc_id,
        title=doc.title,
        section=section.path,
        page=section.page,
        version=doc.version,
        url=doc.meta.get("url", ""),
        text=text,
        start=start,
        end=end,
        sentences=tuple((a - start, b - start) for a, b in group),
        content_hash=digest,
        doc_hash=doc_hash,
    )


__all__ = ["BLOCK_SEP", "ChunkConfig", "chunk_document", "content_hash", "split_sentences"]
