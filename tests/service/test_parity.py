"""Same articles, same brief: `newsweave brief PATH`, the HTTP API over a store that ingested
those articles in one batch, and what the web page shows of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from newsweave.api import ApiConfig, create_app
from newsweave.api.builds import BuildLimits
from newsweave.cli import main

CHROMIUM = Path("/usr/bin/chromium")


def test_brief_path_the_api_and_the_page_agree(
    service_db: Path, tmp_path: Path, inprocess: Any
) -> None:
    inputs = [str(service_db.parent / "corpus"), str(service_db.parent / "museum-xss.txt")]
    result = CliRunner().invoke(main, ["brief", *inputs, "--format", "json"])
    assert result.exit_code == 0, result.output
    from_path = {b["story_id"]: b for b in json.loads(result.stdout)["briefs"]}
    db = tmp_path / "one-batch.sqlite"
    done = CliRunner().invoke(main, ["ingest", "--db", str(db), *inputs])
    assert done.exit_code == 0, done.output

    app = create_app(ApiConfig(db=db, builds=BuildLimits(wait_s=300)))
    with inprocess(app) as url, httpx.Client(base_url=url, timeout=300) as client:
        rows = client.get("/api/stories", params={"limit": 100}).json()["stories"]
        assert sorted(r["story_id"] for r in rows) == sorted(from_path)
        for story_id, expected in from_path.items():
            assert client.get(f"/api/stories/{story_id}").json() == expected, story_id
        strike = max(from_path.values(), key=lambda b: len(b["articles"]))
        if not CHROMIUM.exists() and shutil.which("chromium") is None:
            pytest.skip("Debian's chromium is not installed (make browser installs it)")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            page.goto(f"{url}/#/story/{strike['story_id']}")
            page.wait_for_selector("#summary", timeout=300_000)
            assert page.inner_text("#headline") == strike["headline"]
            shown = page.locator("#summary ol > li").all_inner_texts()
            assert len(shown) == len(strike["summary"])
            for line, item in zip(shown, strike["summary"], strict=True):
                assert line.startswith(" ".join(item["text"].split()))
            assert page.locator("#timeline .mark").count() == len(strike["timeline"])
            assert page.locator("#sources li.source").count() == len(strike["articles"])
            browser.close()
