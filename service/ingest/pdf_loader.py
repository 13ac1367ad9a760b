"""PDF text by page with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .._exceptions import LoaderError
from .builder import DocumentBuilder


def parse_pdf(raw: bytes, builder: DocumentBuilder) -> str | None:
    """Feed each page's paragraphs to the builder; returns the PDF's title, if any."""
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoaderError("encrypted PDF (a password is needed)")
        title = reader.metadata.title if reader.metadata and reader.metadata.title else None
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            for para in text.split("\n\n") if "\n\n" in text else [text]:
                builder.block(para, page=number)
    except LoaderError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoaderError(f"unreadable PDF ({type(exc).__name__})") from None
    return str(title) if title else None
