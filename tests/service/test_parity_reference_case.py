"""The examples and the reference case together, one brief per story whichever way in, one
test per pairing:

- ``newsweave brief PATH`` and ``newsweave ingest`` + ``newsweave brief --story`` (the CLI),
- ``brief --story`` and the HTTP API over that store,
- the API and the web page (what the page received and what it shows).

The reference case has undated reports whose dates the story supplies, the examples a decoy
with the same actors: both once came out differently from the store than from the files.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from spacy.language import Language
from tests.conftest import EXAMPLES, shared_path

from newsweave.annotate.minilm import MiniLM
from newsweave.api import ApiConfig, create_app
from newsweave.api.builds import BuildLimits
from newsweave.cli import main

CHROMIUM = Path("/usr/bin/chromium")
Briefs = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Ways:
    db: Path
    from_path: Briefs
    from_store: Briefs


def _json(args: list[str]) -> Any:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def ways(tmp_path_factory: pytest.TempPathFactory, nlp: Language, embedder: MiniLM) -> Ways:
    inputs = [str(EXAMPLES), str(shared_path("seeds"))]
    from_path = {b["story_id"]: b for b in _json(["brief", *inputs, "--format", "json"])["briefs"]}
    db = tmp_path_factory.mktemp("reference-parity") / "store.sqlite"
    done = CliRunner().invoke(main, ["ingest", "--db", str(db), *inputs])
    assert done.exit_code == 0, done.output
    from newsweave.store import open_store

    with open_store(db) as store:
        story_ids = [s.story_id for s in store.stories()]
    from_store = {}
    for story_id in story_ids:
        (brief,) = _json(["brief", "--db", str(db), "--story", story_id, "--format", "json"])[
            "briefs"
        ]
        from_store[story_id] = brief
    return Ways(db, from_path, from_store)


def _reference_story(briefs: Briefs) -> dict[str, Any]:
    """The story of the five seed reports (Kuala Lumpur), whatever its id."""
    (story,) = [b for b in briefs.values() if len(b["articles"]) == 5]
    return story


def test_brief_path_equals_ingest_then_brief_story(ways: Ways) -> None:
    assert sorted(ways.from_store) == sorted(ways.from_path)
    # The examples' strike (10), their decoy (1) and the reference case (5), not a split.
    assert sorted(len(b["articles"]) for b in ways.from_path.values()) == [1, 5, 10]
    for story_id, brief in ways.from_path.items():
        assert ways.from_store[story_id] == brief, story_id
    reference = _reference_story(ways.from_store)
    inferred = [a for a in reference["articles"] if a["date_origin"] == "inferred"]
    assert inferred, "the reference case has undated reports whose date the story supplies"


def test_the_api_serves_the_brief_of_brief_story(ways: Ways, inprocess: Any) -> None:
    app = create_app(ApiConfig(db=ways.db, builds=BuildLimits(wait_s=300)))
    with inprocess(app) as url, httpx.Client(base_url=url, timeout=300) as client:
        rows = client.get("/api/stories", params={"limit": 100}).json()["stories"]
        assert sorted(r["story_id"] for r in rows) == sorted(ways.from_store)
        for story_id, expected in ways.from_store.items():
            answer = client.get(f"/api/stories/{story_id}")
            assert answer.status_code == 200, answer.text
            assert answer.json() == expected, story_id


def _brief_of(story_id: str) -> Callable[[Any], bool]:
    """Whether a response the page received is the finished brief of ``story_id``."""
    path = f"/api/stories/{story_id}"

    def match(response: Any) -> bool:
        return bool(response.url.endswith(path) and response.status == 200)

    return match


def test_the_web_page_shows_the_brief_the_api_serves(
    ways: Ways, tmp_path: Path, inprocess: Any
) -> None:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    from playwright.sync_api import sync_playwright

    db = tmp_path / "copy.sqlite"  # the API above may have cached briefs in its store
    shutil.copyfile(ways.db, db)
    app = create_app(ApiConfig(db=db, builds=BuildLimits(wait_s=300)))
    with inprocess(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for story_id, expected in ways.from_store.items():
            with page.expect_response(_brief_of(story_id), timeout=300_000) as received:
                page.goto(f"{url}/#/story/{story_id}")
            assert received.value.json() == expected, story_id
            page.wait_for_selector("#summary", timeout=300_000)
            assert page.inner_text("#headline") == expected["headline"]
            shown = page.locator("#summary ol > li").all_inner_texts()
            assert len(shown) == len(expected["summary"])
            for line, item in zip(shown, expected["summary"], strict=True):
                assert line.startswith(" ".join(item["text"].split()))
            assert page.locator("#timeline .mark").count() == len(expected["timeline"])
            assert page.locator("#sources li.source").count() == len(expected["articles"])
            meta = page.inner_text("#story-meta")
            n = len(expected["articles"])
            assert meta.startswith(f"{n} article" + ("s" if n != 1 else "")), meta
        browser.close()
