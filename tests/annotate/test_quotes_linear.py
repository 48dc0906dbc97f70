"""Quotation work grows near-linearly with a transcript: counted, not timed.

A live transcript quotes many named people, one quotation after another. Resolving each
speaker once scanned every PERSON entity of the article and, for each, the entity list again,
so a long transcript (~100k words) never finished. Here the Python calls of the quote
annotator are counted (deterministic on a shared machine) on a transcript and on one twice as
long: a linear annotator makes about twice the calls, a per-quotation scan of the article's
names about four times.
"""

from __future__ import annotations

from spacy.language import Language
from tests.support.calls import count_calls

from newsweave.annotate.quotes import extract_quotes

LINES = 120  # quotations in the shorter transcript; the longer one has twice as many
MAX_RATIO = 2.6  # per doubling: 2.0 is linear, a scan of the names per quotation gives ~4
_FIRST = ["Anna", "Jonas", "Maria", "Tomas", "Elena", "Piotr", "Sara", "Ivan", "Lena", "Omar"]
_LAST = ["Berg", "Vik", "Costa", "Novak", "Reyes", "Lund", "Haas", "Moreau", "Okafor", "Sato"]
_SAID = [
    "the committee will meet again on Tuesday to review the rescue plan",
    "markets opened lower and the bank's shares fell by a third before noon",
    "we have asked the regulator for more time to count the losses",
    "nobody in this building expected the fund to fail so quickly",
]


def _transcript(lines: int) -> str:
    out = []
    for k in range(lines):
        first, last = _FIRST[k % len(_FIRST)], _LAST[(k // len(_FIRST)) % len(_LAST)]
        said = _SAID[k % len(_SAID)]
        out.append(f"“{said.capitalize()},” said {first} {last}. {last} spoke for a minute.")
    return "\n".join(out)


def test_quote_work_grows_linearly_with_a_transcript(nlp: Language) -> None:
    small_doc, large_doc = nlp(_transcript(LINES)), nlp(_transcript(2 * LINES))
    small_quotes = extract_quotes(small_doc, "t")
    large_quotes = extract_quotes(large_doc, "t")
    # Every line is a quotation with its named speaker: the work counted is real work.
    assert len(small_quotes) == LINES and len(large_quotes) == 2 * LINES
    assert large_quotes[-1].speaker == f"{_FIRST[-1]} {_LAST[(2 * LINES - 1) // 10 % 10]}"
    small_doc.user_data.clear()
    large_doc.user_data.clear()
    small = count_calls(lambda: extract_quotes(small_doc, "t"))
    large = count_calls(lambda: extract_quotes(large_doc, "t"))
    print(f"quote annotator calls: {small:,} for {LINES} quotations, {large:,} for {2 * LINES}")
    assert large / small <= MAX_RATIO, (small, large)
