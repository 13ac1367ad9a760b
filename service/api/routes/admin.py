"""POST /v1/admin/reindex (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from ...runtime import run_ingest
from ..deps import EngineDep, require_admin
from ..schemas import ErrorOut, ReindexReport

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/reindex", response_model=ReindexReport, dependencies=[Depends(require_admin)],
             responses={c: {"model": ErrorOut} for c in (401, 403, 409, 503)})
async def reindex(request: Request, engine: EngineDep) -> ReindexReport:
    """Run an ingest of the corpus directory and report its summary."""
    report = await run_in_threadpool(run_ingest, engine.settings, None, engine.store, engine.embedder)
    request.state.log_extra = {"index_version": report.index_version, "chunks": report.chunks_total}
    engine.retriever.invalidate()
    return ReindexReport(index_version=report.index_version, added=report.added, updated=report.updated,
                         removed=report.removed, unchanged=len(report.unchanged), skipped=report.skipped,
                         flagged=report.flagged, chunks_total=report.chunks_total, seconds=round(report.seconds, 2))
