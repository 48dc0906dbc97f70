"""Brief builds behind GET /api/stories/{id}, on a store where no brief is built yet: one build
per story however many clients ask, 202 with progress while it runs, a deadline that stops it,
and a build nobody waits for any more stopped too. Real server (uvicorn on loopback), real
pipeline; the limits are set small so the real build of the strike story runs past them."""

from __future__ import annotations

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsweave.api import ApiConfig, create_app
from newsweave.api.builds import BuildLimits, Builds, BuildStopped
from newsweave.api.schema import BriefOut, Building


def _strike(client: httpx.Client) -> str:
    rows = client.get("/api/stories", params={"limit": 100}).json()["stories"]
    return str(max(rows, key=lambda r: r["articles"])["story_id"])


def _builds(client: httpx.Client) -> dict[str, int]:
    return dict(client.get("/api/health").json()["builds"])


def _until(check: Any, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def test_concurrent_requests_share_one_build(fresh_db: Path, inprocess: Any) -> None:
    _without_deep_pass(fresh_db)  # so the build takes seconds, longer than the 0.3 s wait
    app = create_app(ApiConfig(db=fresh_db, builds=BuildLimits(wait_s=0.3)))
    with inprocess(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        story = _strike(client)
        row = next(
            r for r in client.get("/api/stories").json()["stories"] if r["story_id"] == story
        )
        assert row["built"] is False and row["independent"] is None

        def get(_: int) -> httpx.Response:
            return client.get(f"/api/stories/{story}")

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(get, range(6)))
        assert {a.status_code for a in answers} <= {200, 202}
        waiting = [a for a in answers if a.status_code == 202]
        assert waiting, "a build of ten articles answers 202 within 0.3 s"
        for answer in waiting:
            progress = Building.model_validate(answer.json())
            assert progress.story_id == story and progress.articles == 10
            assert float(answer.headers["retry-after"]) > 0
        assert _builds(client)["started"] == 1

        done: list[httpx.Response] = []

        def built() -> bool:
            answer = client.get(f"/api/stories/{story}")
            done.append(answer)
            return answer.status_code == 200

        _until(built)
        assert _builds(client) == {"running": 0, "started": 1, "stopped": 0}
        BriefOut.model_validate(done[-1].json())
        # The list now says what the brief found.
        row = next(
            r for r in client.get("/api/stories").json()["stories"] if r["story_id"] == story
        )
        brief = done[-1].json()
        assert row["built"] is True and row["discrepancies"] == len(brief["discrepancies"])
        assert row["lede"] == brief["summary"][0]["text"]
        assert 1 <= row["independent"] < row["articles"]


def test_a_build_past_its_deadline_is_stopped_and_not_restarted_at_once(
    fresh_db: Path, inprocess: Any
) -> None:
    _without_deep_pass(fresh_db)  # a build of seconds, far past the deadline
    limits = BuildLimits(wait_s=60, deadline_s=0.05, retry_after_s=300)
    app = create_app(ApiConfig(db=fresh_db, builds=limits))
    with inprocess(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        story = _strike(client)
        first = client.get(f"/api/stories/{story}")
        assert first.status_code == 503, first.text
        error = first.json()["error"]
        assert error["code"] == "brief_timeout" and "0.05 s" in error["message"]
        assert first.headers["retry-after"] == "300"
        assert _builds(client) == {"running": 0, "started": 1, "stopped": 1}
        again = client.get(f"/api/stories/{story}")
        assert again.status_code == 503 and _builds(client)["started"] == 1
    with sqlite3.connect(fresh_db) as conn:  # the stopped build wrote nothing
        assert conn.execute("SELECT count(*) FROM briefs").fetchone()[0] == 0


def _without_deep_pass(db: Path) -> None:
    """The store as an ingest leaves single-source stories: cheap-pass annotations only, so a
    brief build runs the deep pass too (seconds, not the fraction of one fuse takes)."""
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE annotations SET data = json_set(data, '$.depth', 'lead')")
        conn.execute("DELETE FROM sentence_vectors")


# The stop may land in a garbage-collector callback, where Python reports it as "ignored" (an
# unraisable-exception warning) and the reaper has to send it again: that is the case under test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_build_no_client_waits_for_is_stopped(fresh_db: Path, inprocess: Any) -> None:
    _without_deep_pass(fresh_db)
    limits = BuildLimits(wait_s=60, deadline_s=600, abandon_s=0.05)
    app = create_app(ApiConfig(db=fresh_db, builds=limits))
    with inprocess(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        story = _strike(client)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{url}/api/stories/{story}", timeout=0.3)  # the client gives up
        _until(lambda: _builds(client)["running"] == 0, 60)
        assert _builds(client) == {"running": 0, "started": 1, "stopped": 1}
    # Stopped, not only counted: a build left to finish would have stored its brief.
    with sqlite3.connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM briefs").fetchone()[0] == 0


def test_a_stop_the_build_lost_is_sent_again() -> None:
    """A build that loses its first BuildStopped (as one landing in a gc callback is lost) is
    still stopped: the reaper sends it again, and the result is never taken."""
    lost: list[float] = []

    def build(_: str) -> dict[str, Any]:
        until = time.monotonic() + 30
        while True:
            try:
                while time.monotonic() < until:
                    sum(range(200))
                return {"ran": "to the end"}
            except BuildStopped:
                if lost:
                    raise
                lost.append(time.monotonic())  # swallowed once, and the work goes on

    builds = Builds(build, lambda: None, BuildLimits(wait_s=0, abandon_s=0.05))
    try:
        job = builds.join("s1", 3)
        builds.leave(job)  # nobody waits: the reaper stops it
        assert job.done.wait(10), "a build that lost its stop ran on"
        assert lost, "the first stop was delivered into the build"
        assert job.result is None and job.error is not None
        assert job.error.status == 503 and job.error.code == "brief_stopped"
        assert builds.counts() == {"running": 0, "started": 1, "stopped": 1}
    finally:
        builds.close()
