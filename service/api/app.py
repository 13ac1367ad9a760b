"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from ..settings import Settings


def create_app(settings: Settings) -> FastAPI:
    """An app bound to these settings."""
    app = FastAPI(title="Cited", version="0.1.0")
    app.state.settings = settings

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
