"""The entity recogniser and the parser hold at most ``PIECE_TOKENS`` tokens at once.

Their memory grows with the tokens they hold (~15 kB a token): a 200 kB text without spaces
("ab-ab-...", 133,000 tokens in one sentence) peaked at 2.4 GB annotated alone, 2.1 GB of it in
the recogniser. Now a long article is read in pieces cut at sentence ends, a longer sentence in
pieces of ``PIECE_TOKENS`` tokens, and the article's ``errors`` say so; everything else of the
article is kept.
"""

from __future__ import annotations

from typing import Any

import pytest

from newsweave.annotate import deepparse
from newsweave.annotate.deepparse import (
    CONTEXT_TOKENS,
    PIECE_TOKENS,
    cut_pieces,
    deep_pipeline,
    parsed_runs,
)
from newsweave.annotate.pipeline import annotate_doc, deep_docs
from newsweave.ingest import make_article

LEAD = "The harbour authority of Varnholm said on Tuesday that the ferry terminal opens in May."


@pytest.mark.parametrize(
    ("sentences", "limit", "pieces", "cut"),
    [
        ([(0, 4), (4, 9)], 10, [(0, 9)], []),  # consecutive sentences that fit: one piece
        ([(0, 4), (4, 9), (9, 12)], 10, [(0, 9), (9, 12)], []),  # cut at a sentence end
        ([(0, 4), (6, 9)], 10, [(0, 4), (6, 9)], []),  # not consecutive: two pieces
        ([(0, 3), (3, 28)], 10, [(0, 3), (3, 13), (13, 23), (23, 28)], [25]),  # a long one
        ([], 10, [], []),
    ],
)
def test_pieces_are_cut_at_sentence_ends_and_long_sentences_every_limit(
    sentences: list[tuple[int, int]],
    limit: int,
    pieces: list[tuple[int, int]],
    cut: list[int],
) -> None:
    assert cut_pieces(sentences, limit) == (pieces, cut)


def test_a_text_without_spaces_is_read_in_pieces_and_the_cut_is_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = LEAD + "\n" + "-".join(["ab"] * int(1.3 * PIECE_TOKENS)) + "\n" + LEAD
    component: Any = next(p for n, p in deep_pipeline().pipeline if n == deepparse._NER)
    seen: list[int] = []

    class Counted:  # spaCy's recogniser, with the lengths of the docs it is given
        def __init__(self, ner: Any) -> None:
            self.ner = ner

        def pipe(self, docs: Any, **kwargs: Any) -> Any:
            docs = list(docs)
            seen.extend(len(d) for d in docs)
            return self.ner.pipe(docs, **kwargs)

    monkeypatch.setattr(component, "ner", Counted(component.ner))
    article = make_article(text)
    doc = next(deep_docs([article.text]))
    assert len(doc) > 2 * PIECE_TOKENS
    # the recogniser never held it whole: a piece and its context either side
    assert seen and max(seen) <= PIECE_TOKENS + 2 * CONTEXT_TOKENS, seen
    assert all(b - a <= PIECE_TOKENS for a, b in parsed_runs(doc))  # nor the parser
    item = annotate_doc(doc, article)
    (note,) = [e for e in item.errors if "PIECE_TOKENS" in e]
    assert note.startswith("limit: 1 sentence(s) longer than 10,000 tokens")
    # What succeeded is kept: the names of the lines around the run, every sentence.
    assert {e.text for e in item.entities} >= {"Varnholm"}
    assert [e.span.start for e in item.entities if e.text == "Varnholm"][-1] > len(text) // 2
    covered = sum(s.span.end - s.span.start for s in item.sentences)
    assert covered >= len(text) - 10


def test_an_ordinary_article_is_read_whole_without_a_note() -> None:
    article = make_article(f"{LEAD} {LEAD}")
    item = annotate_doc(next(deep_docs([article.text])), article)
    assert item.errors == ()
    assert deepparse.LONG_SENTENCES not in next(deep_docs([article.text])).user_data
