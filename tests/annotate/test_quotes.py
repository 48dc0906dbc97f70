"""Direct quotations: pairing the marks, speaker and cue, on the seed reports and a table."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from tests.conftest import seed_file

from newsweave.annotate.quotes import extract_quotes
from newsweave.model import Quote


def _seed(nlp: Language, number: str) -> tuple[str, list[Quote]]:
    path = seed_file(number)
    text = path.read_text(encoding="utf-8")
    return text, extract_quotes(nlp(text), path.stem)


def _starting(quotes: list[Quote], prefix: str) -> Quote:
    hits = [q for q in quotes if q.text.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r}: {[q.text[:40] for q in quotes]}"
    return hits[0]


# seed, start of the quotation, speaker, cue, the speaker as written (None: don't check)
SEED_CASES = [
    ("000", "I think we’re getting to a spot", "Jamieson Greer", "said", "Greer"),
    ("001", "We talked about extending the truce", "Jamieson Greer", "said", "Greer"),
    ("001", "They have to make concessions", "Donald Trump", "said", "Trump"),
    ("001", "it is pretty close to be finalized", "Donald Trump", "said", "Trump"),
    ("001", "getting to a point where", "Jamieson Greer", "told reporters", "Jamieson Greer"),
    ("002", "They are in frequent contact", "Scott Bessent", "said", "Bessent"),
    ("002", "All options are on the table", "Scott Bessent", "said", "Bessent"),
    ("003", "It’s a tough neighborhood", "George Glass", "said", "Glass"),
    ("004", "They have been very constructive", "a Treasury spokesperson", "said", None),
    ("004", "I'm not sure the Chinese", "Josh Lipsky", "said", "Lipsky"),
    ("004", "We won't know if Beijing", "Scott Kennedy", "said", "Scott Kennedy"),
    ("004", "We have a lot to talk about", "Donald Trump", "said", "Trump"),
]


@pytest.mark.parametrize(("seed", "prefix", "speaker", "cue", "written"), SEED_CASES)
def test_seed_quotes(
    nlp: Language, seed: str, prefix: str, speaker: str, cue: str, written: str | None
) -> None:
    text, quotes = _seed(nlp, seed)
    quote = _starting(quotes, prefix)
    assert quote.speaker == speaker
    assert quote.cue == cue
    assert quote.speaker_span is not None and quote.cue_span is not None
    if written is not None:
        assert quote.speaker_span.text(text) == written
    assert quote.cue_span.text(text) == cue
    assert quote.span.text(text) == quote.text
    assert text[quote.span.start - 1] in '“"'  # the span leaves the opening mark out


def test_seed_multi_sentence_quote_and_pronoun(nlp: Language) -> None:
    text, quotes = _seed(nlp, "001")
    quote = _starting(quotes, "They have to make concessions")
    assert "157 percent" in quote.text and quote.text.endswith("want certain things from them")
    assert quote.speaker_span is not None
    assert quote.speaker_span.text(text) == "Trump"  # the mention "he" refers to, not "he"
    assert quote.speaker_span.start < quote.span.start


def test_seed_scare_quotes_are_not_quotes(nlp: Language) -> None:
    _, quotes = _seed(nlp, "000")
    assert not [q for q in quotes if q.text in ("productive meeting", "critical software")]


def test_seed_partial_quote_with_a_cue_is_kept(nlp: Language) -> None:
    """ "Bessent expressed hope that … issues “ironed out”": "expressed" is a cue here."""
    _, quotes = _seed(nlp, "002")
    quote = _starting(quotes, "ironed out")
    assert (quote.speaker, quote.cue) == ("Scott Bessent", "expressed")


def test_seed_quote_continued_without_cue_keeps_speaker(nlp: Language) -> None:
    _, quotes = _seed(nlp, "004")
    assert _starting(quotes, "If they make a deal").speaker == "Scott Kennedy"


# text, quoted words, speaker, cue, speaker as written
TABLE = [
    ("“We will win this,” Greer said.", "We will win this", "Greer", "said", "Greer"),
    ("“We will win this,” said Jane Roe.", "We will win this", "Jane Roe", "said", "Jane Roe"),
    ("Jane Roe said: “We will win this.”", "We will win this.", "Jane Roe", "said", "Jane Roe"),
    (
        "Jane Roe told reporters that the two sides were “close to a deal on tariffs.”",
        "close to a deal on tariffs.",
        "Jane Roe",
        "told reporters",
        "Jane Roe",
    ),
    (
        "The deal is “very close to being done,” according to Jane Roe.",
        "very close to being done",
        "Jane Roe",
        "according to",
        "Jane Roe",
    ),
    (
        "Jane Roe arrived in Paris on Monday. “We will win this,” he said.",
        "We will win this",
        "Jane Roe",
        "said",
        "Jane Roe",
    ),
    (
        "Treasury Secretary Scott Bessent said: “We will talk again next week.”",
        "We will talk again next week.",
        "Scott Bessent",
        "said",
        "Scott Bessent",
    ),
    (
        "“The talks were useful,” a Treasury spokesperson said.",
        "The talks were useful",
        "a Treasury spokesperson",
        "said",
        "a Treasury spokesperson",
    ),
    (
        "“The talks were useful,” the ministry said in a statement.",
        "The talks were useful",
        "the ministry",
        "said",
        "the ministry",
    ),
    (
        '"We will win," said John Smith, a professor at the university.',
        "We will win",
        "John Smith",
        "said",
        "John Smith",
    ),
    (
        "Senator Jane Roe spoke on Monday. “We are ready to vote,” Roe added.",
        "We are ready to vote",
        "Jane Roe",
        "added",
        "Roe",
    ),
    (
        "Jane Roe said the plan was ‘a total disaster for everyone involved’.",
        "a total disaster for everyone involved",
        "Jane Roe",
        "said",
        "Jane Roe",
    ),
    (
        'Jane Roe said the plan "is dead" on Monday.',
        "is dead",
        "Jane Roe",
        "said",
        "Jane Roe",
    ),
    (
        "The talks ended, with a spokesperson describing them as “very constructive”.",
        "very constructive",
        "a spokesperson",
        "describing them as",
        "a spokesperson",
    ),
    (
        "''We will vote tomorrow,'' Jane Roe said.",
        "We will vote tomorrow",
        "Jane Roe",
        "said",
        "Jane Roe",
    ),
    ("“We will vote tomorrow.” ― Jane Roe", "We will vote tomorrow.", "Jane Roe", "―", "Jane Roe"),
    (
        "Said Jane Roe: “We will vote tomorrow.”",
        "We will vote tomorrow.",
        "Jane Roe",
        "Said",
        "Jane Roe",
    ),
    (
        "Jane Roe stood up.\n“We are ready to vote on the bill.\n“We will do it today,” she said.",
        "We are ready to vote on the bill.\n“We will do it today",
        "Jane Roe",
        "said",
        "Jane Roe",
    ),
]


@pytest.mark.parametrize(("text", "quoted", "speaker", "cue", "written"), TABLE)
def test_patterns(
    nlp: Language, text: str, quoted: str, speaker: str, cue: str, written: str
) -> None:
    quotes = extract_quotes(nlp(text), "t")
    assert [q.text for q in quotes] == [quoted]
    quote = quotes[0]
    assert (quote.speaker, quote.cue) == (speaker, cue)
    assert quote.speaker_span is not None and quote.speaker_span.text(text) == written
    assert quote.cue_span is not None and quote.cue_span.text(text) == cue


NOT_QUOTES = [
    "We’re sure it’s Trump’s plan, and the Clintons’ plan too, isn't it?",
    "It was the ’90s and rock ’n’ roll ruled the charts.",
    "The meeting was a “productive meeting” between the two leaders.",
    "They set the stage for a “productive meeting,” the envoy said on Sunday.",
    "He read “The Art of the Deal” on the plane to Tokyo.",
    "The ban on “critical software” exports worried the industry.",
    "She said “we will never stop the fight.\nThe next paragraph opens no quotation.",
    "“Unclosed at the very end of the text",
]


@pytest.mark.parametrize("text", NOT_QUOTES)
def test_not_quotes(nlp: Language, text: str) -> None:
    assert extract_quotes(nlp(text), "t") == []


def test_quote_without_speaker_is_kept_unattributed(nlp: Language) -> None:
    text = "The crowd waited outside.\n“We want a fair deal for our farmers and workers.”"
    quotes = extract_quotes(nlp(text), "t")
    assert [(q.text, q.speaker, q.cue) for q in quotes] == [
        ("We want a fair deal for our farmers and workers.", None, None)
    ]


_ALPHABET = st.sampled_from(
    [*"abc XYZ.,:;!?\n", "“", "”", '"', "‘", "’", "'", "''", " said ", " he ", "Jane Roe", "―"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_never_raises_and_spans_slice(nlp: Language, text: str) -> None:
    for quote in extract_quotes(nlp(text), "h"):
        assert quote.span.text(text) == quote.text and quote.text.strip()
        assert text[: quote.span.start].rstrip()[-1] in "“”\"‘'"
        for span in (quote.speaker_span, quote.cue_span):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
        if quote.speaker is not None:
            assert quote.speaker.strip() and quote.speaker.lower() not in ("he", "she")


def test_a_full_name_sharing_a_surname_stays_its_own_speaker(nlp: Language) -> None:
    # "Omar Novak" once became the "Anna Novak" named before him: a quote given to someone
    # who did not say it.
    text = (
        "“The bank will raise its rates in the spring,” said Anna Novak, the central bank's "
        "governor. “The bank should wait until the summer,” said Omar Novak, a member of its "
        "board. “We will decide in March,” Novak said later."
    )
    speakers = [q.speaker for q in extract_quotes(nlp(text), "a")]
    assert speakers[:2] == ["Anna Novak", "Omar Novak"], speakers
