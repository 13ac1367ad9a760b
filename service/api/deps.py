"""Dependencies: the engine, the caller's role, auth guards, rate limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

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


def _presented_keys(request: Request) -> list[str]:
    """Every credential the request carries; a malformed Authorization header counts as an invalid one."""
    keys = []
    auth = request.headers.get("authorization")
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        keys.append(value.strip() if scheme.lower() == "bearer" else "\x00invalid")
    key = request.headers.get("x-api-key")
    if key is not None:
        keys.append(key)
    return keys


_RANK = {"anonymous": 0, "staff": 1, "admin": 2}


def get_role(request: Request, settings: Annotated[Settings, Depends(get_settings)]) -> Role:
    """The caller's role. Every credential presented must be valid (an invalid one is 401 on every route);
    with two, the lower role counts."""
    roles = [role_for(k or "\x00empty", settings.staff_key_hashes, settings.admin_key_hashes)
             for k in _presented_keys(request)]
    if any(r is None for r in roles):
        raise ApiError(401, "invalid_api_key", "The API key is not valid.", {"WWW-Authenticate": "Bearer"})
    valid = [r for r in roles if r is not None]
    return min(valid, key=_RANK.__getitem__) if valid else "anonymous"


# Declared so OpenAPI documents the schemes; the key itself is read (and hashed) in get_role.
_BEARER = HTTPBearer(auto_error=False, description="Staff or admin API key")
_API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="Staff or admin API key")
Documented = tuple[HTTPAuthorizationCredentials | None, str | None]


def _documented(bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
                key: Annotated[str | None, Security(_API_KEY)]) -> Documented:
    return bearer, key


def require_staff(role: Annotated[Role, Depends(get_role)], _: Annotated[Documented, Depends(_documented)]) -> Role:
    """Staff or admin."""
    if role == "anonymous":
        raise ApiError(401, "unauthorized", "A staff API key is required.", {"WWW-Authenticate": "Bearer"})
    return role


def require_admin(role: Annotated[Role, Depends(get_role)], _: Annotated[Documented, Depends(_documented)]) -> Role:
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
