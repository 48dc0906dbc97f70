"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
list, search, a story with its discrepancies, a citation revealing its source sentence, and
article text full of markup shown as text and never run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (make browser installs it)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], errors


def strike_id(service: Any) -> str:
    rows = httpx.get(f"{service.url}/api/stories", params={"limit": 100}, trust_env=False).json()
    return str(max(rows["stories"], key=lambda r: r["articles"])["story_id"])


def test_list_search_story_and_citation(page: Any, service: Any, tmp_path: Path) -> None:
    page.goto(f"{service.url}/")
    page.wait_for_selector(".story-card")
    assert page.locator(".story-card").count() >= 3

    page.fill("#q", "inspections")
    page.click("#search button[type=submit]")
    page.wait_for_selector("#story-count:has-text('1 story')")
    assert "Crane collapse inquiry" in page.inner_text("#stories")

    page.goto(f"{service.url}/#/story/{strike_id(service)}")
    page.wait_for_selector("#summary")
    brief = httpx.get(f"{service.url}/api/stories/{strike_id(service)}", trust_env=False).json()
    assert page.inner_text("#headline") == brief["headline"]
    # Discrepancies come before the summary; each claim is shown with its citations.
    assert page.locator("section.block").first.get_attribute("id") == "discrepancies"
    shown = page.inner_text("#discrepancies")
    for item in brief["discrepancies"]:
        assert item["reason"] in shown

    first = page.locator("#summary button.cite").first
    citation = brief["summary"][0]["citations"][0]
    assert first.get_attribute("data-article") == citation["article_id"]
    first.click()
    page.wait_for_selector("#cite-pop .pop-text")
    article = httpx.get(
        f"{service.url}/api/articles/{citation['article_id']}", trust_env=False
    ).json()["article"]
    expected = article["text"][citation["start"] : citation["end"]]
    assert page.inner_text("#cite-pop .pop-text") == expected
    assert page.is_visible("#cite-pop")

    assert page.locator("#timeline svg circle.dot").count() == len(brief["timeline"])
    assert page.locator("#sources table.matrix tbody tr").count() >= len(brief["summary"])
    page.wait_for_selector("#sources td.copied")  # the wire reprints share wording
    page.screenshot(path=str(tmp_path / "story.png"), full_page=False)
    assert (tmp_path / "story.png").stat().st_size > 10_000

    page.keyboard.press("Escape")
    assert not page.is_visible("#cite-pop")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling on a phone (the matrix scrolls in its box)


def test_markup_in_articles_is_shown_as_text(page: Any, service: Any) -> None:
    page.goto(f"{service.url}/")
    page.wait_for_selector(".story-card")
    assert "<script>window.__xss = 1</script>" in page.inner_text("#stories")
    page.click(".story-link:has-text('Harbour museum')")
    page.wait_for_selector("#summary")
    text = page.inner_text("main")
    assert "<script>window.__xss = 1</script>" in page.inner_text("#headline")
    assert "<img src=x onerror" in text
    assert "Pen <b>Test</b> Gazette" in text
    page.locator("#summary button.cite").first.click()
    page.wait_for_selector("#cite-pop .pop-text")
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img, main script, #cite-pop img").count() == 0
