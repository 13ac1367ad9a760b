"""Loaders for Markdown (with YAML front matter), plain text, HTML and PDF files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from .._exceptions import LoaderError
from ..domain.models import LoadedDocument
from .builder import DocumentBuilder
from .flags import instruction_flags
from .html_loader import parse_html
from .normalize import has_invisible

SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
SKIP_NAMES = {"readme.md", "readme.txt", "license", "license.md"}
_ID_OK = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")
_MD = MarkdownIt("commonmark").enable("table")


def slugify(name: str) -> str:
    """A document id from a file name."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return slug[:120] or "document"


def is_candidate(path: Path) -> bool:
    """Whether a path in the corpus directory is a document to ingest."""
    return path.is_file() and path.suffix.lower() in SUFFIXES and path.name.lower() not in SKIP_NAMES \
        and not path.name.startswith(".")


def read_text(raw: bytes) -> str:
    """Decode UTF-8 text, rejecting binary files."""
    if b"\x00" in raw[:8192]:
        raise LoaderError("binary content (NUL bytes), not a text document")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoaderError(f"not valid UTF-8 text (bad byte at offset {exc.start})") from None


def _inline_text(token: Any) -> str:
    """Plain text of a markdown-it inline token (emphasis, links and code unwrapped)."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "html_inline":
            continue
    return "".join(out)


def _markdown_body(body: str, builder: DocumentBuilder) -> list[str]:
    """Feed markdown blocks into the builder; returns flags for hidden content."""
    flags: list[str] = []
    tokens = _MD.parse(body)
    heading_level = 0
    for tok in tokens:
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
        elif tok.type == "inline":
            text = _inline_text(tok)
            if heading_level:
                builder.heading(heading_level, text)
            else:
                builder.block(text)
        elif tok.type == "heading_close":
            heading_level = 0
        elif tok.type in ("fence", "code_block"):
            builder.block(tok.content)
        elif tok.type == "html_block" and re.sub(r"<[^>]*>|\s", "", tok.content):
            flags.append("hidden_html")
    return flags


def load_markdown(path: Path, raw: bytes) -> LoadedDocument:
    """Markdown with optional YAML front matter."""
    text = read_text(raw)
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise LoaderError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from None
    meta = {k: v for k, v in post.metadata.items()}
    builder = DocumentBuilder()
    flags = _markdown_body(post.content, builder)
    first_h1 = next((s for s in re.findall(r"^#\s+(.+)$", post.content, re.M)), None)
    return _finish(path, builder, meta, first_h1, flags, text)


def load_text(path: Path, raw: bytes) -> LoadedDocument:
    """Plain text: the first short line is the title, blank lines separate paragraphs."""
    text = read_text(raw)
    lines = text.strip().splitlines()
    title = None
    if lines and 0 < len(lines[0].strip()) <= 120:
        title = lines[0].strip()
        text = "\n".join(lines[1:])
    builder = DocumentBuilder()
    for para in re.split(r"\n\s*\n", text):
        builder.block(para)
    return _finish(path, builder, {}, title, [], text)


def load_html(path: Path, raw: bytes) -> LoadedDocument:
    """HTML: visible text only; hidden elements are dropped and flagged."""
    builder = DocumentBuilder()
    title, flags = parse_html(read_text(raw), builder)
    return _finish(path, builder, {}, title, flags, "")


def load_pdf(path: Path, raw: bytes) -> LoadedDocument:
    """PDF via pypdf, one section per page so citations keep page numbers."""
    from .pdf_loader import parse_pdf

    builder = DocumentBuilder()
    title = parse_pdf(raw, builder)
    return _finish(path, builder, {}, title, [], "")


def _finish(path: Path, builder: DocumentBuilder, meta: dict[str, Any], title: str | None,
            flags: list[str], raw_text: str) -> LoadedDocument:
    text, sections = builder.build()
    if not text.strip():
        raise LoaderError("no readable text")
    doc_id = str(meta.get("id") or slugify(path.stem))
    if not _ID_OK.match(doc_id):
        raise LoaderError(f"invalid document id {doc_id!r} (use lowercase letters, digits, . _ -)")
    flags = list(flags) + instruction_flags(text)
    if has_invisible(raw_text):
        flags.append("invisible_characters")
    sources = meta.get("sources") or []
    str_meta = {k: str(meta[k]) for k in ("reviewed_on", "approved_by", "audience", "url") if meta.get(k)}
    if sources:
        str_meta["sources"] = "; ".join(str(s) for s in sources) if isinstance(sources, list) else str(sources)
    return LoadedDocument(
        doc_id=doc_id,
        title=str(meta.get("title") or title or path.stem),
        text=text,
        sections=sections,
        source_path=path.name,
        version=str(meta.get("version") or "1"),
        meta=str_meta,
        flags=tuple(sorted(set(flags))),
    )


LOADERS: dict[str, Callable[[Path, bytes], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}


def load_file(path: Path, raw: bytes) -> LoadedDocument:
    """Parse one file by its suffix; raises LoaderError with a readable reason."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoaderError(f"unsupported file type {path.suffix!r}")
    try:
        return loader(path, raw)
    except LoaderError:
        raise
    except Exception as exc:  # a parser bug or odd input must skip one file, not stop the ingest
        raise LoaderError(f"could not parse ({type(exc).__name__})") from exc
