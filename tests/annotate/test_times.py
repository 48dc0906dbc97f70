"""Time expressions on the seed reports and on a table of sentences of our own."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from tests.conftest import seed_file

from newsweave.annotate.times import infer_publication_date, resolve_times
from newsweave.model import Precision, Tense, TimeExpr

D = date
SUN = D(2025, 10, 26)
SAT = D(2025, 10, 25)
WED = D(2025, 10, 22)


def _seed(prefix: str) -> str:
    path = seed_file(prefix)
    return path.read_text(encoding="utf-8")


def _find(times: list[TimeExpr], text: str, nth: int = 0) -> TimeExpr:
    hits = [t for t in times if t.text == text]
    assert len(hits) > nth, f"{text!r} not among {[t.text for t in times]}"
    return hits[nth]


# (seed, reference, expression as written, nth occurrence, start, end, precision)
# fmt: off
SEED_CASES = [
    ("001", SUN, "next week on Thursday", 0, D(2025, 10, 30), D(2025, 10, 30), Precision.DAY),
    ("001", SUN, "until November 10", 0, D(2025, 11, 10), D(2025, 11, 10), Precision.DAY),
    ("001", SUN, "In August", 0, D(2025, 8, 1), D(2025, 8, 31), Precision.MONTH),
    ("001", SUN, "on Saturday", 0, SAT, SAT, Precision.DAY),
    ("001", SUN, "in 1966", 0, D(1966, 1, 1), D(1966, 12, 31), Precision.YEAR),
    ("001", SUN, "in July", 0, D(2025, 7, 1), D(2025, 7, 31), Precision.MONTH),
    ("001", SUN, "this coming week", 0, D(2025, 10, 27), D(2025, 11, 2), Precision.WEEK),
    ("001", SUN, "from Sunday to Tuesday", 0, SUN, D(2025, 10, 28), Precision.RANGE),
    ("000", SUN, "on October 30", 0, D(2025, 10, 30), D(2025, 10, 30), Precision.DAY),
    ("000", SUN, "Sunday", 0, SUN, SUN, Precision.DAY),  # "... said Sunday"
    ("000", SUN, "in May", 0, D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH),
    ("000", SUN, "since May", 0, D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH),
    ("000", SUN, "on Sunday morning", 0, SUN, SUN, Precision.DAY),
    ("000", SUN, "on November 1", 0, D(2025, 11, 1), D(2025, 11, 1), Precision.DAY),
    ("002", WED, "this weekend", 0, SAT, SUN, Precision.RANGE),
    ("002", WED, "On Saturday", 0, SAT, SAT, Precision.DAY),  # "On Saturday and Sunday ..."
    ("002", WED, "Sunday", 0, SUN, SUN, Precision.DAY),  # "... will meet"
    ("002", WED, "until Nov. 10", 0, D(2025, 11, 10), D(2025, 11, 10), Precision.DAY),
    ("002", WED, "Wednesday", 0, WED, WED, Precision.DAY),  # "said Wednesday"
    ("002", WED, "Earlier this month", 0, D(2025, 10, 1), D(2025, 10, 31), Precision.MONTH),
    ("004", SAT, "next Thursday", 0, D(2025, 10, 30), D(2025, 10, 30), Precision.DAY),
    ("004", SAT, "on November 10", 0, D(2025, 11, 10), D(2025, 11, 10), Precision.DAY),
    ("004", SAT, "in May", 0, D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH),
    ("004", SAT, "on Friday night", 0, D(2025, 10, 24), D(2025, 10, 24), Precision.DAY),
    ("004", SAT, "at the end of September", 0, D(2025, 9, 1), D(2025, 9, 30), Precision.MONTH),
    ("004", SAT, "on Saturday", 0, SAT, SAT, Precision.DAY),  # "ended ... on Saturday"
    ("004", SAT, "on Sunday", 0, SUN, SUN, Precision.DAY),  # "is due to arrive"
    ("004", SAT, "in January", 0, D(2025, 1, 1), D(2025, 1, 31), Precision.MONTH),
    ("004", SAT, "next week", 0, D(2025, 10, 27), D(2025, 11, 2), Precision.WEEK),
    ("003", SAT, "on Thursday", 0, D(2025, 10, 30), D(2025, 10, 30), Precision.DAY),
]
# fmt: on


@pytest.mark.parametrize(("seed", "ref", "text", "nth", "start", "end", "precision"), SEED_CASES)
def test_seed_expressions(
    nlp: Language,
    seed: str,
    ref: date,
    text: str,
    nth: int,
    start: date,
    end: date,
    precision: Precision,
) -> None:
    article = _seed(seed)
    times = resolve_times(nlp(article), f"seed{seed}", ref)
    found = _find(times, text, nth)
    assert (found.start, found.end, found.precision) == (start, end, precision)
    assert found.span.text(article) == found.text
    assert found.span.article_id == f"seed{seed}"


def test_seed_future_weekdays_carry_future_tense(nlp: Language) -> None:
    times = resolve_times(nlp(_seed("002")), "s2", WED)
    assert _find(times, "On Saturday").tense is Tense.FUTURE
    assert _find(times, "Sunday").tense is Tense.FUTURE
    assert _find(times, "Wednesday").tense is Tense.PAST


def test_seed_durations_are_not_times(nlp: Language) -> None:
    texts = {t.text for t in resolve_times(nlp(_seed("004")), "s4", SAT)}
    assert not any("day" in t and "-" in t for t in texts), texts  # "five-day", "90-day"
    texts = {t.text for t in resolve_times(nlp(_seed("001")), "s1", SUN)}
    assert not any("hours" in t for t in texts), texts


@pytest.mark.parametrize(
    ("seed", "expected"),
    [("000", D(2025, 10, 26)), ("002", D(2025, 10, 22)), ("004", D(2025, 10, 25))],
)
def test_infer_publication_date_on_seeds(nlp: Language, seed: str, expected: date) -> None:
    assert infer_publication_date(nlp(_seed(seed)), D(2025, 10, 26)) == expected


MON = D(2025, 10, 27)

# (sentence, reference, expression, start, end, precision, tense or None = not checked)
# fmt: off
SYNTHETIC = [
    # explicit dates
    ("The summit will take place on October 30.", SUN, "on October 30",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.FUTURE),
    ("Talks ended on Oct. 30.", D(2025, 11, 5), "on Oct. 30",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.PAST),
    ("The deadline is Nov. 10.", SUN, "Nov. 10",
     D(2025, 11, 10), D(2025, 11, 10), Precision.DAY, Tense.PRESENT),
    ("The vote was moved to 30 October.", D(2025, 10, 1), "to 30 October",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.PAST),
    ("The truce expires on November 10, 2025.", None, "on November 10, 2025",
     D(2025, 11, 10), D(2025, 11, 10), Precision.DAY, None),
    ("The report is dated 2025-10-26.", None, "2025-10-26", SUN, SUN, Precision.DAY, None),
    ("They will meet on Oct 30th.", SUN, "on Oct 30th",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.FUTURE),
    ("Sales peaked on December 3.", D(2026, 1, 15), "on December 3",
     D(2025, 12, 3), D(2025, 12, 3), Precision.DAY, Tense.PAST),
    ("The leaders will meet on November 10.", D(2025, 10, 20), "on November 10",
     D(2025, 11, 10), D(2025, 11, 10), Precision.DAY, Tense.FUTURE),
    ("The law will take effect on January 5.", D(2025, 12, 20), "on January 5",
     D(2026, 1, 5), D(2026, 1, 5), Precision.DAY, Tense.FUTURE),
    ("Exports collapsed on June 1.", D(2026, 1, 10), "on June 1",
     D(2025, 6, 1), D(2025, 6, 1), Precision.DAY, Tense.PAST),
    ("They met on October 30.", None, "on October 30", None, None, Precision.DAY, Tense.PAST),
    ("On Sunday, October 26, the talks resumed.", D(2025, 10, 28), "On Sunday, October 26",
     SUN, SUN, Precision.DAY, Tense.PAST),
    # months
    ("The truce was reached in May.", SUN, "in May",
     D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH, Tense.PAST),
    ("Prices have risen since May.", SUN, "since May",
     D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH, Tense.PAST),
    ("The plan will be unveiled in March.", SUN, "in March",
     D(2026, 3, 1), D(2026, 3, 31), Precision.MONTH, Tense.FUTURE),
    ("The truce frayed at the end of September.", SUN, "at the end of September",
     D(2025, 9, 1), D(2025, 9, 30), Precision.MONTH, Tense.PAST),
    ("Earlier this month, China expanded its controls.", SUN, "Earlier this month",
     D(2025, 10, 1), D(2025, 10, 31), Precision.MONTH, Tense.PAST),
    ("Exports fell last month.", SUN, "last month",
     D(2025, 9, 1), D(2025, 9, 30), Precision.MONTH, Tense.PAST),
    ("Talks resume next month.", D(2025, 12, 5), "next month",
     D(2026, 1, 1), D(2026, 1, 31), Precision.MONTH, None),
    ("Output is flat this month.", SUN, "this month",
     D(2025, 10, 1), D(2025, 10, 31), Precision.MONTH, Tense.PRESENT),
    ("The election was held in August 2024.", SUN, "in August 2024",
     D(2024, 8, 1), D(2024, 8, 31), Precision.MONTH, Tense.PAST),
    ("He took office in January.", SUN, "in January",
     D(2025, 1, 1), D(2025, 1, 31), Precision.MONTH, Tense.PAST),
    ("In May no one came.", None, "In May", None, None, Precision.MONTH, None),
    # weekdays, tense-aware
    ("Greer said Sunday that progress was made.", SUN, "Sunday", SUN, SUN, Precision.DAY,
     Tense.PAST),
    ("The talks began on Saturday.", SUN, "on Saturday", SAT, SAT, Precision.DAY, Tense.PAST),
    ("Trump will arrive on Sunday.", WED, "on Sunday", SUN, SUN, Precision.DAY, Tense.FUTURE),
    ("Trump left Washington on Friday night.", SAT, "on Friday night",
     D(2025, 10, 24), D(2025, 10, 24), Precision.DAY, Tense.PAST),
    ("Trump arrived on Sunday morning.", SUN, "on Sunday morning", SUN, SUN, Precision.DAY,
     Tense.PAST),
    ("The leaders will meet next Thursday.", SUN, "next Thursday",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.FUTURE),
    ("The leaders will meet next Thursday.", MON, "next Thursday",
     D(2025, 11, 6), D(2025, 11, 6), Precision.DAY, Tense.FUTURE),
    ("The leaders meet next week on Thursday.", SUN, "next week on Thursday",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, None),
    ("The leaders will meet this coming week.", SUN, "this coming week",
     D(2025, 10, 27), D(2025, 11, 2), Precision.WEEK, Tense.FUTURE),
    ("A deal could come next week.", WED, "next week",
     D(2025, 10, 27), D(2025, 11, 2), Precision.WEEK, None),
    ("Exports fell last week.", SUN, "last week",
     D(2025, 10, 13), D(2025, 10, 19), Precision.WEEK, Tense.PAST),
    ("They will hold talks this weekend.", WED, "this weekend", SAT, SUN, Precision.RANGE,
     Tense.FUTURE),
    ("Negotiators to hold talks in Malaysia this weekend", WED, "this weekend",
     SAT, SUN, Precision.RANGE, Tense.FUTURE),
    ("The summit opened today.", SUN, "today", SUN, SUN, Precision.DAY, Tense.PAST),
    ("The talks ended yesterday.", SUN, "yesterday", SAT, SAT, Precision.DAY, Tense.PAST),
    ("The talks resume tomorrow.", SUN, "tomorrow", MON, MON, Precision.DAY, None),
    ("Trump is due to arrive on Sunday.", SAT, "on Sunday", SUN, SUN, Precision.DAY,
     Tense.FUTURE),
    ("The meeting is expected to take place on Thursday.", SAT, "on Thursday",
     D(2025, 10, 30), D(2025, 10, 30), Precision.DAY, Tense.FUTURE),
    ("Trump on Wednesday also said he will meet Xi.", WED, "on Wednesday", WED, WED,
     Precision.DAY, Tense.PAST),
    ("Markets open Monday.", SAT, "Monday", MON, MON, Precision.DAY, Tense.PRESENT),
    ("Malaysia is hosting the summit from Sunday to Tuesday.", WED, "from Sunday to Tuesday",
     SUN, D(2025, 10, 28), Precision.RANGE, Tense.PRESENT),
    ("Last Friday the ministry published the data.", SUN, "Last Friday",
     D(2025, 10, 24), D(2025, 10, 24), Precision.DAY, Tense.PAST),
    ("Any deal from Sunday's talks is likely to be fragile.", SUN, "Sunday", SUN, SUN,
     Precision.DAY, None),
    ("They met on Saturday.", None, "on Saturday", None, None, Precision.DAY, Tense.PAST),
    ("Officials outlined measures earlier this week.", WED, "earlier this week",
     D(2025, 10, 20), D(2025, 10, 26), Precision.WEEK, Tense.PAST),
    ("The firm expects a vaccine by December.", D(2025, 5, 28), "by December",
     D(2025, 12, 1), D(2025, 12, 31), Precision.MONTH, Tense.PRESENT),
    ("The shelling resumed after 1800 GMT on Saturday.", SUN, "on Saturday", SAT, SAT,
     Precision.DAY, Tense.PAST),
    # deadlines on a weekday: the reference's own week, whatever the tense
    ("The mayor told the council on Tuesday that she had given both sides until midnight on "
     "Friday to settle.", D(2026, 3, 11), "on Friday", D(2026, 3, 13), D(2026, 3, 13),
     Precision.DAY, None),
    ("She has set a deadline of midnight on Friday for a settlement.", D(2026, 3, 10),
     "on Friday", D(2026, 3, 13), D(2026, 3, 13), Precision.DAY, None),
    ("The pair reached a deal shortly before Friday's deadline.", D(2026, 3, 14), "Friday",
     D(2026, 3, 13), D(2026, 3, 13), Precision.DAY, Tense.PAST),
    ("Analysts said a deal was close before Friday's deadline.", D(2026, 3, 12), "Friday",
     D(2026, 3, 13), D(2026, 3, 13), Precision.DAY, None),
    # a simple present with a weekday is a schedule
    ("The hearings continue on Monday with evidence from the builder.", D(2026, 2, 5),
     "on Monday", D(2026, 2, 9), D(2026, 2, 9), Precision.DAY, Tense.PRESENT),
    ("Talks resume at 9 a.m. on Friday.", D(2026, 3, 12), "on Friday",
     D(2026, 3, 13), D(2026, 3, 13), Precision.DAY, None),
    # "due in May" modifying a noun of a past clause: the past May
    ("The pump's checks, due in May and November, had each been delayed by weeks.",
     D(2026, 2, 5), "in May", D(2025, 5, 1), D(2025, 5, 31), Precision.MONTH, Tense.PAST),
    ("The report is due in May.", D(2026, 2, 5), "in May",
     D(2026, 5, 1), D(2026, 5, 31), Precision.MONTH, None),
    # years
    ("The first visit was in 1966.", SUN, "in 1966",
     D(1966, 1, 1), D(1966, 12, 31), Precision.YEAR, Tense.PAST),
    ("Tariffs have risen since 2018.", SUN, "since 2018",
     D(2018, 1, 1), D(2018, 12, 31), Precision.YEAR, Tense.PAST),
]
# fmt: on


@pytest.mark.parametrize(
    ("sentence", "ref", "text", "start", "end", "precision", "tense"), SYNTHETIC
)
def test_synthetic(
    nlp: Language,
    sentence: str,
    ref: date | None,
    text: str,
    start: date | None,
    end: date | None,
    precision: Precision,
    tense: Tense | None,
) -> None:
    times = resolve_times(nlp(sentence), "x", ref)
    found = _find(times, text)
    assert (found.start, found.end, found.precision) == (start, end, precision)
    if tense is not None:
        assert found.tense is tense
    assert sentence[found.span.start : found.span.end] == text


def test_saturday_and_sunday_are_two_days(nlp: Language) -> None:
    times = resolve_times(nlp("The ministers met on Saturday and Sunday."), "x", MON)
    assert [(t.text, t.start) for t in times] == [("on Saturday", SAT), ("Sunday", SUN)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Trump began a five-day trip.",
        "The two sides talked for five hours.",
        "They agreed a 90-day truce.",
        "Officials may meet again.",
        "Some of those announcements may fall to Trump.",
        "It was the fifth round of talks.",
        "The tower is 118 storeys high.",
        "The strike came shortly after 1800 GMT.",
    ],
)
def test_not_time_expressions(nlp: Language, sentence: str) -> None:
    assert resolve_times(nlp(sentence), "x", SUN) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Bessent said Wednesday that talks will start on Saturday.", WED),
        ("The talks began on Saturday and resumed on Sunday.", SUN),
        ("The ministers will meet on Saturday.", None),  # future: no evidence
        ("Ministers met last Friday.", None),  # not a bare weekday
        ("There is no date here at all.", None),
    ],
)
def test_infer_publication_date(nlp: Language, sentence: str, expected: date | None) -> None:
    assert infer_publication_date(nlp(sentence), SUN) == expected


_VOCABULARY = (
    "on in since until next last this coming week weekend month year Sunday Monday Friday "
    "Saturday May March October Nov. Oct 30 10 2025 1966 2025-10-26 said will met meet is "
    "due to the end of today yesterday tomorrow night morning from and , . 's 5 - % hours "
    "five-day talks Trump"
)
_WORDS = st.sampled_from(_VOCABULARY.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=25),
    ref=st.one_of(st.none(), st.dates(min_value=D(1901, 1, 1), max_value=D(2098, 12, 31))),
)
def test_resolve_times_never_raises_and_spans_slice(
    nlp: Language, words: list[str], ref: date | None
) -> None:
    text = " ".join(words)
    for t in resolve_times(nlp(text), "h", ref):
        assert text[t.span.start : t.span.end] == t.text
        assert t.text
        assert (t.start is None) == (t.end is None)
        if t.start is not None and t.end is not None:
            assert t.start <= t.end
