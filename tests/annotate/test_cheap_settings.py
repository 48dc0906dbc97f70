"""The cheap pass's two cost settings: how much of the lead its NER reads
(``annotate.lead_chars``) and how many word pieces its article vector reads
(``annotate.vector_pieces``), honoured in this process and on a worker pool alike."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsweave.annotate.embed import article_view, embed_articles
from newsweave.annotate.minilm import MAX_TOKENS, MiniLM
from newsweave.annotate.pipeline import CHEAP, AnnotateOptions, annotate, lead_text
from newsweave.config import load_settings
from newsweave.engines import LocalEngine
from newsweave.errors import OptionError
from newsweave.ingest import read_inputs
from newsweave.model import Article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [o.article for o in read_inputs([EXAMPLES]) if o.article]


def test_settings_come_from_the_settings_tree_and_bad_values_are_refused() -> None:
    options = load_settings(
        overrides=["annotate.lead_chars=800", "annotate.vector_pieces=128"], environ={}
    ).annotate
    assert (options.lead_chars, options.vector_pieces) == (800, 128)
    with pytest.raises(OptionError, match=r"annotate\.lead_chars"):
        AnnotateOptions(lead_chars=20)
    with pytest.raises(OptionError, match=r"annotate\.vector_pieces.*at most 256"):
        load_settings(overrides=["annotate.vector_pieces=512"], environ={})


def test_lead_text_stops_at_a_space_before_the_limit(articles: list[Article]) -> None:
    long = [a for a in articles if len(a.text) > 900]
    assert long, "the example corpus has articles longer than the cut"
    for article in long:
        lead = lead_text(article, 600)
        assert 300 <= len(lead) <= 600
        assert article.text.startswith(lead)
        assert article.text[len(lead)] == " "


def test_a_shorter_ner_lead_finds_names_only_inside_it(
    articles: list[Article], nlp: object, embedder: object
) -> None:
    full = annotate(articles, AnnotateOptions(batch_size=4), which=CHEAP)
    short = annotate(articles, AnnotateOptions(batch_size=4, lead_chars=300), which=CHEAP)
    assert sum(len(i.entities) for i in short) < sum(len(i.entities) for i in full)
    for item in short:
        limit = len(lead_text(item.article, 300))
        assert all(e.span.end <= limit for e in item.entities), item.article_id
    # The vector does not depend on the NER lead.
    for one, two in zip(full, short, strict=True):
        np.testing.assert_allclose(one.embedding, two.embedding, atol=1e-6)


def test_vector_pieces_cut_as_the_tokenizer_cuts(embedder: MiniLM, articles: list[Article]) -> None:
    from tokenizers import Tokenizer

    texts = [article_view(a) for a in articles]
    cut = Tokenizer.from_str(embedder.tokenizer.to_str())
    cut.enable_truncation(64)
    ids = [e.ids for e in cut.encode_batch(texts)]
    assert max(len(i) for i in ids) == 64, "some example is longer than 64 pieces"
    short = embed_articles(articles, pieces=64)
    full = embed_articles(articles, pieces=MAX_TOKENS)
    for text_ids, row in zip(ids, short, strict=True):
        alone = embedder._run([np.asarray(text_ids, dtype=np.int64)])[0]
        np.testing.assert_allclose(row, alone, atol=1e-5)
    assert float(np.min(np.sum(short * full, axis=1))) < 0.99, "the cut changes long leads"


def test_a_worker_pool_uses_the_settings(
    articles: list[Article], nlp: object, embedder: object
) -> None:
    options = AnnotateOptions(batch_size=4, lead_chars=300, vector_pieces=64)
    here = annotate(articles, options, which=CHEAP)
    with LocalEngine(n_process=2) as engine:
        pool = [i for c in engine.annotate(articles, options, CHEAP) for i in c]
    assert pool == here
    for one, two in zip(here, pool, strict=True):
        np.testing.assert_allclose(one.embedding, two.embedding, atol=1e-6)
