"""Where eval questions go: the in-process engine, or a running server over HTTP."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

import httpx

from ..answering.engine import Engine, answer_question


class Target(Protocol):
    """Something that answers questions like POST /v1/ask."""

    def ask(self, question: str, conversation_id: str | None) -> dict[str, Any]:
        """The answer contract as a dict."""
        ...

    def retrieve(self, question: str, k: int) -> list[str] | None:
        """Document ids of the top-k retrieved chunks, best first (None if not observable)."""
        ...


class EngineTarget:
    """answer_question in this process: the same entry point as the API and the CLI."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ask(self, question: str, conversation_id: str | None) -> dict[str, Any]:
        return answer_question(self.engine, question, conversation_id).model_dump(mode="json")

    def retrieve(self, question: str, k: int) -> list[str] | None:
        return [str(r.hit.meta.get("doc_id")) for r in self.engine.retriever.search(question, k=k)]


class HttpTarget:
    """A deployment, through POST /v1/ask (a staff key, if given, returns the decision trail)."""

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)

    def ask(self, question: str, conversation_id: str | None) -> dict[str, Any]:
        r = self.client.post("/v1/ask", json={"question": question,
                                              "conversation_id": conversation_id or uuid.uuid4().hex[:16]})
        if r.status_code == 429:
            raise RuntimeError("rate limited: raise CITED_RATE_LIMIT on the target or use a staff key")
        r.raise_for_status()
        return dict(r.json())

    def retrieve(self, question: str, k: int) -> list[str] | None:
        return None  # not exposed over HTTP: retrieval metrics come from citations
