"""Assembles loader output (headings and text blocks) into normalized text with sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.models import Section
from .normalize import normalize_inline

BLOCK_SEP = "\n\n"


@dataclass
class DocumentBuilder:
    """Collects blocks in reading order; headings open sections, blocks fill them."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    sections: list[Section] = field(default_factory=list)
    _stack: list[tuple[int, str]] = field(default_factory=list)
    _open: tuple[str, int, int | None] | None = None  # path, start, page

    def _append(self, text: str) -> tuple[int, int]:
        if self.parts:
            self.parts.append(BLOCK_SEP)
            self.length += len(BLOCK_SEP)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def _close(self) -> None:
        if self._open is not None:
            path, start, page = self._open
            if self.length > start:
                self.sections.append(Section(path, start, self.length, page))
            self._open = None

    def heading(self, level: int, text: str, page: int | None = None) -> None:
        """Start a section under this heading (kept in the text, outside the section)."""
        text = normalize_inline(text)
        if not text:
            return
        self._close()
        self._append(text)
        self._stack = [(lv, t) for lv, t in self._stack if lv < level] + [(level, text)]
        path = " > ".join(t for lv, t in self._stack if lv > 1) or text
        self._open = (path, self.length + len(BLOCK_SEP), page)

    def block(self, text: str, page: int | None = None) -> None:
        """Add a paragraph, list item or cell to the current section."""
        text = normalize_inline(text)
        if not text:
            return
        if self._open is None:
            self._open = ("", self.length + (len(BLOCK_SEP) if self.parts else 0), page)
        elif page is not None and self._open[2] != page:
            path = self._open[0]
            self._close()
            self._open = (path, self.length + (len(BLOCK_SEP) if self.parts else 0), page)
        self._append(text)

    def build(self) -> tuple[str, tuple[Section, ...]]:
        """The normalized text and its sections."""
        self._close()
        return "".join(self.parts), tuple(self.sections)
