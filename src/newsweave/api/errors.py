"""The API's one error envelope, built by one helper for every error the API returns.

Every error answer, whatever raised it (an unknown route, a validation failure, a missing token,
a body over the limit, one of our errors, a bug), has the same JSON shape::

    {"error": {"code": "not_found", "message": "no story 's-1' in the store ...", "detail": null}}

``code`` is a stable machine-readable word, ``message`` says what is wrong and what to do,
``detail`` is extra structure (the field errors of a 422) or null. tests/service pins it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsweave.errors import InputError, NewsweaveError, NotFoundError, OptionError, StoreError
from newsweave.fetch import FetchError, UnsafeURLError

__all__ = [
    "ApiError",
    "error_body",
    "error_response",
    "hide_path",
    "install_error_handlers",
    "public_message",
]

log = logging.getLogger("newsweave.api")

# Status -> code for errors raised as plain HTTP errors (routing, method, framework).
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal",
    502: "fetch_failed",
    503: "unavailable",
}


# An absolute filesystem path (not the path part of a URL, which follows a host name).
_PATH = re.compile(r"(?<![\w.:/~-])(?:~|/)[^\s'\"`;,()]+")
# A clause that tells a shell user what to type: no use to an HTTP client.
_CLI_HINT = re.compile(
    r"\bnewsweave [a-z]+\b|NEWSWEAVE_[A-Z]+|(?<![\w-])--[a-z][\w-]*|open_store\("
)


_KNOWN_PATHS: list[str] = []


def hide_path(path: str) -> None:
    """Never show ``path`` (the store's file, say) to a client, spaces and all."""
    if path and path not in _KNOWN_PATHS:
        _KNOWN_PATHS.append(path)
        _KNOWN_PATHS.sort(key=len, reverse=True)


def public_message(message: str) -> str:
    """``message`` fit for an HTTP client: no filesystem path of the server and no clause
    that only makes sense at the server's command line.

    >>> public_message("no story 's-1' in the store at /srv/x.sqlite; newsweave stories lists")
    "no story 's-1' in the store"
    """
    clauses = [c for c in message.split("; ") if not _CLI_HINT.search(c)] or [message]
    text = "; ".join(clauses)
    for known in _KNOWN_PATHS:
        text = text.replace(known, "\x00")
    text = _PATH.sub("\x00", text)
    text = re.sub(r" (?:at|in) \x00", "", text)
    return text.replace("\x00", "(a path on the server)")


class ApiError(Exception):
    """An error the API answers with ``status`` and the envelope; raised by the routes."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers


def error_body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The envelope itself: ``{"error": {"code", "message", "detail"}}``."""
    return {"error": {"code": code, "message": message, "detail": detail}}


def error_response(
    status: int,
    code: str,
    message: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one place an error response is made."""
    return JSONResponse(error_body(code, message, detail), status_code=status, headers=headers)


def _ours(exc: NewsweaveError) -> tuple[int, str]:
    """HTTP status and code for each of our errors (most specific first)."""
    if isinstance(exc, NotFoundError):
        return 404, "not_found"
    if isinstance(exc, UnsafeURLError):
        return 422, "unsafe_url"
    if isinstance(exc, FetchError):
        return 502, "fetch_failed"
    if isinstance(exc, InputError | OptionError):
        return 422, "invalid_input"
    if isinstance(exc, StoreError):
        return 503, "store_unavailable"
    return 500, "internal"


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "where": ".".join(str(p) for p in err.get("loc", ())),
            "problem": str(err.get("msg", "")),
        }
        for err in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure through :func:`error_response`."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.detail, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"no such path: {request.url.path}; the API is described at /docs"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, message, None, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        first = errors[0] if errors else {"where": "request", "problem": "invalid"}
        message = f"invalid request: {first['where']}: {first['problem']}"
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more)"
        return error_response(422, "invalid_request", message, errors)

    @app.exception_handler(NewsweaveError)
    async def _newsweave(request: Request, exc: NewsweaveError) -> JSONResponse:
        status, code = _ours(exc)
        if status >= 500 and code == "internal":
            log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return error_response(status, code, public_message(str(exc)))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return error_response(
            500,
            "internal",
            f"internal error ({type(exc).__name__}); the server log has the details, "
            "please report it",
        )
