"""Documents (staff) and cited passages (public)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from starlette.concurrency import run_in_threadpool

from ..deps import EngineDep, rate_limited, require_staff
from ..errors import ApiError
from ..schemas import DocumentInfo, DocumentList, ErrorOut, PassageOut

router = APIRouter(prefix="/v1", tags=["library"])


@router.get("/documents", response_model=DocumentList, dependencies=[Depends(require_staff)],
            responses={401: {"model": ErrorOut}, 503: {"model": ErrorOut}})
async def documents(engine: EngineDep) -> DocumentList:
    """Every indexed document with version, review date, chunk count, flags and whether it is served."""
    manifest = (await run_in_threadpool(engine.retriever.snapshot)).manifest
    docs = [
        DocumentInfo(document_id=d, title=e.title, version=e.version, source_path=e.source_path,
                     reviewed_on=e.meta.get("reviewed_on"), approved_by=e.meta.get("approved_by"),
                     chunks=e.chunk_count, flags=e.flags, served=manifest.is_served(d, e.doc_hash))
        for d, e in sorted(manifest.documents.items())
    ]
    return DocumentList(index_version=manifest.index_version, documents=docs, skipped=manifest.skipped)


@router.get("/passages/{chunk_id}", response_model=PassageOut, dependencies=[Depends(rate_limited)],
            responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}})
async def passage(engine: EngineDep,
                  chunk_id: str = Path(max_length=300, pattern=r"^[a-z0-9][a-z0-9._-]*:[0-9a-f]+:[0-9a-f]+$")
                  ) -> PassageOut:
    """A passage of a served document: the target of the widget's citation links."""
    snap = await run_in_threadpool(engine.retriever.snapshot)
    pos = snap.by_id.get(chunk_id)
    if pos is None:
        raise ApiError(404, "passage_not_found", "No served passage has this id.")
    hit = snap.chunks[pos]
    entry = snap.manifest.documents[str(hit.meta["doc_id"])]
    page = int(hit.meta.get("page", -1))
    return PassageOut(chunk_id=chunk_id, document_id=entry.doc_id, title=entry.title,
                      section=str(hit.meta.get("section", "")), page=page if page >= 0 else None,
                      version=entry.version, url=str(hit.meta.get("url", "")), passage=hit.text,
                      reviewed_on=entry.meta.get("reviewed_on"))
