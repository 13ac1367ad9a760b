"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..answering.engine import InvalidQuestionError, normalize_question
from ..domain.answer import PassageRef


class AskRequest(BaseModel):
    """A patient's question."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="1 to 1000 characters after normalization (Unicode NFKC, no control or "
                          "invisible characters, single spaces)", min_length=1, max_length=1000,
                          pattern=r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
    conversation_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")

    @field_validator("question")
    @classmethod
    def _normalized(cls, value: str) -> str:
        try:
            return normalize_question(value)
        except InvalidQuestionError as exc:
            raise ValueError(str(exc)) from None


FeedbackReason = Literal["helpful", "not_relevant", "incomplete", "hard_to_understand", "wrong_source", "other"]


class FeedbackRequest(BaseModel):
    """Thumbs up or down on an answer; no free text."""

    model_config = ConfigDict(extra="forbid")
    request_id: str = Field(pattern=r"^[a-f0-9]{32}$")
    rating: Literal["up", "down"]
    reason: FeedbackReason | None = None


class FeedbackAck(BaseModel):
    """Feedback was recorded."""

    status: Literal["recorded"] = "recorded"


class DocumentInfo(BaseModel):
    """A document as staff see it."""

    document_id: str
    title: str
    version: str
    source_path: str
    reviewed_on: str | None
    approved_by: str | None
    chunks: int
    flags: list[str]
    served: bool


class DocumentList(BaseModel):
    """The index's documents."""

    index_version: str
    documents: list[DocumentInfo]
    skipped: dict[str, str]


class PassageOut(PassageRef):
    """A cited passage with its document's metadata."""

    reviewed_on: str | None = None


class ReindexReport(BaseModel):
    """What an admin-triggered ingest did."""

    index_version: str
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: int
    skipped: dict[str, str]
    flagged: list[str]
    chunks_total: int
    seconds: float


class ErrorBody(BaseModel):
    """Every error: a stable code and a readable message."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """The error envelope."""

    error: ErrorBody
