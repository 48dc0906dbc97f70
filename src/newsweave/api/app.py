"""The HTTP API and the web page over one store: routes, access rules, the server entry point.

Reads are open to clients on the loopback interface (the analyst's own machine); other clients
need the token unless the server was started with ``open_reads``. Writes always need
``Authorization: Bearer <NEWSWEAVE_TOKEN>``; with no token configured they are refused, and the
token is checked before the body is read or validated. Models load lazily: listing stories and
reading cached briefs need none; building a brief runs in :mod:`newsweave.api.builds`.
"""

import asyncio
import hmac
import ipaddress
import json
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from newsweave import __version__
from newsweave.api.builds import BuildLimits, Builds, Job
from newsweave.api.errors import ApiError, hide_path, install_error_handlers, public_message
from newsweave.api.limits import BodyLimit
from newsweave.api.schema import (
    ArticleOut,
    BriefOut,
    Building,
    ErrorOut,
    Health,
    StoryPage,
    SubmitOut,
)
from newsweave.api.submit import ArticleIn, read_submission
from newsweave.codec import annotated_to_dict, article_to_dict
from newsweave.errors import NewsweaveError, NotFoundError
from newsweave.fetch import FetchOptions
from newsweave.model import IngestStatus
from newsweave.store import Store, open_store
from newsweave.storylist import StoryEntry, StoryIndex, StoryQuery, page_of_stories

if TYPE_CHECKING:
    from newsweave.config import Settings

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
        builds: how long a request waits for a brief being built and how long a build may
            run (see :class:`newsweave.api.builds.BuildLimits`).
        settings: the settings tree briefs are built and ingested with (None: the defaults;
            ``newsweave serve`` passes what ``newsweave config`` shows).
    """

    db: str | Path | None = None
    token: str | None = None
    open_reads: bool = False
    max_body: int = 2_000_000
    allow_private: bool = False
    builds: BuildLimits = field(default_factory=BuildLimits)
    settings: "Settings | None" = None


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _warm() -> None:
    """Load what building a brief needs (the models), before a build may be stopped."""
    import newsweave.pipeline  # noqa: F401  (and through it fuse/, brief/, codec)
    from newsweave.annotate.models import load_embedder, load_nlp

    load_nlp()
    load_embedder()  # article vectors
    load_embedder(quantized=False)  # sentence vectors


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
        self.builds: Builds | None = None
        self.write_lock = threading.Lock()

    def open(self) -> None:
        if self.store is None:
            self.store = open_store(self.config.db)
        path = getattr(self.store, "path", None)
        if isinstance(path, str):
            hide_path(path)
            hide_path(str(Path(path).parent))
        self.index = StoryIndex(self.store, self.config.settings)
        self.builds = Builds(self._build, _warm, self.config.builds)

    def _build(self, story_id: str) -> dict[str, Any]:
        from newsweave.codec import brief_to_dict
        from newsweave.pipeline import stored_brief

        assert self.store is not None
        return brief_to_dict(stored_brief(self.store, story_id, self.config.settings))

    def close(self) -> None:
        if self.builds is not None:
            self.builds.close()
        if self.store is not None and self._given is None:
            self.store.close()
            self.store = None

    def require_token(self, request: Request, action: str) -> None:
        if self.token is None:
            raise ApiError(
                403,
                "forbidden",
                f"{action} is disabled on this server: no token is configured",
            )
        given = _bearer(request)
        if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
            problem = "a missing" if given is None else "a wrong"
            raise ApiError(
                401,
                "unauthorized",
                f"{action} needs the server's token and the request had {problem} one; send "
                "'Authorization: Bearer <token>'",
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
        description=(
            "Stories, cited briefs and articles from a newsweave store. Every error is "
            '`{"error": {"code", "message", "detail"}}`. Citation offsets count Unicode code '
            "points into the stored article text; each citation also carries its text."
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
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

    @app.get(
        "/api/health",
        summary="Version and what the store holds",
        response_model=Health,
        responses=_errors(401, 403, 503),
    )
    def health(store: Readable) -> dict[str, Any]:
        info = store.info()
        assert state.builds is not None
        return {
            "status": "ok",
            "version": __version__,
            "schema_version": info["schema_version"],
            "articles": info["articles"],
            "stories": info["stories"],
            "writes": state.token is not None,
            "builds": state.builds.counts(),
        }

    @app.get(
        "/api/stories",
        summary="List and search stories",
        response_model=StoryPage,
        responses=_errors(401, 403, 422, 503),
    )
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

    def cached_or_entry(story_id: str) -> tuple[dict[str, Any] | None, StoryEntry]:
        assert state.index is not None and state.store is not None
        entry = state.index.get(story_id) or state.index.get(state.store.resolve(story_id))
        if entry is None:
            raise ApiError(
                404, "not_found", f"no story {story_id!r}; GET /api/stories lists the stories"
            )
        cached = state.store.cached_brief(entry.story_id, entry.fingerprint)
        if cached is not None and not entry.built:  # built by another request or process
            state.index.refresh(entry.story_id, cached)
        return cached, entry

    @app.get(
        "/api/stories/{story_id}",
        summary="A story's brief",
        description=(
            "The brief (one element of `briefs` in `newsweave brief --format json`). A brief "
            "not built yet is built once, however many clients ask: the request waits for it "
            "a few seconds, then gets 202 with the build's progress and a Retry-After header. "
            "A build that runs past the server's deadline is stopped (503 `brief_timeout`); "
            "one that no client waits for any more is stopped too."
        ),
        response_model=BriefOut,
        responses={
            202: {"model": Building, "description": "Being built; ask again later."},
            **_errors(401, 403, 404, 500, 503),
        },
    )
    async def story_brief(story_id: str, request: Request, store: Readable) -> JSONResponse:
        # JSONResponse directly: a brief is plain JSON already, and FastAPI's generic encoder
        # would walk every citation of it again.
        cached, entry = await run_in_threadpool(cached_or_entry, story_id)
        if cached is not None:
            return JSONResponse(cached)
        assert state.builds is not None and state.index is not None
        story_id = entry.story_id
        job = state.builds.join(story_id, len(entry.article_ids))
        try:
            finished = await _wait(job, request, state.config.builds.wait_s)
        finally:
            state.builds.leave(job)
        if not finished:
            retry = 1.0 if job.analysing_since is None else 2.0
            return JSONResponse(
                job.progress(retry), status_code=202, headers={"Retry-After": f"{retry:g}"}
            )
        if job.error is not None:
            raise job.error
        assert job.result is not None
        state.index.refresh(story_id, job.result)
        state.builds.forget(story_id)
        return JSONResponse(job.result)

    @app.get(
        "/api/articles/{article_id}",
        summary="An article with its annotations",
        response_model=ArticleOut,
        responses=_errors(401, 403, 404, 422, 503),
    )
    def article(
        article_id: str,
        store: Readable,
        annotations: Annotated[bool, Query(description="Include the annotations")] = True,
    ) -> JSONResponse:
        try:
            item = store.get(article_id)
        except NotFoundError:
            raise ApiError(
                404, "not_found", f"no article {article_id!r}; a brief's citations name them"
            ) from None
        body: dict[str, Any] = (
            annotated_to_dict(item) if annotations else {"article": article_to_dict(item.article)}
        )
        body["story_id"] = _story_of(store, article_id)
        return JSONResponse(body)

    @app.post(
        "/api/articles",
        status_code=201,
        summary="Ingest an article (text, HTML or URL); needs the token",
        response_model=SubmitOut,
        responses={
            200: {"model": SubmitOut, "description": "Already stored (a duplicate)."},
            **_errors(401, 403, 413, 422, 502, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ArticleIn.model_json_schema()}},
            }
        },
    )
    async def submit(request: Request) -> JSONResponse:
        # The token first: a client without it learns nothing about what a valid body is.
        state.require_token(request, "submitting articles")
        raw = await request.body()
        try:
            body = ArticleIn.model_validate_json(raw or b"null")
        except ValidationError as exc:
            problems = [
                {
                    "where": ".".join(str(p) for p in err.get("loc", ())) or "body",
                    "problem": str(err.get("msg", "")),
                }
                for err in exc.errors()
            ]
            first = problems[0] if problems else {"where": "body", "problem": "invalid"}
            message = f"invalid request: {first['where']}: {first['problem']}"
            raise ApiError(422, "invalid_request", message, problems) from None
        return await run_in_threadpool(ingest_one, body)

    def ingest_one(body: ArticleIn) -> JSONResponse:
        store = live_store()
        from newsweave.pipeline import PipelineOptions, ingest_outcomes

        options = state.config.settings or PipelineOptions()
        fetch_options = FetchOptions(allow_private=state.config.allow_private)
        try:
            outcome = read_submission(body, options.ingest, fetch_options)
        except ValueError as exc:
            if isinstance(exc, NewsweaveError):
                raise
            raise ApiError(422, "invalid_request", public_message(str(exc))) from None
        if outcome.status is IngestStatus.REJECTED:
            raise ApiError(422, "rejected", public_message(f"{outcome.where}: {outcome.reason}"))
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

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="newsweave API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )

    app.mount("/docs/assets", StaticFiles(directory=_swagger_assets()), name="docs-assets")
    app.mount("/web", StaticFiles(directory=WEB), name="web")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _envelope_everywhere(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


_DESCRIPTIONS = {
    401: "A token is needed and was missing or wrong.",
    403: "Not allowed on this server (writes without a configured token).",
    404: "No such story or article.",
    413: "The body is over the server's limit.",
    422: "The request is invalid (field errors in detail) or the article was rejected.",
    500: "A bug; the server log has the details.",
    502: "The submitted URL could not be fetched.",
    503: "The store is not open, or the brief's build was stopped.",
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries: the error envelope for each status."""
    return {s: {"model": ErrorOut, "description": _DESCRIPTIONS[s]} for s in statuses}


def _envelope_everywhere(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI documents its own 422 shape; the API answers with the envelope instead."""
    text = json.dumps(schema).replace(
        '"#/components/schemas/HTTPValidationError"', '"#/components/schemas/ErrorOut"'
    )
    fixed: dict[str, Any] = json.loads(text)
    components = fixed.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path in fixed.get("paths", {}).values():
        for operation in path.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                answer["description"] = _DESCRIPTIONS[422]
    return fixed


def _swagger_assets() -> Path:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError as exc:  # pragma: no cover - part of the web extra
        raise NewsweaveError(
            "the API pages need swagger-ui-bundle; install it with: pip install 'newsweave[web]'"
        ) from exc
    return Path(str(swagger_ui_path))


async def _wait(job: Job, request: Request, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``job``; False when time ran out or the client left."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not job.done.is_set():
        left = deadline - loop.time()
        if left <= 0:
            return False
        await asyncio.sleep(min(0.1, left))
        if await request.is_disconnected():
            return False
    return True


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
