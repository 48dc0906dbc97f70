"""The web page in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
list, search, a story with its discrepancies, a citation revealing its source sentence, and
article text full of markup shown as text and never run."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUILD_MS = 240_000  # the first opening of a story builds its brief (models load, shared CPU)
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
    page.wait_for_selector("#summary", timeout=BUILD_MS)
    brief = httpx.get(f"{service.url}/api/stories/{strike_id(service)}", trust_env=False).json()
    assert page.inner_text("#headline") == brief["headline"]
    # Discrepancies come before the summary; each claim is shown with its citations.
    assert page.locator("section.block").first.get_attribute("id") == "discrepancies"
    shown = page.inner_text("#discrepancies")
    for item in brief["discrepancies"]:
        assert item["reason"] in shown

    first = page.locator("#summary button.cite").first
    numbers = {a["article_id"]: n for n, a in enumerate(brief["articles"], start=1)}
    citation = min(brief["summary"][0]["citations"], key=lambda c: numbers[c["article_id"]])
    assert first.get_attribute("data-article") == citation["article_id"]
    first.click()
    page.wait_for_selector("#cite-pop .pop-text")
    article = httpx.get(
        f"{service.url}/api/articles/{citation['article_id']}", trust_env=False
    ).json()["article"]
    expected = article["text"][citation["start"] : citation["end"]]
    assert expected in page.locator("#cite-pop .pop-text").all_inner_texts()
    assert page.is_visible("#cite-pop")

    assert page.locator("#coverage table.matrix tbody tr").count() == len(brief["facts"])
    page.wait_for_selector("#coverage td.copied")  # the wire reprints share wording
    page.screenshot(path=str(tmp_path / "story.png"), full_page=False)
    assert (tmp_path / "story.png").stat().st_size > 10_000

    page.keyboard.press("Escape")
    assert not page.is_visible("#cite-pop")
    page.set_viewport_size({"width": 390, "height": 844})
    # Two animation frames: the page has laid itself out again for the new width (the
    # timeline's heights follow from a ResizeObserver; its widths are CSS).
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling on a phone (the matrix scrolls in its box)
    # The timeline's labels were laid out again for the narrower page: taller, still apart.
    boxes = page.locator("#timeline .tl-event").evaluate_all(
        "els => els.map(e => [e.offsetTop, e.offsetTop + e.offsetHeight,"
        " e.getBoundingClientRect().right])"
    )
    assert boxes and all(b[0] >= a[1] for a, b in itertools.pairwise(boxes))
    assert max(b[2] for b in boxes) <= 390


def _open_strike(page: Any, service: Any) -> dict[str, Any]:
    story = strike_id(service)
    page.goto(f"{service.url}/#/story/{story}")
    page.wait_for_selector("#sources", timeout=BUILD_MS)
    return dict(httpx.get(f"{service.url}/api/stories/{story}", trust_env=False).json())


def _wire_original_title() -> str:
    # examples/README.md: line 1 of jsonl/wire.jsonl is the wire original (EPA1) that Estoria
    # Today (ET) and The Western Post (WP) reprint; NewsPulse Digest (NP) is a garbled copy.
    return str(json.loads((EXAMPLES / "jsonl" / "wire.jsonl").read_text().splitlines()[0])["title"])


def test_the_wire_original_is_the_source_and_its_reprints_are_copies(
    page: Any, service: Any
) -> None:
    _open_strike(page, service)
    entries = page.locator("#sources li.source")
    by_outlet: dict[str, list[Any]] = {}
    for n in range(entries.count()):
        entry = entries.nth(n)
        by_outlet.setdefault(entry.locator("strong").inner_text().split("] ", 1)[1], []).append(
            entry
        )
    original = next(
        e for e in by_outlet["Estoria Press Agency"] if _wire_original_title() in e.inner_text()
    )
    original_id = original.get_attribute("data-article")
    number = original.get_attribute("value")
    for reprint in ("Estoria Today", "The Western Post"):
        (entry,) = by_outlet[reprint]
        froms = entry.locator(".copy-of").evaluate_all("els => els.map(e => e.dataset.from)")
        assert original_id in froms, reprint
        assert f"of [{number}] Estoria Press Agency" in entry.inner_text()
        assert reprint in original.locator(".original-of").inner_text()
        # ... and the original never shows as repeating a reprint's wording.
        reprint_id = entry.get_attribute("data-article")
        assert reprint_id not in original.locator(".copy-of").evaluate_all(
            "els => els.map(e => e.dataset.from)"
        )
    # In the coverage matrix the original's cells are never marked as copied from a reprint.
    titles = page.locator("#coverage td.copied").evaluate_all(
        "els => els.map(e => [e.dataset.article, e.title])"
    )
    assert any(a != original_id for a, _ in titles)
    for article_id, title in titles:
        if article_id == original_id:
            assert "Estoria Today" not in title and "Western Post" not in title


def test_the_garbled_copy_shows_its_quality_reasons(page: Any, service: Any) -> None:
    _open_strike(page, service)
    garbled = page.locator("#sources li.source:has(strong:has-text('NewsPulse Digest'))")
    quality = garbled.locator(".quality")
    assert quality.is_visible()
    shown = quality.inner_text()
    # examples/README.md, "Garbling in NP": joined words, repeated words.
    assert "dockworkerswhich" in shown and "negotiating negotiations" in shown
    score = float(shown.split("text quality ", 1)[1].split()[0])
    assert score < 0.8


def test_a_quote_worded_slightly_differently_shows_its_note(page: Any, service: Any) -> None:
    brief = _open_strike(page, service)
    shown = page.locator("#quotes .quote").evaluate_all(
        "els => els.map(e => [e.querySelector('blockquote').textContent,"
        " [...e.querySelectorAll('.quote-note')].map(n => n.textContent)])"
    )
    # The page groups quotes by speaker, speakers in order of first appearance.
    speakers = list(dict.fromkeys(q["speaker"] for q in brief["quotes"]))
    quotes = sorted(brief["quotes"], key=lambda q: speakers.index(q["speaker"]))
    assert len(shown) == len(quotes)
    noted = 0
    for quote, (text, notes) in zip(quotes, shown, strict=True):
        assert f"“{quote['text']}”" in text
        if quote.get("note"):
            noted += 1
            assert [n.lower() for n in notes] == [quote["note"].lower()]
        else:
            assert notes == []
    assert 0 < noted < len(shown)


def test_each_citation_marker_appears_once_in_order(page: Any, service: Any) -> None:
    _open_strike(page, service)
    groups = page.locator("main .cites").evaluate_all(
        "els => els.map(e => [...e.querySelectorAll('button.cite')].map(b => b.textContent))"
    )
    assert len(groups) > 20
    for labels in groups:
        numbers = [int(label.strip("[]")) for label in labels]
        assert numbers == sorted(set(numbers)), labels


def test_the_timeline_has_one_mark_per_event_and_no_second_list(page: Any, service: Any) -> None:
    brief = _open_strike(page, service)
    page.wait_for_selector("#timeline .mark")
    assert page.locator("#timeline .mark").count() == len(brief["timeline"])
    assert page.locator("#timeline .tl-event").count() == len(brief["timeline"])
    assert page.locator("#timeline ol, #timeline li").count() == 0
    # Each event once, in the chart itself (no list repeats it below).
    texts = page.locator("#timeline .tl-text").all_inner_texts()
    assert sorted(texts) == sorted(" ".join(e["event"].split()) for e in brief["timeline"])
    # A mark sits at its date: later entries are never drawn above earlier ones.
    ys = page.locator("#timeline .mark").evaluate_all("els => els.map(e => +e.getAttribute('cy'))")
    assert ys == sorted(ys)
    # Labels never overlap.
    boxes = page.locator("#timeline .tl-event").evaluate_all(
        "els => els.map(e => [e.offsetTop, e.offsetTop + e.offsetHeight])"
    )
    assert all(b[0] >= a[1] for a, b in itertools.pairwise(boxes))


def test_story_cards_and_a_story_not_built_yet(page: Any, cheap_db: Path, inprocess: Any) -> None:
    from newsweave.api import ApiConfig, create_app
    from newsweave.api.builds import BuildLimits

    app = create_app(ApiConfig(db=cheap_db, builds=BuildLimits(wait_s=0.2)))
    with inprocess(app) as url:
        page.goto(f"{url}/")
        page.wait_for_selector(".story-card")
        card = page.locator(".story-card").filter(has_text="10 articles")
        text = card.inner_text()
        assert "from 8 outlets" in text and "not built yet" in text, text
        assert card.locator(".lede").inner_text()
        card.locator(".story-link").click()
        page.wait_for_selector("#building progress")
        assert "Building the brief" in page.inner_text("#building")
        page.wait_for_selector("#summary", timeout=BUILD_MS)
        page.goto(f"{url}/")
        page.wait_for_selector(".story-card")
        line = page.locator(".story-card").filter(has_text="10 articles").inner_text()
        assert "independent" in line and "discrepanc" in line and "not built yet" not in line


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
