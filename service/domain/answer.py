"""The answer contract shared by the API, the CLI and the evals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Outcome = Literal["answered", "refused", "crisis", "not_found"]


class PassageRef(BaseModel):
    """A passage of a served document version and where it comes from."""

    chunk_id: str
    document_id: str
    title: str
    section: str
    page: int | None
    version: str
    url: str
    passage: str


class Citation(PassageRef):
    """A cited passage; `quote` is `passage[start:end]`, verbatim."""

    n: int = Field(ge=1)
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    score: float


class Answer(BaseModel):
    """What the user is shown, in every outcome, and what backs it."""

    outcome: Outcome
    category: str | None = None
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    request_id: str
    index_version: str = ""
    debug: dict[str, Any] | None = Field(default=None, description="staff only: why this outcome")
