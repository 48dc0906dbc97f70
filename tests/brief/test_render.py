"""Markdown and HTML rendering of briefs, on small invented briefs built from the model types."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

import pytest
from lxml import html as lxml_html

from newsweave.brief.render_html import passage_in_context, render_html, safe_href
from newsweave.brief.render_md import RenderError, render_markdown
from newsweave.errors import OptionError
from newsweave.model import (
    Brief,
    CitedText,
    DateOrigin,
    Discrepancy,
    EntitySummary,
    Fact,
    Precision,
    QuoteItem,
    SourceRef,
    Span,
    Support,
    TimelineEntry,
)

# An invented event; three short reports of it.
TEXTS = {
    "a1": (
        "PORT ELM — Ruritania and Freedonia agreed on Friday to cap herring catches at "
        "40,000 tonnes a year. The accord followed two days of talks, officials said.\n\n"
        '"This is a fair deal for both fleets," said Fisheries Minister Anna Kowal. '
        "The ministers will meet again on April 2 to sign the text."
    ),
    "a2": (
        "Negotiators from Ruritania and Freedonia capped herring catches at 40,000 tonnes "
        'after three days of talks. Kowal called the deal "fair for both fleets". The cap '
        "replaces the limit set in May 2030."
    ),
    "a3": (
        "The herring accord sets a cap of 40,000 tonnes. Critics said the limit set in "
        "May 2030 was never enforced."
    ),
}


def cite(article_id: str, phrase: str, text: str | None = None) -> Span:
    """The span of the first occurrence of ``phrase`` in an article."""
    source = TEXTS[article_id] if text is None else text
    start = source.index(phrase)
    return Span(article_id, start, start + len(phrase))


def make_brief() -> Brief:
    refs = (
        SourceRef(
            "a1",
            "Port Elm Gazette",
            "Herring deal agreed",
            datetime(2031, 3, 14, 9, 0, tzinfo=UTC),
            DateOrigin.HEADER,
            "https://gazette.example/herring",
            None,
        ),
        SourceRef(
            "a2", "Northern Wire", "Fleets win cap", None, DateOrigin.UNKNOWN, None, "a2.txt"
        ),
        SourceRef(
            "a3",
            "Coast Daily",
            None,
            datetime(2031, 3, 15, tzinfo=UTC),
            DateOrigin.INFERRED,
            None,
            None,
        ),
    )
    return Brief(
        story_id="s-herring",
        headline="Ruritania and Freedonia cap herring catches",
        summary=(
            CitedText(
                "Ruritania and Freedonia agreed to cap herring catches at 40,000 tonnes a year.",
                (
                    cite("a1", "Ruritania and Freedonia agreed on Friday to cap herring catches"),
                    cite("a2", "capped herring catches at 40,000 tonnes"),
                ),
            ),
            CitedText(
                "The ministers will meet again on April 2 to sign the text.",
                (cite("a1", "The ministers will meet again on April 2 to sign the text."),),
            ),
        ),
        facts=(
            Fact(
                "The cap is 40,000 tonnes.",
                Support(3, 3),
                (cite("a1", "40,000 tonnes"), cite("a2", "40,000 tonnes"), cite("a3", "40,000")),
            ),
        ),
        entities=(
            EntitySummary(
                "Anna Kowal",
                "PERSON",
                ("Fisheries Minister",),
                2,
                (cite("a1", "Fisheries Minister Anna Kowal"), cite("a2", "Kowal")),
            ),
        ),
        quotes=(
            QuoteItem(
                "Anna Kowal",
                "This is a fair deal for both fleets",
                "said",
                (cite("a1", "This is a fair deal for both fleets"),),
            ),
            QuoteItem(
                "Anna Kowal",
                "fair for both fleets",
                "called the deal",
                (cite("a2", "fair for both fleets"),),
            ),
        ),
        timeline=(
            TimelineEntry(
                "2030-05",
                Precision.MONTH,
                "Previous catch limit set",
                "May 2030",
                False,
                Support(2, 2),
                (cite("a2", "the limit set in May 2030"), cite("a3", "the limit set in")),
            ),
            TimelineEntry(
                "2031-04-02",
                Precision.DAY,
                "Ministers meet to sign the accord",
                "April 2",
                True,
                Support(1, 1),
                (cite("a1", "meet again on April 2"),),
            ),
        ),
        discrepancies=(
            Discrepancy(
                "Length of the talks",
                "figure",
                "The reports give different durations for the same talks.",
                (
                    CitedText("two days of talks", (cite("a1", "two days of talks"),)),
                    CitedText("three days of talks", (cite("a2", "three days of talks"),)),
                ),
            ),
        ),
        articles=refs,
        texts=dict(TEXTS),
    )


BRIEF = make_brief()
ALL_SPANS = sorted(
    {
        span
        for group in (BRIEF.summary, BRIEF.facts, BRIEF.entities, BRIEF.quotes, BRIEF.timeline)
        for element in group
        for span in element.citations
    }
    | {s for d in BRIEF.discrepancies for c in d.claims for s in c.citations},
    key=lambda s: (s.article_id, s.start, s.end),
)

GOLDEN = """\
# Ruritania and Freedonia cap herring catches

Story s-herring · 3 articles, 3 outlets · 2031-03-14 to 2031-03-15 (1 undated)

## Discrepancies

- **Length of the talks** (figure): The reports give different durations for the
  same talks.
  - two days of talks [1]
  - three days of talks [2]

## Summary

- Ruritania and Freedonia agreed to cap herring catches at 40,000 tonnes a
  year. [1][2]
- The ministers will meet again on April 2 to sign the text. [1]

## Key facts

- The cap is 40,000 tonnes. (3 articles, 3 independent) [1][2][3]

## People and organisations

- **Anna Kowal** (person): Fisheries Minister — 2 mentions [1][2]

## Quotes

**Anna Kowal**

- “This is a fair deal for both fleets” — said [1]
- “fair for both fleets” — called the deal [2]

## Timeline

- 2030-05 (month): Previous catch limit set [2][3]
- 2031-04-02 (scheduled): Ministers meet to sign the accord [1]

## Sources

1. Port Elm Gazette — “Herring deal agreed” — 2031-03-14 —
   https://gazette.example/herring
   - “Ruritania and Freedonia agreed on Friday to cap herring catches”
   - “40,000 tonnes”
   - “two days of talks”
   - “This is a fair deal for both fleets”
   - “Fisheries Minister Anna Kowal”
   - “The ministers will meet again on April 2 to sign the text.”
   - “meet again on April 2”
2. Northern Wire — “Fleets win cap” — date unknown — a2.txt
   - “capped herring catches at 40,000 tonnes”
   - “40,000 tonnes”
   - “three days of talks”
   - “Kowal”
   - “fair for both fleets”
   - “the limit set in May 2030”
3. Coast Daily — (untitled) — 2031-03-15 (date inferred)
   - “40,000”
   - “the limit set in”
"""


# --- Markdown ----------------------------------------------------------------------------------


def test_markdown_golden() -> None:
    assert render_markdown([BRIEF]) == GOLDEN


def test_markdown_is_deterministic() -> None:
    assert render_markdown([BRIEF, BRIEF]) == render_markdown([make_brief(), make_brief()])


def test_markdown_sections_in_order() -> None:
    text = render_markdown([BRIEF])
    headings = re.findall(r"^#+ .*$", text, flags=re.MULTILINE)
    assert headings == [
        "# Ruritania and Freedonia cap herring catches",
        "## Discrepancies",
        "## Summary",
        "## Key facts",
        "## People and organisations",
        "## Quotes",
        "## Timeline",
        "## Sources",
    ]


def test_markdown_markers_match_sources_list() -> None:
    text = render_markdown([BRIEF])
    body, sources = text.split("## Sources")
    numbered = [int(n) for n in re.findall(r"^(\d+)\. ", sources, flags=re.MULTILINE)]
    assert numbered == [1, 2, 3]
    used = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert used == {1, 2, 3}
    # each statement's markers name exactly the articles its citations come from
    assert "sign the text. [1]\n" in body
    assert "(3 articles, 3 independent) [1][2][3]" in body


def _unwrapped(markdown: str) -> str:
    """Join wrapped lines so passages can be compared whole."""
    return re.sub(r"\n(?! *(?:- |\d+\. )) +", " ", markdown)


@pytest.mark.parametrize("span", ALL_SPANS, ids=lambda s: f"{s.article_id}:{s.start}")
def test_markdown_quotes_each_exact_cited_passage(span: Span) -> None:
    text = _unwrapped(render_markdown([BRIEF]))
    passage = " ".join(TEXTS[span.article_id][span.start : span.end].split())
    assert f"   - “{passage}”" in text


@pytest.mark.parametrize("width", [None, 60, 80, 100])
def test_markdown_wraps_to_width_but_never_breaks_words(width: int | None) -> None:
    text = render_markdown([BRIEF], width=width)
    for line in text.splitlines():
        if width is not None and " " in line.strip():
            assert len(line) <= width, line
    assert "https://gazette.example/herring" in text
    assert text.split() == render_markdown([BRIEF], width=None).split()


def test_markdown_several_briefs_are_separated_by_a_rule() -> None:
    text = render_markdown([BRIEF, BRIEF])
    assert text.count("\n---\n") == 1
    assert text.count("# Ruritania") == 2
    assert render_markdown([]) == ""


def test_markdown_newlines_in_data_cannot_start_blocks() -> None:
    brief = Brief(
        story_id="s2",
        headline="Line one\n# not a heading",
        summary=(CitedText("first\n\n## injected", ()),),
        facts=(),
        entities=(),
        quotes=(),
        timeline=(),
        discrepancies=(),
        articles=(),
    )
    text = render_markdown([brief])
    assert "\n## injected" not in text
    assert text.startswith("# Line one # not a heading\n")
    assert "Story s2 · 0 articles, 0 outlets · dates unknown" in text


@pytest.mark.parametrize(
    "word", ["1.", "2)", "-", "+", "*", "#", "##", "---", "===", ">quoted", "```"]
)
@pytest.mark.parametrize("width", [20, 40, 80])
def test_wrapping_never_starts_a_line_with_block_syntax(word: str, width: int) -> None:
    brief = Brief(
        story_id="s4",
        headline="h",
        summary=tuple(CitedText(" ".join(["word"] * n + [word, "tail"]), ()) for n in range(30)),
        facts=(),
        entities=(),
        quotes=(),
        timeline=(),
        discrepancies=(),
        articles=(),
    )
    text = render_markdown([brief], width=width)
    continuation = [line.lstrip() for line in text.splitlines() if line.startswith("  ")]
    assert continuation, "some items wrapped"
    assert not [line for line in continuation if line.split(" ")[0] == word]


def test_control_characters_are_dropped() -> None:
    text = "Calm \x1b[2J\x1b]0;owned\x07 words\x00 here."
    brief = Brief(
        story_id="s5",
        headline="Head\x1b[31mline",
        summary=(CitedText("x", (Span("c1", 0, len(text)),)),),
        facts=(),
        entities=(),
        quotes=(),
        timeline=(),
        discrepancies=(),
        articles=(SourceRef("c1", "Out\x9blet", None, None, DateOrigin.UNKNOWN, None, None),),
        texts={"c1": text},
    )
    for output in (render_markdown([brief]), render_html([brief])):
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", output)
        assert "Head[31mline" in output and "Outlet" in output
        assert "Calm [2J]0;owned words here." in output


def test_citation_of_unlisted_article_is_refused() -> None:
    brief = Brief(
        story_id="s3",
        headline="h",
        summary=(CitedText("x", (Span("missing", 0, 1),)),),
        facts=(),
        entities=(),
        quotes=(),
        timeline=(),
        discrepancies=(),
        articles=BRIEF.articles,
        texts=dict(TEXTS),
    )
    with pytest.raises(RenderError, match=r"'missing'.*not in brief.articles"):
        render_markdown([brief])
    with pytest.raises(RenderError, match="'missing'"):
        render_html([brief])


def test_width_below_minimum_is_an_option_error() -> None:
    with pytest.raises(OptionError, match=r"'width'.*got 5"):
        render_markdown([BRIEF], width=5)


def test_missing_text_is_said_not_guessed() -> None:
    brief = make_brief()
    bare = Brief(**{f: getattr(brief, f) for f in brief.__slots__ if f != "texts"})
    text = render_markdown([bare])
    assert "   - (text not available: characters" in text
    page = render_html([bare])
    assert "text not available (characters" in page


# --- HTML --------------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class TagBalance(HTMLParser):
    """Fails on an end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-3:]}"
        self.stack.pop()


def parse(page: str) -> TagBalance:
    checker = TagBalance()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


def test_html_is_balanced_and_links_resolve() -> None:
    page = render_html([BRIEF, BRIEF], title="Herring")
    assert page.startswith("<!DOCTYPE html>\n")
    checker = parse(page)
    assert len(checker.ids) == len(set(checker.ids)), "ids are unique"
    internal = [h[1:] for h in checker.hrefs if h.startswith("#")]
    assert set(internal) <= set(checker.ids)
    assert {"b1", "b2"} <= set(internal), "the table of contents links both briefs"
    tree = lxml_html.document_fromstring(page)
    assert [h.text_content() for h in tree.xpath("//article/h2")] == [BRIEF.headline] * 2


def test_html_sections_in_order_with_discrepancies_first() -> None:
    tree = lxml_html.document_fromstring(render_html([BRIEF]))
    headings = [h.text_content() for h in tree.xpath("//article/section/h3")]
    assert headings == [
        "Discrepancies",
        "Summary",
        "Key facts",
        "People and organisations",
        "Quotes",
        "Timeline",
        "Sources",
        "Cited passages",
    ]


def test_every_marker_reveals_its_cited_passages() -> None:
    tree = lxml_html.document_fromstring(render_html([BRIEF]))
    markers = tree.xpath("//a[@class='cite']")
    assert len(markers) == 15
    for marker in markers:
        note = tree.get_element_by_id(marker.get("href")[1:])
        number = int(marker.text_content().strip("[]"))
        ref = BRIEF.articles[number - 1]
        assert f"[{number}] {ref.source}" in note.text_content()
        marked = [m.text_content() for m in note.xpath(".//mark")]
        assert marked, "the note quotes at least one passage"
        for passage in marked:
            assert passage in TEXTS[ref.article_id]
            assert passage in marker.get("title")


@pytest.mark.parametrize("span", ALL_SPANS, ids=lambda s: f"{s.article_id}:{s.start}")
def test_html_contains_each_cited_passage_escaped_in_mark(span: Span) -> None:
    page = render_html([BRIEF])
    passage = " ".join(TEXTS[span.article_id][span.start : span.end].split())
    assert f"<mark>{escape(passage)}</mark>" in page


def test_passage_context_is_the_surrounding_sentence() -> None:
    page = render_html([BRIEF])
    # the cited words inside their sentence, quotes escaped, nothing beyond the sentence end
    assert (
        "<blockquote>Negotiators from Ruritania and Freedonia capped herring catches at "
        "40,000 tonnes after <mark>three days of talks</mark>.</blockquote>"
    ) in page


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        ("One. Two three four. Five.", "three", ("Two ", "three", " four.")),
        (
            "Start here\nnext line, cited part, rest\nafter",
            "cited",
            ("next line, ", "cited", " part, rest"),
        ),
        ("cited at start", "cited", ("", "cited", " at start")),
        ("a " * 200 + "cited" + " b" * 200, "cited", ("…" + "a " * 79, "cited", " b" * 79 + "…")),
        ('He said "fine." Then cited it. Done', "cited", ("Then ", "cited", " it.")),
        ("x  \n  y cited", "cited", ("y ", "cited", "")),
        (
            "Talks ended. The U.S. team met Mr. Li, cited here. Next.",
            "cited",
            ("The U.S. team met Mr. Li, ", "cited", " here."),
        ),
        ('"Go," he said. "We cited it!" Then.', "cited", ('"We ', "cited", ' it!"')),
    ],
)
def test_passage_in_context(text: str, phrase: str, expected: tuple[str, str, str]) -> None:
    start = text.index(phrase)
    assert passage_in_context(text, start, start + len(phrase)) == expected


HOSTILE_URL = 'https://x.example/?q="><img/src=x/onerror=alert(1)>'
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


def hostile_brief() -> Brief:
    text = f"Intro. Attack {XSS[0]} and {XSS[1]} here. End."
    quote_span = cite("h1", XSS[0], text)
    return Brief(
        story_id=f"s{XSS[1]}",
        headline=f"Headline {XSS[0]}",
        summary=(CitedText(f"Summary {XSS[1]}", (quote_span,)),),
        facts=(Fact(f"Fact {XSS[0]}", Support(1, 1), (cite("h1", XSS[1], text),)),),
        entities=(EntitySummary(XSS[1], XSS[0], (XSS[1],), 1, (quote_span,)),),
        quotes=(QuoteItem(XSS[0], XSS[1], XSS[0], (quote_span,)),),
        timeline=(
            TimelineEntry("2031-01", Precision.MONTH, XSS[1], XSS[0], False, Support(1, 1), ()),
        ),
        discrepancies=(Discrepancy(XSS[0], XSS[1], XSS[0], (CitedText(XSS[1], (quote_span,)),)),),
        articles=(
            SourceRef(
                "h1", XSS[0], XSS[1], None, DateOrigin.UNKNOWN, "javascript:alert(1)", XSS[0]
            ),
            SourceRef("h2", XSS[1], XSS[0], None, DateOrigin.UNKNOWN, HOSTILE_URL, None),
        ),
        texts={"h1": text},
    )


def test_html_escapes_all_article_derived_text() -> None:
    page = render_html([hostile_brief()], title=XSS[1])
    parse(page)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "javascript:" not in page.replace("javascript:alert(1)</code>", "")
    assert 'href="javascript' not in page
    assert escape(XSS[0]) in page
    assert escape(XSS[1]) in page
    tree = lxml_html.document_fromstring(page)
    assert not tree.xpath("//script | //img | //*[@onerror]")
    # the hostile text is still shown, as text
    assert XSS[0] in tree.xpath("string(//h2)")
    assert tree.xpath("//mark")[0].text_content() == XSS[0]


def test_html_loads_nothing_from_outside() -> None:
    page = render_html([BRIEF, hostile_brief()])
    checker = parse(page)
    for tag, attrs in checker.tags:
        assert tag not in {"script", "link", "img", "iframe", "object", "embed", "base"}, tag
        assert "src" not in attrs and "srcset" not in attrs and "style" not in attrs, tag
        if "href" in attrs:
            assert tag == "a", tag
            href = str(attrs["href"])
            assert href.startswith(("#", "https://", "http://")), href
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style and "@import" not in style
    assert "default-src 'none'" in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?y=1", "https://a.example/x?y=1"),
        ("http://a.example", "http://a.example"),
        ("  HTTPS://a.example/  ", "HTTPS://a.example/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("//a.example/x", None),
        ("file:///etc/passwd", None),
        ("https://a.example/x y", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_html_links_only_http_urls() -> None:
    tree = lxml_html.document_fromstring(render_html([BRIEF, hostile_brief()]))
    external = [a.get("href") for a in tree.xpath("//a[not(starts-with(@href, '#'))]")]
    assert external == ["https://gazette.example/herring", HOSTILE_URL]
    codes = [c.text_content() for c in tree.xpath("//section[@class='sources']//code")]
    assert codes == ["a2.txt", "javascript:alert(1)"]


def test_html_shows_dates_precision_and_schedule() -> None:
    tree = lxml_html.document_fromstring(render_html([BRIEF]))
    dates = [d.text_content() for d in tree.xpath("//ol[@class='timeline']//span[@class='date']")]
    assert dates == ["2030-05 (month)", "2031-04-02 (scheduled)"]
    sources = tree.xpath("string(//section[@class='sources'])")
    assert "date unknown" in sources and "2031-03-15 (date inferred)" in sources


def test_html_is_deterministic_and_handles_no_briefs() -> None:
    assert render_html([BRIEF]) == render_html([make_brief()])
    empty = render_html([])
    parse(empty)
    assert "No briefs to show." in empty
