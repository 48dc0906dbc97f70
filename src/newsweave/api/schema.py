"""The shapes the API answers with, as pydantic models: they are the OpenAPI document's
schemas. Routes send plain JSON (``newsweave.codec``) and do not build these models; the
service tests validate real answers against them (``extra="forbid"``), so a field added to the
codec and not here fails a test instead of leaving the documentation behind.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from newsweave.brief.schema import BriefOut, _Shape

__all__ = [
    "ArticleOut",
    "BriefOut",
    "Building",
    "ErrorOut",
    "Health",
    "StoryPage",
    "SubmitOut",
]


class Building(_Shape):
    """The brief is being built; ask again after ``retry_after_s`` (also in Retry-After)."""

    status: Literal["building"]
    story_id: str
    phase: str
    articles: int
    elapsed_s: float
    retry_after_s: float


class StoryRow(_Shape):
    story_id: str
    headline: str
    lede: str | None = Field(description="The first summary sentence (or the lead sentence).")
    articles: int
    sources: list[str] = Field(description="Outlets, each once.")
    independent: int | None = Field(
        description="Independent sources (null until the brief has been built)."
    )
    discrepancies: int | None = Field(description="Null until the brief has been built.")
    first: str | None
    last: str | None
    entities: list[str]
    built: bool = Field(description="Whether the brief is cached (opens at once).")
    matches: int | None = None


class StoryPage(_Shape):
    stories: list[StoryRow]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class Health(_Shape):
    status: Literal["ok"]
    version: str
    schema_version: int
    articles: int
    stories: int
    writes: bool
    builds: dict[str, int] = Field(description="Brief builds running, started and stopped.")


class SubmitOut(_Shape):
    status: Literal["ingested", "duplicate"]
    article_id: str | None
    story_id: str | None
    reason: str | None


class ArticleOut(BaseModel):
    """An article (``article``) with its annotations and ``story_id``; offsets as in briefs."""

    model_config = ConfigDict(extra="allow")

    article: dict[str, object]
    story_id: str | None


class ErrorBody(_Shape):
    code: str = Field(description="A stable word: not_found, unauthorized, invalid_request, …")
    message: str = Field(description="What was wrong and what to do.")
    detail: object | None = Field(None, description="Field errors of a 422, else null.")


class ErrorOut(_Shape):
    """Every error the API answers, whatever the status."""

    error: ErrorBody
