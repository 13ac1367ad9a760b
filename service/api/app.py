"""The FastAPI application factory: routes -> deps -> pipeline."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles

from ..adapters.llm import build_chat_model
from ..answering.conversation import ConversationMemory
from ..answering.engine import Engine
from ..domain.protocols import Embedder
from ..runtime import build_embedder, build_store
from ..settings import Settings
from .errors import install_error_handlers
from .limits import BodyLimitMiddleware
from .observability import Metrics, configure_logging
from .ratelimit import RateLimiter
from .routes import admin, ask, feedback, health, library

log = logging.getLogger("cited.api")
STATIC = Path(__file__).resolve().parent.parent / "static"


def _load_engine(settings: Settings, embedder: Embedder | None) -> Engine:
    engine = Engine(settings, build_store(settings), embedder or build_embedder(settings),
                    ConversationMemory(settings.conversation_ttl_seconds), build_chat_model(settings))
    _ = engine.triage  # the safety step must be loaded before the first question
    try:
        engine.retriever.snapshot()
    except Exception as exc:  # the index may come later (ingest job, Chroma restart); /readyz reports it
        log.warning("index not loaded at startup", extra={"error_type": type(exc).__name__})
    return engine


def create_app(settings: Settings, embedder: Embedder | None = None, configure_logs: bool = True) -> FastAPI:
    """An app bound to these settings (tests pass their own, and may pass a fake embedder)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = await run_in_threadpool(_load_engine, settings, embedder)
        yield

    if configure_logs:
        configure_logging(settings.log_level)
    docs = settings.docs_on()
    app = FastAPI(title="Cited", version="0.1.0", lifespan=lifespan,
                  description="Answers only with cited passages of a clinic's approved documents.",
                  openapi_url="/openapi.json" if docs else None, docs_url="/docs" if docs else None,
                  redoc_url=None)
    app.state.settings = settings
    app.state.engine = None
    app.state.metrics = Metrics()
    app.state.rate_limiter = RateLimiter(settings.rate_limit, settings.trusted_proxies)
    install_error_handlers(app)
    for module in (ask, library, feedback, admin, health):
        app.include_router(module.router)
    _install_middleware(app, settings)
    _install_static(app)
    return app


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = uuid.uuid4().hex
        request.state.log_extra = {}
        t0 = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")  # the template, never the concrete URL
        latency = time.perf_counter() - t0
        metrics: Metrics = request.app.state.metrics
        metrics.requests.labels(route=path, method=request.method, status=str(response.status_code)).inc()
        metrics.latency.labels(route=path).observe(latency)
        response.headers["X-Request-ID"] = request.state.request_id
        log.info("request", extra={"request_id": request.state.request_id, "route": path,
                                   "method": request.method, "status": response.status_code,
                                   "latency_ms": round(latency * 1000, 1), **request.state.log_extra})
        return response

    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=False,
                       allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Authorization", "X-API-Key"],
                       expose_headers=["X-Request-ID", "Retry-After"], max_age=600)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)


def _install_static(app: FastAPI) -> None:
    if not STATIC.is_dir():
        return

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        body = (STATIC / "widget.js").read_bytes()
        return Response(body, media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})

    @app.get("/", include_in_schema=False)
    async def demo() -> Response:
        return Response((STATIC / "demo.html").read_bytes(), media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
