"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from ..._exceptions import CitedError

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive (no I/O, so it stays fast under load)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready"}})
async def readyz(request: Request) -> JSONResponse:
    """Model and index loaded, and the store answering."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        return JSONResponse({"ready": False, "reason": "starting"}, status_code=503)

    def check() -> tuple[bool, str, str]:
        if not engine.store.heartbeat():
            return False, "index store unreachable", ""
        try:
            return True, "", engine.retriever.snapshot().manifest.index_version
        except CitedError as exc:
            return False, str(exc), ""

    ok, reason, version = await run_in_threadpool(check)
    body = {"ready": ok, "index_version": version} if ok else {"ready": False, "reason": reason}
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus metrics."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
