"""Request size limit: a body over the limit is refused before the route reads all of it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsweave.api.errors import error_response

__all__ = ["BodyLimit"]


def _too_large(limit: int) -> str:
    return (
        f"the request body is over the {limit:,}-byte limit; send a smaller article "
        "(or start the server with a larger --max-body)"
    )


class BodyLimit:
    """ASGI middleware: 413 for a declared Content-Length over ``limit`` (answered at once),
    and for a streamed body that grows past it (raised while the route reads it)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    response = error_response(413, "too_large", _too_large(self.limit))
                    await response(scope, receive, send)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, _too_large(self.limit))
            return message

        await self.app(scope, counted, send)
