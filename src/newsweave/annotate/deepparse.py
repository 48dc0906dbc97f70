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
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import islice
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
_NER = "newsweave_ner_in_pieces"
PIECE_TOKENS = 10_000
"""The entity recogniser and the parser read at most this many tokens at once: their memory
grows with the tokens they hold (~15 kB a token each: a 200 kB text without spaces, 133,000
tokens "ab-ab-...", peaked at 2.1 GB in the recogniser alone). A longer article is read in
pieces cut at sentence ends, and a longer sentence (no real one is) in pieces of this many
tokens: the article's ``errors`` say so (:func:`long_sentences_note`)."""
LONG_SENTENCES = "newsweave.long_sentences"
MAX_SENTENCES = 5_000
"""Sentences of an article the deep pass reads by default (``AnnotateOptions.max_sentences``):
past them, only the tokenizer and the sentence recogniser have run (:class:`FirstSentences`)."""
FIRST_SENTENCES = "newsweave.first_sentences"
_FIRST = "newsweave_first_sentences"


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


def cut_pieces(
    sentences: Iterable[tuple[int, int]], limit: int = PIECE_TOKENS
) -> tuple[list[tuple[int, int]], list[int]]:
    """Token ranges ``[start, end)`` of pieces of at most ``limit`` tokens: runs of
    consecutive ``sentences`` (token ranges in order), cut at sentence ends, and a sentence
    of more than ``limit`` tokens cut every ``limit`` tokens; and the lengths of the sentences
    so cut."""
    pieces: list[tuple[int, int]] = []
    cut: list[int] = []
    for start, end in sentences:
        if end - start > limit:
            cut.append(end - start)
            pieces.extend((k, min(k + limit, end)) for k in range(start, end, limit))
        elif pieces and pieces[-1][1] == start and end - pieces[-1][0] <= limit:
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    return pieces, cut


def parsed_runs(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the runs of consecutive selected sentences, in pieces
    of at most :data:`PIECE_TOKENS` tokens (:func:`cut_pieces`)."""
    kept = zip(doc.sents, parsed_sentences(doc), strict=True)
    runs, cut = cut_pieces((sent.start, sent.end) for sent, keep in kept if keep)
    _note_cut(doc, cut)
    return runs


def _note_cut(doc: Doc, cut: list[int]) -> None:
    """Record in ``doc.user_data`` the longest sentence read in pieces, and how many were."""
    if cut:
        count, longest = doc.user_data.get(LONG_SENTENCES, (0, 0))
        doc.user_data[LONG_SENTENCES] = (max(count, len(cut)), max(longest, *cut))


def long_sentences_note(doc: Doc) -> str | None:
    """The article's outcome when a sentence was longer than :data:`PIECE_TOKENS` tokens."""
    found = doc.user_data.get(LONG_SENTENCES)
    if not found:
        return None
    count, longest = found
    return (
        f"limit: {count:,} sentence(s) longer than {PIECE_TOKENS:,} tokens (the longest "
        f"{longest:,}) were read in pieces of {PIECE_TOKENS:,} by the entity recogniser and "
        "the parser (deepparse.PIECE_TOKENS): a name or a parse across a cut may be missing"
    )


def _batches(
    runs: list[tuple[int, int]], size: int, tokens: int
) -> Iterator[list[tuple[int, int]]]:
    """``runs`` in batches of at most ``size`` runs and (unless one run is longer) ``tokens``
    tokens: what the parser holds in memory at once grows with the tokens of a batch."""
    batch: list[tuple[int, int]] = []
    held = 0
    for a, b in runs:
        if batch and (len(batch) == size or held + b - a > tokens):
            yield batch
            batch, held = [], 0
        batch.append((a, b))
        held += b - a
    if batch:
        yield batch


def parse_selected(doc: Doc) -> Doc:
    """``doc`` (entities and sentence starts set) with the parse of its selected sentences."""
    if not len(doc):
        return doc
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, NORM, POS, TAG

    nlp = load_nlp()
    runs = parsed_runs(doc)
    norms: Any = doc.to_array([NORM]).reshape(-1, 1)
    off = skipped(nlp, PARSED_COMPONENTS)
    attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
    values: Any = np.zeros((len(doc), len(attrs)), dtype=np.uint64)
    parsed = np.zeros(len(doc), dtype=bool)
    for batch in _batches(runs, 64, PIECE_TOKENS):
        pieces = [_piece(doc, a, b, norms[a:b]) for a, b in batch]
        done = nlp.pipe(pieces, batch_size=len(pieces), disable=off)
        for (a, b), piece in zip(batch, done, strict=True):
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


def deep_pipeline(max_sentences: int = MAX_SENTENCES) -> Language:
    """The deep pass as a spaCy pipeline: the tokenizer and ``senter`` of
    :func:`~newsweave.annotate.models.load_nlp` (the same objects, nothing loaded twice), then
    :class:`FirstSentences` (a doc cut after ``max_sentences`` sentences), its ``ner`` in
    pieces, then :func:`parse_selected`. ``nlp.pipe(..., n_process=2)`` works on it as
    usual. One pipeline per limit, made once."""
    return _deep_pipeline(max(1, max_sentences))


@lru_cache(maxsize=4)
def _deep_pipeline(max_sentences: int) -> Language:
    import spacy
    from spacy.language import Language

    nlp = load_nlp()
    if not Language.has_factory(_COMPONENT):
        Language.component(_COMPONENT, func=parse_selected)
    deep: Any = spacy.blank("en", vocab=nlp.vocab)
    deep.tokenizer = nlp.tokenizer
    deep.add_pipe("senter", source=nlp)
    if not Language.has_factory(_FIRST):
        Language.factory(_FIRST, default_config={"limit": MAX_SENTENCES}, func=_make_first)
    deep.add_pipe(_FIRST, config={"limit": max_sentences})
    if not Language.has_factory(_NER):
        Language.factory(_NER, func=_make_ner)
    deep.add_pipe(_NER)
    deep.add_pipe(_COMPONENT)
    pipeline: Language = deep
    return pipeline


def _make_first(nlp: Language, name: str, limit: int) -> FirstSentences:
    return FirstSentences(limit)


class FirstSentences:
    """A doc of more than ``limit`` sentences cut after the ``limit``-th (offsets unchanged),
    with ``user_data[FIRST_SENTENCES] = (limit, sentences)``: the entity recogniser, the parser
    and the annotators, which cost 20 times the tokenizer and the sentence recogniser, read
    only what is annotated. A doc of at most ``limit`` sentences is passed on as it is."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)

    def __call__(self, doc: Doc) -> Doc:
        ends = [sent.end for sent in doc.sents]
        if len(ends) <= self.limit:
            return doc
        first = doc[: ends[self.limit - 1]].as_doc(copy_user_data=True)
        first.user_data[FIRST_SENTENCES] = (self.limit, len(ends))
        return first


def _make_ner(nlp: Language, name: str) -> NerInPieces:
    return NerInPieces(load_nlp().get_pipe("ner"))


class NerInPieces:
    """The model's entity recogniser (the same object), reading an article of more than
    :data:`PIECE_TOKENS` tokens in pieces of at most that many, cut at sentence ends (the
    sentence recogniser runs before it). Shorter articles are read whole, in the batches the
    pipeline gives, as the recogniser itself reads them."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, max(1, batch_size))):
            short = [d for d in batch if len(d) <= PIECE_TOKENS]
            for _ in self.ner.pipe(short, batch_size=len(short) or 1):
                pass  # annotated in place
            for doc in batch:
                if len(doc) > PIECE_TOKENS:
                    self._in_pieces(doc)
                yield doc

    def _in_pieces(self, doc: Doc) -> None:
        from spacy.attrs import NORM
        from spacy.tokens import Span

        pieces, cut = cut_pieces(((s.start, s.end) for s in doc.sents), PIECE_TOKENS)
        _note_cut(doc, cut)
        norms: Any = doc.to_array([NORM]).reshape(-1, 1)
        ents: list[Span] = []
        for a, b in pieces:
            piece = next(self.ner.pipe([_piece(doc, a, b, norms[a:b])], batch_size=1))
            ents.extend(Span(doc, a + e.start, a + e.end, label=e.label) for e in piece.ents)
        doc.set_ents(ents, default="outside")
