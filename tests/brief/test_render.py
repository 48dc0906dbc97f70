"""Markdown and HTML rendering of briefs, on small invented briefs built from the model types."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser

import pytest
from lxml import html as lxml_html

from newsweave.brief.render_html import passage_in_context, render_html, safe_href
from newsweave.brief.render_md import RenderError, render_markdown
from newsweave.brief.view import copied_from, coverage, short_text
from newsweave.codec import coverage_out
from newsweave.errors import OptionError
from newsweave.model import (
    Brief,
    CitedText,
    CopyRef,
    DateOrigin,
    Discrepancy,
    EntitySummary,
    Fact,
    Precision,
    Quality,
    QuoteItem,
    SourceRef,
    SourceSignal,
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
ENTITY_ONLY_SPANS = {s for e in BRIEF.entities for s in e.citations} - {
    s
    for group in (BRIEF.summary, BRIEF.facts, BRIEF.quotes, BRIEF.timeline)
    for element in group
    for s in element.citations
}
STATED_SPANS = [s for s in ALL_SPANS if s not in ENTITY_ONLY_SPANS]

GOLDEN = """\
# Ruritania and Freedonia cap herring catches

Story s-herring · 3 articles, 3 outlets · 2031-03-14 to 2031-03-15 (1 undated)

## Discrepancies

- **Length of the talks** (figure): The reports give different durations for the
  same talks. (confidence 1.00)
  - two days of talks [1]
  - three days of talks [2]

## Summary

- Ruritania and Freedonia agreed to cap herring catches at 40,000 tonnes a
  year. [1][2]
- The ministers will meet again on April 2 to sign the text. [1]

## Key facts

- F1: The cap is 40,000 tonnes. (3 articles, 3 independent) [1][2][3]

## Coverage

| Fact                         | [1] | [2] | [3] |
|------------------------------|:---:|:---:|:---:|
| F1 The cap is 40,000 tonnes. |  ●  |  ●  |  ●  |

● reports the fact.

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
   - “The ministers will meet again on April 2 to sign the text.”
   - “meet again on April 2”
2. Northern Wire — “Fleets win cap” — date unknown — a2.txt
   - “capped herring catches at 40,000 tonnes”
   - “40,000 tonnes”
   - “three days of talks”
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
        "## Coverage",
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


@pytest.mark.parametrize("span", STATED_SPANS, ids=lambda s: f"{s.article_id}:{s.start}")
def test_markdown_quotes_each_exact_cited_passage(span: Span) -> None:
    text = _unwrapped(render_markdown([BRIEF]))
    passage = " ".join(TEXTS[span.article_id][span.start : span.end].split())
    assert f"   - “{passage}”" in text


def test_markdown_sources_leave_out_entity_mentions() -> None:
    """Names cited only by the entity list do not crowd the passages under each source."""
    assert ENTITY_ONLY_SPANS, "the test brief has entity-only citations"
    sources = render_markdown([BRIEF]).split("## Sources")[1]
    for span in ENTITY_ONLY_SPANS:
        passage = TEXTS[span.article_id][span.start : span.end]
        assert f"“{passage}”" not in sources


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
        "Coverage",
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


# --- fusion results: support, coverage, copies, quality --------------------------------------

# A fourth report: two sentences reprinted word for word from a1, one of its own.
REPRINT = (
    "Ruritania and Freedonia agreed on Friday to cap herring catches at 40,000 tonnes a "
    "year. The accord followed two days of talks, officials said. Fleets in XI ports cheered."
)
FUSED_TEXTS = {**TEXTS, "a4": REPRINT}
ODD_REASON = "odd <b>markup</b> & 'quotes'"


def fcite(article_id: str, phrase: str) -> Span:
    return cite(article_id, phrase, FUSED_TEXTS[article_id])


def make_fused_brief() -> Brief:
    base = make_brief()
    copied = (
        fcite("a4", "Ruritania and Freedonia agreed on Friday to cap herring catches at 40,000"),
        fcite("a4", "tonnes a year. The accord followed two days of talks, officials said."),
    )
    reprint_ref = SourceRef(
        "a4",
        "Reprint <i>Weekly</i>",
        "Herring deal agreed",
        datetime(2031, 3, 14, 12, 0, tzinfo=UTC),
        DateOrigin.HEADER,
        None,
        None,
    )
    return replace(
        base,
        facts=(
            Fact(
                "The cap is 40,000 tonnes.",
                Support(4, 3),
                (*base.facts[0].citations, fcite("a4", "40,000 tonnes")),
            ),
            Fact(
                "Critics said the limit set in May 2030 was | never enforced.",
                Support(1, 1),
                (fcite("a3", "Critics said the limit set in May 2030 was never enforced."),),
            ),
        ),
        entities=(
            *base.entities,
            EntitySummary("XI", "GPE", (), 1, (fcite("a4", "XI"),)),
        ),
        discrepancies=(
            Discrepancy(
                "Length of the talks",
                "duration",
                "The reports give different durations for the same talks.",
                (
                    CitedText(
                        "two days of talks",
                        (fcite("a1", "two days of talks"), fcite("a4", "two days of talks")),
                        Support(2, 1),
                    ),
                    CitedText(
                        "three days of talks", (fcite("a2", "three days of talks"),), Support(1, 1)
                    ),
                ),
            ),
        ),
        articles=(*base.articles, reprint_ref),
        sources=(
            SourceSignal("a1", (), 3, Quality(1.0, ())),
            SourceSignal("a2", (), 1, Quality(0.95, ())),
            SourceSignal("a3", (), 0, Quality(0.9, ("words run together: Somewhere",))),
            SourceSignal(
                "a4",
                (CopyRef("a1", 142, copied),),
                0,
                Quality(0.37, ("names in capitals: XI", ODD_REASON)),
            ),
        ),
        texts=dict(FUSED_TEXTS),
    )


FUSED = make_fused_brief()


def _source_block(markdown: str, number: int) -> str:
    """The lines of one numbered entry of the Sources list."""
    sources = markdown.split("## Sources")[1]
    return re.split(r"^(?=\d+\. )", sources, flags=re.MULTILINE)[number]


def test_markdown_discrepancy_sides_show_their_support() -> None:
    text = render_markdown([FUSED], width=None)
    assert "  - two days of talks (2 articles, 1 independent) [1][4]\n" in text
    assert "  - three days of talks (1 article, 1 independent) [2]\n" in text
    assert text.index("## Discrepancies") < text.index("## Summary")


def test_markdown_coverage_table() -> None:
    text = render_markdown([FUSED])
    section = text.split("## Coverage\n\n")[1].split("\n## ")[0]
    assert section.splitlines() == [
        "| Fact                                       | [1] | [2] | [3] | [4] |",
        "|--------------------------------------------|:---:|:---:|:---:|:---:|",
        "| F1 The cap is 40,000 tonnes.               |  ●  |  ●  |  ●  |  ○  |",
        "| F2 Critics said the limit set in May 2030… |     |     |  ●  |     |",
        "",
        "● reports the fact; ○ only in wording repeated from another source.",
        "Reported by one source only: F2.",
        "Mostly wording repeated from other sources: [4].",
    ]
    headings = re.findall(r"^## .*$", text, flags=re.MULTILINE)
    assert headings.index("## Coverage") == headings.index("## Key facts") + 1
    assert "- F2: Critics said the limit set in May 2030 was | never enforced." in text


def test_markdown_coverage_escapes_table_pipes() -> None:
    brief = replace(
        FUSED,
        facts=(Fact("Talks | fails", Support(2, 2), (fcite("a1", "two"), fcite("a2", "three"))),),
    )
    table = render_markdown([brief]).split("## Coverage")[1]
    assert "| F1 Talks \\| fails |  ●  |  ●  |     |     |" in table


def test_markdown_coverage_caps_columns() -> None:
    refs = tuple(
        SourceRef(f"x{i}", f"Outlet {i}", None, None, DateOrigin.UNKNOWN, None, None)
        for i in range(1, 16)
    )
    facts = (
        Fact("Everyone says so.", Support(15, 15), tuple(Span(r.article_id, 0, 4) for r in refs)),
        Fact("Only the last ones do.", Support(2, 2), (Span("x14", 0, 4), Span("x15", 0, 4))),
    )
    brief = Brief(
        story_id="wide",
        headline="h",
        summary=(),
        facts=facts,
        entities=(),
        quotes=(),
        timeline=(),
        discrepancies=(),
        articles=refs,
        texts={r.article_id: "Some text." for r in refs},
    )
    text = render_markdown([brief])
    header, _, every, last = text.split("## Coverage\n\n")[1].splitlines()[:4]
    assert re.findall(r"\[\d+\]", header) == [f"[{i}]" for i in range(1, 13)]
    assert header.rstrip(" |").endswith("+3 more")
    assert every.count("●") == 12 and every.rstrip(" |").endswith("+3")
    assert last.count("●") == 0 and last.rstrip(" |").endswith("+2")
    assert "+N: how many of the sources not shown report it" in text


def test_markdown_no_coverage_for_a_single_source() -> None:
    single = replace(
        BRIEF, articles=BRIEF.articles[:1], facts=(), discrepancies=(), entities=(), quotes=()
    )
    brief = replace(single, summary=single.summary[1:], timeline=single.timeline[1:])
    assert "## Coverage" not in render_markdown([brief])


def test_markdown_source_signals() -> None:
    text = _unwrapped(render_markdown([FUSED]))
    first = _source_block(text, 1)
    assert "   - first to report 3 facts\n" in first
    assert "quality" not in first and "repeats" not in first
    second = _source_block(text, 2)
    assert "   - first to report 1 fact\n" in second
    assert "quality" not in second, "a clean score without reasons is not worth a line"
    third = _source_block(text, 3)
    assert "   - quality 0.90 — words run together: Somewhere\n" in third
    fourth = _source_block(text, 4)
    assert fourth.startswith("4. Reprint <i>Weekly</i> — “Herring deal agreed” — 2031-03-14\n")
    assert f"   - quality 0.37 — names in capitals: XI; {ODD_REASON}\n" in fourth
    assert "   - repeats 142 characters of [1]\n" in fourth
    assert "first to report" not in fourth
    # signals come before the passages; a passage in copied wording says whose it is
    assert fourth.index("repeats 142") < fourth.index("   - “")
    assert "   - “two days of talks” (repeats [1])\n" in fourth
    assert "   - “40,000 tonnes” (repeats [1])\n" in fourth
    assert "“XI”" not in fourth, "entity mentions are not listed as passages"


def test_markdown_fused_brief_fits_the_width() -> None:
    for width in (80, 100):
        for line in render_markdown([FUSED], width=width).splitlines():
            assert len(line) <= width, line


def test_coverage_matches_the_json_matrix() -> None:
    table = coverage(FUSED)
    data = coverage_out(FUSED)
    assert [aid for _, aid in table.columns] == data["article_ids"]
    assert [[c.reported for c in row] for row in table.rows] == [
        row["articles"] for row in data["rows"]
    ]
    assert list(table.single_source) == data["single_source"]
    assert table.rows[0][3].copied_from == "a1"
    assert table.rows[0][0].copied_from is None


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("two days of talks", "a1"),  # inside one copied span
        ("tonnes a year. The accord", "a1"),  # across two spans split by a space
        ("officials said. Fleets", None),  # only partly copied
        ("Fleets in XI ports", None),
    ],
)
def test_copied_from(phrase: str, expected: str | None) -> None:
    assert copied_from(FUSED, (fcite("a4", phrase),)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short fact.", "Short fact."),
        (
            "one two three four five six seven eight nine",
            "one two three four five six seven eight…",
        ),
        ("A" * 60, "A" * 39 + "…"),
        (
            "Talks, then more talks and more talks and more, and more",
            "Talks, then more talks and more talks…",
        ),
    ],
)
def test_short_text(text: str, expected: str) -> None:
    assert short_text(text) == expected


def test_html_discrepancy_badges() -> None:
    tree = lxml_html.document_fromstring(render_html([FUSED]))
    sides = tree.xpath("//section[@class='discrepancies']//ul/li/ul/li")
    badges = [side.xpath("string(.//span[contains(@class, 'badge')])") for side in sides]
    assert badges == ["2 articles · 1 independent", "1 article · 1 independent"]
    assert sides[0].xpath(".//span/@class")[0] == "badge weak"


def test_html_coverage_matrix() -> None:
    page = render_html([FUSED])
    parse(page)
    tree = lxml_html.document_fromstring(page)
    section = tree.xpath("//section[@class='coverage']")[0]
    head = section.xpath(".//thead/tr/th")
    assert [th.text_content() for th in head] == ["Fact", "[1]", "[2]", "[3]", "[4]"]
    assert head[4].get("class") == "reprint"
    assert [a.get("href") for a in section.xpath(".//thead//a")] == [
        f"#b1-s{n}" for n in range(1, 5)
    ]
    rows = section.xpath(".//tbody/tr")
    assert [[td.text_content() for td in row.xpath("td")] for row in rows] == [
        ["●", "●", "●", "○"],
        ["", "", "●", ""],
    ]
    assert rows[0].xpath("td")[3].get("class") == "copied"
    assert rows[1].get("class") == "single"
    assert rows[1].xpath("th/a/@href") == ["#b1-f2"]
    assert tree.get_element_by_id("b1-f2").text_content().startswith("F2 Critics")
    text = section.text_content()
    assert "Reported by one source only: F2" in text
    assert "Mostly wording repeated from other sources: [4]" in text


def test_html_source_cards() -> None:
    page = render_html([FUSED])
    tree = lxml_html.document_fromstring(page)
    cards = [tree.get_element_by_id(f"b1-s{n}") for n in range(1, 5)]
    meters = [card.xpath(".//meter/@value") for card in cards]
    assert meters == [["1.00"], ["0.95"], ["0.90"], ["0.37"]]
    assert cards[0].xpath("string(.//p[@class='first'])") == "First to report 3 facts"
    reprint = cards[3]
    assert reprint.xpath(".//div[contains(@class, 'quality')]/@class") == ["quality low"]
    assert [li.text_content() for li in reprint.xpath(".//ul[@class='reasons']/li")] == [
        "names in capitals: XI",
        ODD_REASON,
    ]
    link = reprint.xpath(".//ul[@class='copies']//a")[0]
    assert link.get("href") == "#b1-s1"
    assert reprint.xpath("string(.//ul[@class='copies'])") == (
        "Repeats 142 characters of [1] Port Elm Gazette"
    )
    # names and reasons are escaped, never markup
    assert escape(ODD_REASON) in page and ODD_REASON not in page
    assert "Reprint &lt;i&gt;Weekly&lt;/i&gt;" in page
    assert not tree.xpath("//i | //b")


def test_html_highlights_copied_passages() -> None:
    page = render_html([FUSED])
    tree = lxml_html.document_fromstring(page)
    copied = tree.xpath("//section[@class='notes']//mark[@class='copied']")
    assert {m.text_content() for m in copied} == {"two days of talks", "40,000 tonnes"}
    for mark in copied:
        note = mark.getparent()
        assert note.xpath(".//span[@class='copynote']//a/@href") == ["#b1-s1"]
    # the same words in the origin and in a2's own report are plain marks
    own = tree.xpath("//section[@class='notes']//mark[not(@class)]")
    assert "two days of talks" in {m.text_content() for m in own}


def test_html_escapes_fusion_data() -> None:
    hostile = hostile_brief()
    span = hostile.summary[0].citations[0]
    brief = replace(
        hostile,
        discrepancies=(
            Discrepancy(XSS[0], XSS[1], XSS[0], (CitedText(XSS[1], (span,), Support(1, 1)),)),
        ),
        sources=(SourceSignal("h1", (CopyRef("h2", 9, (span,)),), 1, Quality(0.2, tuple(XSS))),),
    )
    page = render_html([brief])
    parse(page)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    tree = lxml_html.document_fromstring(page)
    assert not tree.xpath("//script | //img | //*[@onerror]")
    reasons = tree.xpath("//ul[@class='reasons']/li")
    assert [r.text_content() for r in reasons] == XSS
    # the copy link names the hostile outlet of h2 as text
    assert tree.xpath("string(//ul[@class='copies']//a)") == f"[2] {XSS[1]}"
    assert tree.xpath("//mark[@class='copied']")[0].text_content() == XSS[0]
    markdown = render_markdown([brief])
    assert f"quality 0.20 — {XSS[0]}; {XSS[1]}" in _unwrapped(markdown)


# --- Quote notes, on the briefs of the example corpus -----------------------------------------


@pytest.fixture(scope="module")
def example_briefs() -> list[Brief]:
    from tests.support.golden import build, examples

    return build(examples())


def _quote_lines(markdown: str) -> dict[str, str | None]:
    """Each quote bullet's text (up to the closing mark) and the line after it."""
    lines = markdown.splitlines()
    return {
        line[2:].split("”", 1)[0] + "”": lines[i + 1] if i + 1 < len(lines) else None
        for i, line in enumerate(lines)
        if line.startswith("- “")
    }


def _html_quote_notes(page: str) -> dict[str, list[str]]:
    tree = lxml_html.document_fromstring(page)
    return {
        li.xpath("string(span[@class='quote'])"): [
            n.text_content() for n in li.xpath("span[@class='quote-note']")
        ]
        for li in tree.xpath("//li[span[@class='quote']]")
    }


@pytest.mark.slow
def test_quote_notes_show_under_their_quote_only(example_briefs: list[Brief]) -> None:
    noted = plain = 0
    for brief in example_briefs:
        md = _quote_lines(render_markdown([brief], width=None))
        page = render_html([brief])
        parse(page)
        html_notes = _html_quote_notes(page)
        for quote in brief.quotes:
            shown = f"“{quote.text}”"
            after = md[shown] or ""
            if quote.note:
                noted += 1
                assert after.startswith("  _") and quote.note.lower() in after.lower()
                assert [n.lower() for n in html_notes[shown]] == [quote.note.lower()]
            else:
                plain += 1
                assert "slightly differently" not in after and not after.startswith("  _")
                assert html_notes[shown] == []
    # The example corpus holds quotes worded slightly differently by outlets, and others.
    assert noted >= 2 and plain >= 2


def test_quote_note_is_escaped_in_html() -> None:
    hostile = hostile_brief()
    brief = replace(hostile, quotes=(replace(hostile.quotes[0], note=XSS[1]),))
    page = render_html([brief])
    parse(page)
    tree = lxml_html.document_fromstring(page)
    assert not tree.xpath("//img | //*[@onerror]")
    assert tree.xpath("string(//span[@class='quote-note'])") == XSS[1]
    assert f"_{XSS[1]}_" in render_markdown([brief], width=None)
