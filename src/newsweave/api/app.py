"""The HTTP API and the web page over one store: routes, access rules, the server entry point.

Reads are open to clients on the loopback interface (the analyst's own machine); other clients
need the token unless the server was started with ``open_reads``. Writes always need
``Authorization: Bearer <NEWSWEAVE_TOKEN>``; with no token configured they are refused. Models
load lazily: listing stories and reading cached briefs need none.
"""

import hmac
import ipaddress
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from newsweave import __version__
from newsweave.api.errors import ApiError, install_error_handlers
from newsweave.api.index import StoryIndex, StoryQuery, page_of_stories
from newsweave.api.limits import BodyLimit
from newsweave.api.submit import ArticleIn, read_submission
from newsweave.codec import annotated_to_dict, article_to_dict, brief_to_dict
from newsweave.errors import NewsweaveError
from newsweave.fetch import FetchOptions
from newsweave.model import IngestStatus
from newsweave.store import Store, open_store

__all__ = ["ApiConfig", "create_app", "serve"]

ENV_TOKEN = "NEWSWEAVE_TOKEN"
WEB = Path(str(files("newsweave") / "web"))


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """How the server runs.

    Args:
        db: the store file (None: the default store, see ``newsweave info``).
        token: the write token; None reads ``$NEWSWEAVE_TOKEN`` (empty: writes refused).
        open_reads: let clients outside loopback read without the token.
        max_body: the largest request body in bytes (larger ones get 413).
        allow_private: let submitted URLs point to private or loopback addresses.
    """

    db: str | Path | None = None
    token: str | None = None
    open_reads: bool = False
    max_body: int = 2_000_000
    allow_private: bool = False


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _story_of(store: Store, article_id: str) -> str | None:
    return next((s.story_id for s in store.stories() if article_id in s.article_ids), None)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class _State:
    """What the routes share: the store, its story index, the config and a write lock."""

    def __init__(self, config: ApiConfig, store: Store | None) -> None:
        self.config = config
        token = config.token if config.token is not None else os.environ.get(ENV_TOKEN, "")
        self.token = token.strip() or None
        self._given = store
        self.store: Store | None = store
        self.index: StoryIndex | None = None
        self.write_lock = threading.Lock()

    def open(self) -> None:
        if self.store is None:
            self.store = open_store(self.config.db)
        self.index = StoryIndex(self.store)

    def close(self) -> None:
        if self.store is not None and self._given is None:
            self.store.close()
            self.store = None

    def require_token(self, request: Request, action: str) -> None:
        if self.token is None:
            raise ApiError(
                403,
                "forbidden",
                f"{action} is disabled on this server: no token is configured; start it with "
                f"{ENV_TOKEN} set and send 'Authorization: Bearer <token>'",
            )
        given = _bearer(request)
        if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
            problem = "a missing" if given is None else "a wrong"
            raise ApiError(
                401,
                "unauthorized",
                f"{action} needs the server's token and the request had {problem} one; send "
                f"'Authorization: Bearer <{ENV_TOKEN}>'",
                headers={"WWW-Authenticate": "Bearer"},
            )


def create_app(config: ApiConfig | None = None, store: Store | None = None) -> FastAPI:
    """The FastAPI application. ``store``, when given, is used as is and not closed."""
    state = _State(config or ApiConfig(), store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.open()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="newsweave",
        version=__version__,
        description="Stories, cited briefs and articles from a newsweave store.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=state.config.max_body)

    def live_store() -> Store:
        if state.store is None or state.index is None:
            raise ApiError(503, "unavailable", "the store is not open yet; retry in a moment")
        return state.store

    def readable(request: Request) -> Store:
        client = request.client.host if request.client else None
        if not state.config.open_reads and not _is_loopback(client):
            state.require_token(request, "reading from another machine")
        return live_store()

    Readable = Annotated[Store, Depends(readable)]

    @app.get("/api/health", summary="Version and what the store holds")
    def health(store: Readable) -> dict[str, Any]:
        info = store.info()
        return {
            "status": "ok",
            "version": __version__,
            "schema_version": info["schema_version"],
            "articles": info["articles"],
            "stories": info["stories"],
            "writes": state.token is not None,
        }

    @app.get("/api/stories", summary="List and search stories")
    def list_stories(
        store: Readable,
        q: Annotated[str | None, Query(max_length=500, description="Full-text query")] = None,
        since: Annotated[date | None, Query(description="Stories reaching this day")] = None,
        until: Annotated[date | None, Query(description="Stories starting by this day")] = None,
        source: Annotated[str | None, Query(max_length=200)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> JSONResponse:
        if since and until and since > until:
            raise ApiError(
                422,
                "invalid_request",
                f"'since' ({since}) is after 'until' ({until}); swap them",
            )
        assert state.index is not None
        query = StoryQuery(q, since, until, source, entity, limit, offset)
        return JSONResponse(page_of_stories(state.index, query))

    @app.get("/api/stories/{story_id}", summary="A story's brief (the CLI's JSON schema)")
    def story_brief(story_id: str, store: Readable) -> JSONResponse:
        # JSONResponse directly: a brief is plain JSON already, and FastAPI's generic encoder
        # would walk every citation of it again.
        assert state.index is not None
        entry = state.index.get(story_id)
        if entry is not None:
            cached = store.cached_brief(story_id, entry.fingerprint)
            if cached is not None:
                return JSONResponse(cached)
        from newsweave.pipeline import stored_brief  # the models load on first need

        brief = brief_to_dict(stored_brief(store, story_id))
        state.index.set_headline(story_id, brief["headline"])
        return JSONResponse(brief)

    @app.get("/api/articles/{article_id}", summary="An article with its annotations")
    def article(
        article_id: str,
        store: Readable,
        annotations: Annotated[bool, Query(description="Include the annotations")] = True,
    ) -> dict[str, Any]:
        item = store.get(article_id)
        body: dict[str, Any] = (
            annotated_to_dict(item) if annotations else {"article": article_to_dict(item.article)}
        )
        body["story_id"] = _story_of(store, article_id)
        return body

    @app.post(
        "/api/articles",
        status_code=201,
        summary="Ingest an article (text, HTML or URL); needs the token",
    )
    def submit(body: ArticleIn, request: Request) -> JSONResponse:
        state.require_token(request, "submitting articles")
        store = live_store()
        from newsweave.pipeline import PipelineOptions, ingest_outcomes

        options = PipelineOptions()
        fetch_options = FetchOptions(allow_private=state.config.allow_private)
        try:
            outcome = read_submission(body, options.ingest, fetch_options)
        except ValueError as exc:
            if isinstance(exc, NewsweaveError):
                raise
            raise ApiError(422, "invalid_request", str(exc)) from None
        if outcome.status is IngestStatus.REJECTED:
            raise ApiError(422, "rejected", f"{outcome.where}: {outcome.reason}")
        with state.write_lock:
            report = ingest_outcomes([outcome], store, options)
        final = report.outcomes[0]
        article_id = final.duplicate_of or (final.article.article_id if final.article else None)
        story_id = _story_of(store, article_id) if article_id else None
        status = 200 if final.status is IngestStatus.DUPLICATE else 201
        payload = {
            "status": final.status.value,
            "article_id": article_id,
            "story_id": story_id,
            "reason": final.reason,
        }
        return JSONResponse(payload, status_code=status)

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html")

    app.mount("/web", StaticFiles(directory=WEB), name="web")
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, config: ApiConfig | None = None) -> None:
    """Run the API and the web page until SIGINT or SIGTERM, then close the store."""
    import uvicorn

    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=5,
    )
