"""Plain data types shared by ingestion, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A heading-delimited span of a document's normalized text."""

    path: str  # "Heading > Subheading"
    start: int
    end: int
    page: int | None = None


@dataclass(frozen=True)
class LoadedDocument:
    """A parsed source file: normalized text plus where its sections are."""

    doc_id: str
    title: str
    text: str
    sections: tuple[Section, ...]
    source_path: str
    version: str = "1"
    meta: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A passage of a document, with offsets of itself and of its sentences."""

    chunk_id: str
    doc_id: str
    title: str
    section: str
    page: int | None
    version: str
    url: str
    text: str
    start: int  # offsets in the document's normalized text
    end: int
    sentences: tuple[tuple[int, int], ...]  # offsets relative to `text`
    content_hash: str
    doc_hash: str

    def embed_text(self) -> str:
        """What the embedder sees: the passage with its title and section as context."""
        return f"{self.title} — {self.section}\n{self.text}" if self.section else f"{self.title}\n{self.text}"

    def sentence_texts(self) -> list[str]:
        """The chunk's sentences, verbatim."""
        return [self.text[a:b] for a, b in self.sentences]
