"""POST /v1/ask and its Server-Sent Events twin."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ...answering.engine import answer_question
from ...domain.answer import Answer
from ..deps import EngineDep, MetricsDep, RoleDep, rate_limited
from ..schemas import AskRequest, ErrorOut

router = APIRouter(prefix="/v1", tags=["ask"])
_ERRORS: dict[int | str, dict[str, object]] = {
    c: {"model": ErrorOut} for c in (401, 413, 422, 429, 503)
}


async def _answer(request: Request, body: AskRequest, engine: EngineDep, metrics: MetricsDep, role: RoleDep) -> Answer:
    rid = request.state.request_id
    # model and index work runs in the thread pool, so the event loop (and /healthz) stays responsive
    answer = await run_in_threadpool(answer_question, engine, body.question, body.conversation_id, rid)
    metrics.answers.labels(outcome=answer.outcome, category=answer.category or "").inc()
    metrics.set_index_version(answer.index_version)
    request.state.log_extra = {
        "outcome": answer.outcome, "category": answer.category, "index_version": answer.index_version,
        "cited_doc_ids": sorted({c.document_id for c in answer.citations}),
    }
    if role == "anonymous":
        answer.debug = None  # the decision trail is for staff
    return answer


@router.post("/ask", response_model=Answer, response_model_exclude_none=False, responses=_ERRORS,
             dependencies=[Depends(rate_limited)])
async def ask(request: Request, body: AskRequest, engine: EngineDep, metrics: MetricsDep, role: RoleDep) -> Answer:
    """Answer a question with cited passages, a refusal, crisis resources, or 'not covered'."""
    return await _answer(request, body, engine, metrics, role)


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _pieces(text: str) -> list[str]:
    """Split the answer into small pieces at word boundaries, keeping every character."""
    return re.findall(r"\S+\s*|\s+", text)


@router.post("/ask/stream", responses={200: {"content": {"text/event-stream": {}}}, **_ERRORS},
             dependencies=[Depends(rate_limited)])
async def ask_stream(request: Request, body: AskRequest, engine: EngineDep, metrics: MetricsDep,
                     role: RoleDep) -> StreamingResponse:
    """Server-Sent Events: `meta` (outcome) first, then `delta` pieces of text, `citations`, and `done`
    whose data is exactly the body POST /v1/ask returns."""
    answer = await _answer(request, body, engine, metrics, role)

    async def events() -> AsyncIterator[str]:
        yield _sse("meta", {"outcome": answer.outcome, "category": answer.category,
                            "request_id": answer.request_id, "index_version": answer.index_version})
        for piece in _pieces(answer.answer):
            yield _sse("delta", {"text": piece})
        yield _sse("citations", [c.model_dump() for c in answer.citations])
        yield _sse("done", answer.model_dump(mode="json"))

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
