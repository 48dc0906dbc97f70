"""The attribute ruler's rules from a table set what the component itself sets."""

from __future__ import annotations

from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from tests.conftest import shared_path

from newsweave.annotate.attributes import apply_attributes
from newsweave.annotate.models import skipped
from newsweave.ingest import read_inputs

ODD = (
    "Y'all ain't gonna believe it. Let's go, c'mon! I told you it was there, and there's "
    "more: but it did. Did he have it? He had done so. That is what I want.\n\nThe end."
)


def test_the_table_sets_what_the_attribute_ruler_sets(nlp: Language) -> None:
    folder = shared_path("seeds")
    texts = [o.article.text for o in read_inputs([folder]) if o.article] + [ODD]
    attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
    off = skipped(nlp, ("tok2vec", "tagger", "parser"))
    for doc in nlp.pipe(texts, disable=off):
        table = doc.to_array(attrs)
        apply_attributes(doc, attrs, table)
        untouched = doc.to_array(attrs)
        nlp.get_pipe("attribute_ruler")(doc)
        ruled = doc.to_array(attrs)
        assert (table != untouched).any()  # the rules set something
        assert (table == ruled).all(), [
            t.text for t, row in zip(doc, table != ruled, strict=True) if row.any()
        ]
