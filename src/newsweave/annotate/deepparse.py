"""The deep pass's parse: names and sentences everywhere, the dependency parse where it is read.

NER and spaCy's sentence recogniser (``senter``, a small tagger of its own) run over the whole
text. The tagger and parser (with the ``tok2vec`` they share) and the attribute ruler's rules
run only over the sentences an annotator reads the parse of (:func:`parsed_sentences`):

- the first :data:`LEAD_SENTENCES` sentences;
- sentences with a candidate number (quantities) or time expression (times, tense);
- the sentences of a quotation and :data:`QUOTE_AFTER` after (cue and speaker), the one
  before when a colon opens the quotation, and :data:`QUOTE_BEFORE` before when "he", "she"
  or "it" is written around it (the names a pronoun speaker may stand for);
- a PERSON or ORG name with an apposition that holds a role noun (entity roles).

On Timeline17 that is about half of the tokens. Each run of consecutive selected sentences is
parsed as a document of its own, and its tags, morphology, lemmas and dependencies are copied
back into the article's doc: inside a run the parser decides sentence ends, as before;
elsewhere the sentence recogniser does (the first token of such a sentence is its own root,
every other one has no head), so ``doc.sents`` covers the whole text and a doc saved and loaded
again (``DocBin``, ``to_bytes``) keeps the same sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from newsweave.annotate.attributes import apply_attributes
from newsweave.annotate.doccache import doc_text
from newsweave.annotate.entities import apposition_spans
from newsweave.annotate.models import load_nlp, skipped
from newsweave.annotate.quantities import quantity_spans
from newsweave.annotate.quotes import quote_spans
from newsweave.annotate.times import time_spans

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.language import Language
    from spacy.tokens import Doc

# The components run over the selected sentences only.
# (and then the attribute ruler's rules, from a table: :mod:`newsweave.annotate.attributes`)
PARSED_COMPONENTS = ("tok2vec", "tagger", "parser")
LEAD_SENTENCES = 5
# The cue may open the next sentence ("…,” he said."); a pronoun speaker is resolved against
# the names of the four sentences before its own.
QUOTE_AFTER = 1
QUOTE_BEFORE = 4
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Ii]t|HE|SHE|IT)\b")
_COMPONENT = "newsweave_parse_selected"


def parsed_sentences(doc: Doc) -> list[bool]:
    """Per sentence of ``doc`` (its entities and sentence starts set), whether an annotator
    reads its parse."""
    sents = list(doc.sents)
    starts = [s.start_char for s in sents]
    keep = [k < LEAD_SENTENCES for k in range(len(sents))]

    def at(char: int) -> int:
        return max(0, bisect_right(starts, char) - 1)

    def mark(first: int, last: int) -> None:
        for k in range(max(0, first), min(len(sents), last + 1)):
            keep[k] = True

    text = doc_text(doc)
    for start, end in (*quantity_spans(text), *time_spans(text), *apposition_spans(doc)):
        mark(at(start), at(max(start, end - 1)))
    for start, end in quote_spans(text):
        first, last = at(start), min(at(end - 1) + QUOTE_AFTER, len(sents) - 1)
        before = 1 if text[max(0, start - 8) : start].rstrip().endswith(":") else 0
        around = text[sents[first].start_char : start] + " " + text[end : sents[last].end_char]
        if _PRONOUN.search(around):  # "he said": the name it stands for is looked up before
            before = QUOTE_BEFORE
        mark(first - before, last)
    return keep


def parsed_runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the runs of consecutive selected sentences."""
    runs: list[tuple[int, int]] = []
    for sent, keep in zip(doc.sents, parsed_sentences(doc), strict=True):
        if not keep:
            continue
        if runs and runs[-1][1] == sent.start:
            runs[-1] = (runs[-1][0], sent.end)
        else:
            runs.append((sent.start, sent.end))
    return runs


def parse_selected(doc: Doc) -> Doc:
    """``doc`` (entities and sentence starts set) with the parse of its selected sentences."""
    if not len(doc):
        return doc
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, NORM, POS, TAG

    nlp = load_nlp()
    runs = parsed_runs(doc)
    norms: Any = doc.to_array([NORM]).reshape(-1, 1)
    pieces = [_piece(doc, a, b, norms[a:b]) for a, b in runs]
    off = skipped(nlp, PARSED_COMPONENTS)
    attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
    values: Any = np.zeros((len(doc), len(attrs)), dtype=np.uint64)
    parsed = np.zeros(len(doc), dtype=bool)
    for (a, b), piece in zip(runs, nlp.pipe(pieces, batch_size=64, disable=off), strict=True):
        values[a:b] = piece.to_array(attrs)
        apply_attributes(piece, attrs, values[a:b])
        parsed[a:b] = True
    root = nlp.vocab.strings.add("ROOT")
    for sent in doc.sents:  # a sentence outside the runs: its first token is its root
        if not parsed[sent.start]:
            values[sent.start, attrs.index(DEP)] = root
    doc.from_array(attrs, values)
    return doc


def _piece(doc: Doc, start: int, end: int, norms: Any) -> Doc:
    """Tokens ``[start, end)`` of ``doc`` as a new doc, with their norms (what tok2vec reads
    besides the words): ``Span.as_doc`` copies the whole doc's arrays for every span."""
    from spacy.attrs import NORM
    from spacy.tokens import Doc

    tokens = doc[start:end]
    piece = Doc(
        doc.vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens]
    )
    piece.from_array([NORM], norms)
    return piece


@lru_cache(maxsize=1)
def deep_pipeline() -> Language:
    """The deep pass as a spaCy pipeline: the tokenizer, ``senter`` and ``ner`` of
    :func:`~newsweave.annotate.models.load_nlp` (the same objects, nothing loaded twice),
    then :func:`parse_selected`. ``nlp.pipe(..., n_process=2)`` works on it as usual."""
    import spacy
    from spacy.language import Language

    nlp = load_nlp()
    if not Language.has_factory(_COMPONENT):
        Language.component(_COMPONENT, func=parse_selected)
    deep: Any = spacy.blank("en", vocab=nlp.vocab)
    deep.tokenizer = nlp.tokenizer
    deep.add_pipe("senter", source=nlp)
    deep.add_pipe("ner", source=nlp)
    deep.add_pipe(_COMPONENT)
    pipeline: Language = deep
    return pipeline
