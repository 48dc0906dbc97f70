"""The deep pass parses only the sentences an annotator reads the parse of."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from tests.conftest import shared_path

from newsweave.annotate.deepparse import LEAD_SENTENCES, deep_pipeline, parsed_sentences
from newsweave.annotate.models import DEEP_COMPONENTS, skipped
from newsweave.annotate.pipeline import annotate_doc, deep_docs, parse_text
from newsweave.ingest import read_inputs

LEAD = " ".join(f"Line {w} of the lead is here." for w in ("one", "two", "three", "four", "five"))
QUIET = "The weather was mild and the streets were calm."
NUMBER = "Officials said 120 people were evacuated from the coast."
QUOTE = "“We are ready,” said Maria Lopez, the mayor of the town."
TEXT = f"{LEAD} {QUIET} {NUMBER} {QUIET} {QUOTE} {QUIET}"


def _sentence(doc: Doc, text: str, nth: int = 0) -> list[str]:
    """The POS tags of the ``nth`` sentence of ``doc`` whose text is ``text``."""
    found = [s for s in doc.sents if s.text.strip() == text]
    return [t.pos_ for t in found[nth]]


def test_only_the_sentences_the_annotators_read_are_parsed() -> None:
    doc = next(deep_docs([TEXT]))
    assert all(_sentence(doc, NUMBER)), "a sentence with a number is tagged"
    assert all(_sentence(doc, QUOTE)), "a quotation's sentence is tagged"
    assert all(_sentence(doc, "Line one of the lead is here.")), "the lead is tagged"
    assert not any(_sentence(doc, QUIET, 0)), "a sentence nobody reads is not tagged"
    keep = parsed_sentences(doc)
    assert keep[:LEAD_SENTENCES] == [True] * LEAD_SENTENCES
    assert keep[-1] is True  # the sentence after a quotation: its cue may be there
    assert keep.count(False) == 2


def test_sentences_cover_the_text_and_survive_serialisation() -> None:
    doc = next(deep_docs([TEXT]))
    sents = [s.text.strip() for s in doc.sents]
    assert sents.count(QUIET) == 3  # unparsed sentences end where the sentence tagger says
    assert len(sents) == LEAD_SENTENCES + 5
    again = Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert [s.text for s in again.sents] == [s.text for s in doc.sents]
    assert [t.dep_ for t in again] == [t.dep_ for t in doc]


def test_every_annotation_matches_the_full_parse_on_the_reference_case(
    nlp: Language,
) -> None:
    folder = shared_path("seeds")
    articles = [o.article for o in read_inputs([folder]) if o.article]
    off = skipped(nlp, DEEP_COMPONENTS)
    for article in articles:
        whole = annotate_doc(nlp(parse_text(article.text), disable=off), article)
        part = annotate_doc(next(deep_docs([article.text])), article)
        for field in ("sentences", "quotes", "quantities", "times", "entities"):
            assert getattr(part, field) == getattr(whole, field), (article.article_id, field)


def test_batches_by_characters_keep_order_and_bounds() -> None:
    from newsweave.annotate.pipeline import _by_chars

    texts = ["a" * 30, "b" * 50, "c" * 10, "d" * 200, "e" * 5, "f" * 5, "g" * 5]
    batches = list(_by_chars(texts, 2, 60))
    assert [t for b in batches for t in b] == texts
    assert [len(b) for b in batches] == [1, 2, 1, 2, 1]  # a text longer than 60 goes alone
    assert all(len(b) == 1 or sum(map(len, b)) <= 60 for b in batches)


def test_a_doc_parses_the_same_whatever_its_batch() -> None:
    """deep_docs cuts its batches by characters (DEEP_BATCH_CHARS): each doc's parse must not
    depend on the docs it is batched with (real articles, one long enough to go alone)."""
    import json

    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    from newsweave.annotate.pipeline import DEEP_BATCH_CHARS

    path = shared_path("data", "timeline17", "articles.jsonl")
    with path.open(encoding="utf-8") as lines:
        texts = [t for t in (json.loads(line)["text"] for line in lines) if t.strip()][:10]
    assert max(map(len, texts)) > DEEP_BATCH_CHARS  # one batch of its own
    attrs = [ENT_IOB, ENT_TYPE, SENT_START, DEP, HEAD, TAG, POS, LEMMA, MORPH]
    one_batch = deep_pipeline().pipe((parse_text(t) for t in texts), batch_size=32)
    together = [d.to_array(attrs) for d in one_batch]
    by_chars = [d.to_array(attrs) for d in deep_docs(texts, batch_size=32)]
    alone = [next(deep_docs([t])).to_array(attrs) for t in texts]
    assert len(together) == len(by_chars) == len(alone) == len(texts)
    for one, cut, single in zip(together, by_chars, alone, strict=True):
        assert (one == cut).all() and (one == single).all()
