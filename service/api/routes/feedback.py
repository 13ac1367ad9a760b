"""POST /v1/feedback: thumbs up/down and a reason code, tied to a request id."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from ..deps import EngineDep, MetricsDep, rate_limited
from ..schemas import ErrorOut, FeedbackAck, FeedbackRequest

router = APIRouter(prefix="/v1", tags=["feedback"])


@router.post("/feedback", response_model=FeedbackAck, status_code=201, dependencies=[Depends(rate_limited)],
             responses={422: {"model": ErrorOut}, 429: {"model": ErrorOut}, 503: {"model": ErrorOut}})
async def feedback(body: FeedbackRequest, engine: EngineDep, metrics: MetricsDep) -> FeedbackAck:
    """Record feedback in the shared store (no free text is accepted)."""
    await run_in_threadpool(engine.store.record_feedback, body.request_id, body.rating, body.reason)
    metrics.feedback.labels(rating=body.rating).inc()
    return FeedbackAck()
