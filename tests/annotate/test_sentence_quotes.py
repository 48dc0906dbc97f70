"""A quotation is one sentence with its attribution, but an unbalanced quote mark no longer
makes the rest of an article one sentence: a merged quotation stops at MAX_QUOTED_CHARS.
Before, 16,000 words of prose after a stray quote mark were one sentence of 49,537 characters
(and every figure or date in it was read against all of it)."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import TYPE_CHECKING

from tests.conftest import shared_path

from newsweave.annotate.sentences import MAX_QUOTED_CHARS, split_sentences

if TYPE_CHECKING:
    from spacy.language import Language


def _prose(sentences: int) -> str:
    path = shared_path("data", "timeline17", "articles.jsonl")
    out: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("topic") != "H1N1":
                continue
            for s in record.get("text", "").split("\n"):
                if len(s.split()) >= 8 and '"' not in s and "“" not in s and "”" not in s:
                    out.append(s.strip())
            if len(out) >= sentences:
                break
    return " ".join(out[:sentences])


def test_a_quotation_of_several_sentences_stays_one(nlp: Language) -> None:
    text = "“We have a lot to talk about. I think it will go well,” the minister said. Talks end."
    found = [s.text for s in split_sentences(nlp(text), "a")]
    assert found[0] == "“We have a lot to talk about. I think it will go well,” the minister said."


def test_an_unbalanced_quote_mark_does_not_swallow_the_article(nlp: Language) -> None:
    text = "“ " + _prose(120)
    assert len(text) > 5 * MAX_QUOTED_CHARS
    found = split_sentences(nlp(text), "a")
    # Each merged run stops before the cap; a single parser sentence is never cut.
    assert max(len(s.text) for s in found) <= MAX_QUOTED_CHARS
    assert len(found) >= len(text) // MAX_QUOTED_CHARS
    # Spans still cover the text in order, without overlap.
    assert all(a.span.end <= b.span.start for a, b in pairwise(found))
