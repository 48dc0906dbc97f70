"""Quantities on the seed reports and on a table of sentences of our own."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from tests.conftest import seed_file

from newsweave.annotate.quantities import extract_quantities, parse_number
from newsweave.model import Quantity


def _seed(prefix: str) -> str:
    path = seed_file(prefix)
    return path.read_text(encoding="utf-8")


def _find(quantities: list[Quantity], text: str) -> Quantity:
    hits = [q for q in quantities if q.text == text]
    assert hits, f"{text!r} not among {[q.text for q in quantities]}"
    return hits[0]


# (seed, quantity as written, value, unit, qualifier, measure or "" = not checked)
# fmt: off
SEED_CASES = [
    ("001", "145 percent", 145, "percent", None, "tariffs"),
    ("001", "up to 125 percent", 125, "percent", "up to", "tariffs on US goods"),
    ("001", "157 percent", 157, "percent", None, "tariff"),
    ("001", "more than five hours", 5, "hours", "more than", "met"),
    ("004", "about 55%", 55, "percent", "about", "tariffs"),
    ("004", "90-day", 90, "days", None, "truce"),
    ("004", "more than 50%", 50, "percent", "more than", ""),
    ("004", "100%", 100, "percent", None, "tariffs on Chinese goods"),
    ("000", "100%", 100, "percent", None, "tariffs on Chinese goods"),
    ("000", "$660 billion", 660e9, "USD", None, "important trade relationship"),
    ("000", "five-day", 5, "days", None, "Asia tour"),
    ("002", "145%", 145, "percent", None, "tariffs"),
    ("002", "up to 125%", 125, "percent", "up to", "tariffs for the US goods"),
    ("002", "more than 90%", 90, "percent", "more than", "global supply"),
    ("002", "two days", 2, "days", None, "trade talks"),
]
# fmt: on


@pytest.mark.parametrize(("seed", "text", "value", "unit", "qualifier", "measure"), SEED_CASES)
def test_seed_quantities(
    nlp: Language,
    seed: str,
    text: str,
    value: float,
    unit: str,
    qualifier: str | None,
    measure: str,
) -> None:
    article = _seed(seed)
    found = _find(extract_quantities(nlp(article), f"seed{seed}"), text)
    assert (found.value, found.unit, found.qualifier) == (value, unit, qualifier)
    if measure:
        assert found.measure == measure
    assert found.span.text(article) == text
    assert found.span.article_id == f"seed{seed}"


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_skips_ordinals_years_dates_and_names(nlp: Language, seed: str) -> None:
    texts = {q.text for q in extract_quantities(nlp(_seed(seed)), "s")}
    for not_a_quantity in ("1966", "47th", "fifth", "10", "30", "1", "118", "2025"):
        assert not_a_quantity not in texts


# (sentence, quantity as written, value, unit, qualifier, measure)
# fmt: off
SYNTHETIC = [
    ("The plant made 1,234 cars last year.", "1,234", 1234, "count", None, "cars"),
    ("Growth was 1.5 percent in the quarter.", "1.5 percent", 1.5, "percent", None, None),
    ("Five people were hurt.", "Five", 5, "count", None, "people"),
    ("The trade is worth $660 billion a year.", "$660 billion", 660e9, "USD", None, None),
    ("The fund lost €3.5 million.", "€3.5 million", 3.5e6, "EUR", None, None),
    ("They agreed a 90-day truce.", "90-day", 90, "days", None, "truce"),
    ("The two sides met for more than five hours.", "more than five hours", 5, "hours",
     "more than", "met"),
    ("Tariffs fell to about 55% after the deal.", "about 55%", 55, "percent", "about",
     "Tariffs"),
    ("China raised its tariffs on US goods up to 125 percent.", "up to 125 percent", 125,
     "percent", "up to", "tariffs on US goods"),
    ("Imports dropped by at least 20 percent.", "at least 20 percent", 20, "percent",
     "at least", "Imports"),
    ("The company cut nearly 300 jobs.", "nearly 300", 300, "count", "nearly", "jobs"),
    ("Over 40% of voters agreed.", "Over 40%", 40, "percent", "over", "voters"),
    ("Trump raised tariffs to 145 percent.", "145 percent", 145, "percent", None, "tariffs"),
    ("Washington threatened an additional 100% tariff on goods from China.", "100%", 100,
     "percent", None, "tariff on goods"),
    ("Trump threatened new 100% tariffs on Chinese goods and other curbs.", "100%", 100,
     "percent", None, "tariffs on Chinese goods"),
    ("They sold 2 million barrels of oil.", "2 million barrels", 2e6, "barrels", None, "oil"),
    ("The rebate is 25 dollars per order.", "25 dollars", 25, "USD", None, None),
    ("The loan carries 300 basis points over the benchmark.", "300 basis points", 300,
     "basis points", None, None),
    ("Rates rose twenty-five basis points.", "twenty-five basis points", 25, "basis points",
     None, None),
    ("Output fell 0.4 percentage points.", "0.4 percentage points", 0.4, "percentage points",
     None, None),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "text", "value", "unit", "qualifier", "measure"), SYNTHETIC)
def test_synthetic(
    nlp: Language,
    sentence: str,
    text: str,
    value: float,
    unit: str,
    qualifier: str | None,
    measure: str | None,
) -> None:
    found = _find(extract_quantities(nlp(sentence), "x"), text)
    assert (found.value, found.unit, found.qualifier) == (value, unit, qualifier)
    if measure is not None:
        assert found.measure == measure
    assert sentence[found.span.start : found.span.end] == text


@pytest.mark.parametrize(
    "sentence",
    [
        "It was the fifth meeting between the sides.",
        "ASEAN opened its 47th summit.",
        "The first trip was in 1966.",
        "The truce expires on November 10.",
        "The report is dated 2025-10-26.",
        "They met at 10:30 on Sunday.",
        "Officials toured the Merdeka 118 tower.",
        "He flew on Air Force One.",
    ],
)
def test_not_quantities(nlp: Language, sentence: str) -> None:
    assert extract_quantities(nlp(sentence), "x") == []


def test_over_as_a_preposition_is_no_qualifier(nlp: Language) -> None:
    found = _find(extract_quantities(nlp("They agreed over four meetings."), "x"), "four")
    assert found.qualifier is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234", 1234.0),
        ("1.5", 1.5),
        ("five", 5.0),
        ("Twenty-five", 25.0),
        ("ninety", 90.0),
        ("a few", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


_VOCABULARY = (
    "more than about up to nearly at least over 5 1,234 1.5 % percent $ € 660 billion five "
    "-day hours tariffs on goods of the raised to 90 twenty-five fifth 1966 November 10 . ,"
)
_WORDS = st.sampled_from(_VOCABULARY.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=25))
def test_extract_never_raises_and_spans_slice(nlp: Language, words: list[str]) -> None:
    text = " ".join(words)
    for q in extract_quantities(nlp(text), "h"):
        assert text[q.span.start : q.span.end] == q.text
        assert q.value == q.value  # not NaN
