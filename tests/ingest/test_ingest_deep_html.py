"""Pages nested deeper than the HTML parser goes (256 levels) still give their text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.ingest import read_inputs
from newsweave.model import IngestStatus

PARAGRAPHS = (
    "<p>The harbour council voted on Tuesday to open a second ferry route to the islands, "
    "after a year of delays over the cost of the new quay.</p>"
    "<p>The first crossings are planned for the spring, the council's transport officer "
    "said at the meeting.</p>"
)


def _page(opening: str, closing: str, depth: int) -> str:
    return (
        "<!DOCTYPE html><html><head><title>Second ferry route approved</title></head><body>"
        f"{opening * depth}<article><h1>Second ferry route approved</h1>{PARAGRAPHS}"
        f"</article>{closing * depth}</body></html>"
    )


@pytest.mark.parametrize(
    ("opening", "closing", "depth"),
    [
        ("<div>", "</div>", 256),
        ("<div class='wrap'>", "</div>", 3000),
        ("<font size=2>", "", 400),  # unclosed tags nest without end
        ("<span><b>", "</b></span>", 300),
        # Old layouts nest tables; lists, quotes and custom elements nest too (each level
        # here is 3-4 elements: <table> gets an implied <tbody>).
        ("<table><tr><td>", "</td></tr></table>", 90),
        ("<ul><li>", "</li></ul>", 200),
        ("<blockquote>", "</blockquote>", 300),
        ("<x-card>", "</x-card>", 300),
    ],
)
def test_deeply_nested_page_gives_its_text(
    tmp_path: Path, opening: str, closing: str, depth: int
) -> None:
    page = tmp_path / "deep.html"
    page.write_text(_page(opening, closing, depth), encoding="utf-8")
    (outcome,) = read_inputs([page])
    assert outcome.status is IngestStatus.INGESTED, outcome.reason
    assert outcome.article is not None
    assert "second ferry route to the islands" in outcome.article.text
    assert "transport officer" in outcome.article.text


def test_a_deep_article_under_a_shallow_menu_is_read_not_the_menu(tmp_path: Path) -> None:
    # The parser stops at 256 levels and keeps what came before: here only the menu, which
    # was once taken for the article (and then rejected as too short).
    menu = "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    page = tmp_path / "deep.html"
    page.write_text(_page(menu + "<table><tr><td>", "</td></tr></table>", 90), encoding="utf-8")
    (outcome,) = read_inputs([page])
    assert outcome.status is IngestStatus.INGESTED, outcome.reason
    assert outcome.article is not None
    assert "second ferry route to the islands" in outcome.article.text
    assert "Sport" not in outcome.article.text


def test_a_page_without_text_is_still_rejected(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body>" + "<div>" * 300 + "</div>" * 300 + "</body></html>")
    (outcome,) = read_inputs([page])
    assert outcome.status is IngestStatus.REJECTED
    assert outcome.reason and "no visible text" in outcome.reason
