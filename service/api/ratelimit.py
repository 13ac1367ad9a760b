"""Per-client rate limiting with the `limits` storage and strategies that slowapi is built on."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from .errors import ApiError
from .limits import client_ip


class RateLimiter:
    """A moving window per client address. slowapi's decorator style does not fit our dependency-based
    routes, so its underlying `limits` library is used directly; the behaviour is the same."""

    def __init__(self, rate: str, trusted_proxies: list[str]) -> None:
        self._item = parse(rate)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._trusted = trusted_proxies

    def hit(self, request: Request) -> None:
        """Count a request; raise 429 with Retry-After when the client is over its limit."""
        key = client_ip(request, self._trusted)
        if self._limiter.hit(self._item, "public", key):
            return
        reset, _ = self._limiter.get_window_stats(self._item, "public", key)
        retry = max(1, math.ceil(reset - time.time()))
        raise ApiError(429, "rate_limited", "Too many requests; please wait a moment and try again.",
                       {"Retry-After": str(retry)})
