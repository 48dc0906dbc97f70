"""Property: annotating any text never raises, and every span lies in the text it cites.

Arbitrary unicode, and text assembled from what the annotators look for (quote marks, cues,
names, digits, percent signs, month and weekday names, newlines), parsed by the real spaCy
model (loaded once per session by the ``nlp`` fixture). Every span of every annotation
(sentences, entities, quotes with their speaker and cue, quantities, times) must lie inside
the article text, and slice to the annotation's text where it has one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from newsweave.annotate.pipeline import annotate_doc
from newsweave.errors import InputError
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, Span

_WORDS = [
    "said", "told reporters", "according to", "Mayor Ines Carrow", "He", "she", "Trump",
    "the ministry", "on Sunday", "next Thursday", "last Monday", "in May", "March 3",
    "October 2025", "2025-10-26", "earlier this month", "the end of September", "this weekend",
    "45%", "100 percent", "$4.2 million", "3.5 billion euros", "up to", "more than", "about",
    "1,000", "0.5", "-12", "½", "٣", "48-hour", "two weeks", ".", ",", ";", ":", "?", "!",
    "\"", "“", "”", "‘", "’", "'", "«", "»", "„", "(", ")", "—", "-", "\n", "\n\n", " ",
    "KUALA LUMPUR:", "WASHINGTON (Reuters) -", "Mr.", "U.S.", "e.g.", "%", "$", "€",
]  # fmt: skip
_TEXT = st.one_of(
    st.text(min_size=1, max_size=300),
    st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=8)), min_size=1, max_size=60).map(
        " ".join
    ),
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=80).map("".join),
)
_PUBLISHED = st.one_of(
    st.none(),
    st.sampled_from([datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)]),
    st.datetimes(min_value=datetime(1, 1, 1), timezones=st.just(UTC)),
)


def _check_span(span: Span, item: AnnotatedArticle, what: str, text: str | None) -> None:
    article = item.article
    assert span.article_id == article.article_id, what
    assert 0 <= span.start <= span.end <= len(article.text), f"{what} {span} out of range"
    if text is not None:
        assert span.text(article.text) == text, f"{what} {span} slices to another text"


def check_spans(item: AnnotatedArticle) -> None:
    """Every span inside the text; each annotation's span slices to its text."""
    for sentence in item.sentences:
        _check_span(sentence.span, item, "sentence", sentence.text)
    for entity in item.entities:
        _check_span(entity.span, item, "entity", entity.text)
    for quote in item.quotes:
        _check_span(quote.span, item, "quote", quote.text)
        if quote.speaker_span is not None:  # the speaker is a name, resolved ("he" -> who)
            _check_span(quote.speaker_span, item, "speaker", None)
        if quote.cue_span is not None:
            _check_span(quote.cue_span, item, "cue", quote.cue)
    for quantity in item.quantities:
        _check_span(quantity.span, item, "quantity", quantity.text)
    for time in item.times:
        _check_span(time.span, item, "time", time.text)


def annotate_text(nlp: Any, text: str, published: datetime | None = None) -> AnnotatedArticle:
    article = make_article(text, published=published)
    return annotate_doc(nlp(article.text), article)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, published=_PUBLISHED)
@example(text='He said: "We won 45% on Sunday." ', published=None)
def test_annotate_never_raises_and_spans_slice(nlp: Any, text: str, published: Any) -> None:
    try:
        article = make_article(text, published=published)
    except InputError:
        assume(False)  # nothing left after cleaning: the ingest stage rejects it
        return
    check_spans(annotate_doc(nlp(article.text), article))


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("On Sunday.", datetime(1, 1, 1, tzinfo=UTC)),  # a weekday before year 1
        ("next Thursday", datetime(9999, 12, 31, tzinfo=UTC)),  # after year 9999
        ("“" * 40 + "said" + "”" * 40, None),
        ("45%%% of 0.0.0 percent $-", None),
    ],
)
def test_annotate_edge_cases(nlp: Any, text: str, published: datetime | None) -> None:
    check_spans(annotate_text(nlp, text, published))
