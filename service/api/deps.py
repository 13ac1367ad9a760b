"""Dependencies: the engine, the caller's role, auth guards, rate limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..answering.engine import Engine
from ..settings import Settings
from .errors import ApiError
from .observability import Metrics
from .security import Role, role_for


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    """The loaded engine, or 503 while it is still loading."""
    engine = getattr(request.app.state, "engine", None)
    if engine is None:
        raise ApiError(503, "not_ready", "The service is starting; please try again shortly.", {"Retry-After": "5"})
    return engine


def get_metrics(request: Request) -> Metrics:
    """The app's metrics."""
    return request.app.state.metrics


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or None


def get_role(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Role:
    """The caller's role from its API key; an unknown key is 401 on every route."""
    role = role_for(_presented_key(request), settings.staff_key_hashes, settings.admin_key_hashes)
    if role is None:
        raise ApiError(401, "invalid_api_key", "The API key is not valid.", {"WWW-Authenticate": "Bearer"})
    return role


def require_staff(role: Annotated[Role, Depends(get_role)]) -> Role:
    """Staff or admin."""
    if role == "anonymous":
        raise ApiError(401, "unauthorized", "A staff API key is required.", {"WWW-Authenticate": "Bearer"})
    return role


def require_admin(role: Annotated[Role, Depends(get_role)]) -> Role:
    """Admin only."""
    if role == "anonymous":
        raise ApiError(401, "unauthorized", "An admin API key is required.", {"WWW-Authenticate": "Bearer"})
    if role != "admin":
        raise ApiError(403, "forbidden", "This route needs an admin API key.")
    return role


def rate_limited(request: Request) -> None:
    """Public routes: a fixed window per client (slowapi's limiter); 429 with Retry-After."""
    limiter = request.app.state.rate_limiter
    limiter.hit(request)


EngineDep = Annotated[Engine, Depends(get_engine)]
RoleDep = Annotated[Role, Depends(get_role)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
