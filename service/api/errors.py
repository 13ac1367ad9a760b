"""JSON errors with stable codes; never a stack trace or an exception's text."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .._exceptions import IndexUnavailableError, IngestLockedError
from ..answering.engine import InvalidQuestionError

log = logging.getLogger("cited.api")


class ApiError(Exception):
    """An error response with a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one shape of every error body."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               413: "payload_too_large", 415: "unsupported_media_type", 429: "rate_limited"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}")  # the input itself is never echoed: it may be a patient's words
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    """Map every exception to a JSON error body."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(InvalidQuestionError)
    async def _question(_: Request, exc: InvalidQuestionError) -> JSONResponse:
        return error_response(422, "invalid_question", str(exc))

    @app.exception_handler(IndexUnavailableError)
    async def _index(_: Request, exc: IndexUnavailableError) -> JSONResponse:
        return error_response(503, "index_unavailable",
                              "The document index is unavailable right now; please try again shortly.",
                              {"Retry-After": "10"})

    @app.exception_handler(IngestLockedError)
    async def _locked(_: Request, exc: IngestLockedError) -> JSONResponse:
        return error_response(409, "ingest_running", "Another ingest is running; try again when it finishes.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body" (e.g. invalid UTF-8): same as bad JSON
            return error_response(422, "invalid_request", "body: the request body is not valid UTF-8 JSON")
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, code.replace("_", " "), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", extra={"error_type": type(exc).__name__})
        return error_response(500, "internal_error", "Something went wrong on our side.")
