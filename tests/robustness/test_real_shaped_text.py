"""Property: real-shaped news text, read from a file and annotated, never breaks an annotator.

Not random bytes but what real pages and feeds contain: header lines (padded, repeated,
unknown keys), publication dates as feeds send them (RFC 2822, ISO with extreme offsets,
the placeholder years 0001 and 9999), abbreviated and tokenised months ("Sept.", "Sept ."),
relative dates, figures with qualifiers, and quotations (nested, unbalanced, with cues).
The same dates arrive in text headers, JSONL fields and RSS/Atom entries. Every item must be
ingested or rejected with a reason; a stated date is either read as a date the input states
(its year, or the next or last one once converted to UTC) or reported in the outcome, never
dropped unsaid; an ingested article must annotate with no annotator failing (``errors``
empty) and every time expression ordered.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from newsweave.annotate.pipeline import annotate_doc
from newsweave.ingest import read_inputs
from newsweave.model import IngestStatus

_MONTHS = ["Jan.", "Feb", "Sept.", "Sept", "Sept .", "Sep.", "September", "Dec.", "May", "June"]
_DAY = st.integers(min_value=0, max_value=32).map(str)
_YEAR = st.sampled_from(["0001", "1", "1999", "2009", "2025", "9999", "10000", ""])
_OFFSET = st.sampled_from(["Z", "+00:00", "+19:00", "-23:59", "+23:59", "+05:30", ""])
_WEEKDAY = st.sampled_from(["Mon", "Fri", "Sun", "Friday", "Sunday"])

_FEED_DATE = st.one_of(
    st.builds(
        "{}, {} Dec {} 23:59:59 {}".format,
        _WEEKDAY,
        _DAY,
        _YEAR,
        st.sampled_from(["GMT", "+0000", "-1200", "+1400", "+1900", "EST"]),
    ),
    st.builds(
        "{}-{}-{}T{}:00:00{}".format,
        st.sampled_from(["0001", "2025", "9999"]),
        st.sampled_from(["01", "02", "12", "13"]),
        st.sampled_from(["01", "29", "31"]),
        st.sampled_from(["00", "05", "23"]),
        _OFFSET,
    ),
    st.builds("{} {}, {}".format, st.sampled_from(_MONTHS), _DAY, _YEAR),
)
_TIME_PHRASE = st.one_of(
    st.builds("on {} {}".format, st.sampled_from(_MONTHS), _DAY),
    st.builds("{} {} {}".format, _DAY, st.sampled_from(_MONTHS), _YEAR),
    st.sampled_from(
        [
            "next year", "last year", "in December", "in January", "this month", "next month",
            "last week", "this weekend", "on Sunday", "next Thursday", "yesterday",
            "the end of September", "since 2018", "until November 10", "from Monday to Friday",
        ]
    ),
)  # fmt: skip
_FIGURE = st.one_of(
    st.builds("{}%".format, st.floats(0, 1000, allow_nan=False).map(lambda v: f"{v:g}")),
    st.builds("${} billion".format, st.integers(0, 10**6)),
    st.sampled_from(["up to 40 percent", "more than 1,000", "about 3.5 million", "-5", "½", "1e9"]),
)
_SPEAKER = st.sampled_from(["Anna Berg", "the minister", "He", "she", "Mr. Vik", "officials"])
_QUOTE = st.one_of(
    st.builds("“{},” {} said.".format, st.text("abc ,.", min_size=1, max_size=30), _SPEAKER),
    st.builds("{} said: “We {} ‘never’ agreed”.".format, _SPEAKER, st.sampled_from(["have", ""])),
    st.builds("“{} “nested” {}".format, st.sampled_from(["Open", ""]), st.sampled_from(["”", ""])),
    st.just("'' Tokenised quote , '' the spokesman told reporters ."),
)
_SENTENCE = st.builds(
    "{} The council {} {} {}. {}".format,
    st.sampled_from(["KUALA LUMPUR:", "", "WASHINGTON (Reuters) -", "BEIJING —"]),
    st.sampled_from(["said", "will meet", "met", "expects"]),
    _TIME_PHRASE,
    _FIGURE,
    _QUOTE,
)
_HEADER = st.lists(
    st.one_of(
        st.builds("title: {}".format, st.text("Ferry route x", min_size=0, max_size=30)),
        st.builds("date: {}".format, _FEED_DATE),
        st.builds("source:{}{}".format, st.sampled_from(["", " ", "   "]), st.just("Courier")),
        st.builds("title: x{}y".format, st.integers(0, 300).map(lambda n: " " * n)),
    ),
    max_size=4,
)
_BODY = st.lists(_SENTENCE, min_size=1, max_size=6).map(" ".join)


def _feed(fmt: str, published: str, body: str) -> str:
    """One RSS item or Atom entry holding ``body``, dated ``published`` as written."""
    if fmt == "rss":
        return (
            '<?xml version="1.0"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Port</title>'
            f"<item><title>Ferry</title><guid>f1</guid><pubDate>{escape(published)}</pubDate>"
            f"<content:encoded>{escape(body)}</content:encoded></item></channel></rss>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Port</title><id>urn:port</id><updated>2025-01-01T00:00:00Z</updated>"
        f"<entry><title>Ferry</title><id>urn:f1</id><updated>{escape(published)}</updated>"
        f'<content type="text">{escape(body)}</content></entry></feed>'
    )


def _states_year(written: str, year: int) -> bool:
    """Whether ``written`` states ``year`` (or the next or last one, once converted to UTC): as
    a number of one, three or more digits, or as two digits (RFC 2822's "01" for 2001). A zone
    offset ("+1900") or a time is no year."""
    for number in re.findall(r"(?<![+\-\d:])\d+(?![\d:])", written):
        near = {year - 1, year, year + 1}
        if int(number) in near or (len(number) == 2 and int(number) in {y % 100 for y in near}):
            return True
    return False


_SHORT = "The council met on Sunday 5%. “ab,” she said."


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Dates once misread as plausible ones: email.utils read year 0001 as 2001, feedparser read
# the offset +1900 as the year 1900.
@example(header=[], body=_SHORT, feed_date="Mon, 1 Dec 0001 23:59:59 GMT", fmt="jsonl")
@example(header=[], body=_SHORT, feed_date="Mon, 1 Dec 0001 05:00:00 +1900", fmt="rss")
# no year at all: feedparser took the offset for it
@example(header=[], body=_SHORT, feed_date="Friday, 1 Dec  23:59:59 +1900", fmt="rss")
@example(header=[], body=_SHORT, feed_date="Fri, 1 Dec 23:59:59 +1900", fmt="jsonl")
@example(header=[], body=_SHORT, feed_date="Mon, 1 Dec 1 23:59:59 GMT", fmt="jsonl")
@given(
    header=_HEADER,
    body=_BODY,
    feed_date=_FEED_DATE,
    fmt=st.sampled_from(["text", "jsonl", "rss", "atom"]),
)
def test_real_shaped_text_reads_and_annotates(
    tmp_path_factory: pytest.TempPathFactory,
    nlp: Language,
    header: list[str],
    body: str,
    feed_date: str,
    fmt: str,
) -> None:
    folder = tmp_path_factory.mktemp("shaped")
    if fmt == "text":
        path = Path(folder) / "article.txt"
        path.write_text("\n".join(header) + ("\n\n" if header else "") + body, encoding="utf-8")
    elif fmt == "jsonl":
        path = Path(folder) / "feed.jsonl"
        row = {"text": body, "published": feed_date, "title": "Ferry"}
        path.write_text(json.dumps(row) + "\n" + json.dumps({**row, "text": body + " Again."}))
    else:
        path = Path(folder) / f"feed.{fmt}"
        path.write_text(_feed(fmt, feed_date, body), encoding="utf-8")
    for outcome in read_inputs([path]):
        assert outcome.status in (
            IngestStatus.INGESTED,
            IngestStatus.REJECTED,
            IngestStatus.DUPLICATE,
        )
        if outcome.status is IngestStatus.REJECTED:
            assert outcome.reason
            continue
        article = outcome.article
        if article is None:
            continue
        if article.published is not None:
            assert 1800 <= article.published.year < 2200, article.published
        if fmt != "text":  # the entry's date is feed_date
            if article.published is None:
                assert outcome.reason and "publication date" in outcome.reason, feed_date
            elif not article.date_origin.estimated:
                assert _states_year(feed_date, article.published.year), (
                    feed_date,
                    article.published,
                )
        item = annotate_doc(nlp(article.text), article)
        assert item.errors == (), item.errors
        for t in item.times:
            assert t.start is None or t.end is None or t.start <= t.end, t
