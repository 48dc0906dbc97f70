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

Memory: each of the three models holds what it computes for every token it reads at once
(the entity recogniser ~18 kB a token, the parser about as much, the sentence recogniser
~2 kB), so a long article read whole costs memory in proportion to its length. They read at
most :data:`WINDOW_TOKENS` tokens at a time (:func:`windows`) with :data:`CONTEXT_TOKENS` more
on either side, whose results are dropped: their token vectors see four tokens either side,
and the entity recogniser starts no name across a sentence start, so every window gives what
the whole text gives (compared on every Timeline17 article longer than a window).
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
_SENTER = "newsweave_senter_in_windows"
PIECE_TOKENS = 10_000
"""The longest sentence the entity recogniser and the parser read whole: a longer one (no real
sentence is; a 200 kB text without spaces, 133,000 tokens "ab-ab-...", is) is read in pieces of
this many tokens, so a name or a parse across a cut may be missing, and the article's ``errors``
say so (:func:`long_sentences_note`). A run of parsed sentences is cut at a sentence end
before it grows longer."""
WINDOW_TOKENS = 2_000
"""Tokens the sentence recogniser, the entity recogniser and the parser read at once (besides
:data:`CONTEXT_TOKENS`), unless one sentence or run of parsed sentences is longer: ~40 MB in
the entity recogniser, where a whole 178,000-character article (37,900 tokens) took 185 MB
read in pieces of 10,000 tokens. The same results as one read of the whole text."""
CONTEXT_TOKENS = 64
"""Tokens read on either side of a window for context, their results dropped (the token
vectors of the three models see 4 tokens either side)."""
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
    sentences: Iterable[tuple[int, int]], limit: int = PIECE_TOKENS, join: int | None = None
) -> tuple[list[tuple[int, int]], list[int]]:
    """Token ranges ``[start, end)`` of pieces: runs of consecutive ``sentences`` (token ranges
    in order) of at most ``join`` tokens (default ``limit``), cut at sentence ends; a longer
    sentence alone, and one of more than ``limit`` tokens cut every ``limit`` tokens; and the
    lengths of the sentences so cut."""
    most = limit if join is None else join
    pieces: list[tuple[int, int]] = []
    cut: list[int] = []
    for start, end in sentences:
        if end - start > limit:
            cut.append(end - start)
            pieces.extend((k, min(k + limit, end)) for k in range(start, end, limit))
        elif pieces and pieces[-1][1] == start and end - pieces[-1][0] <= most:
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
    for batch in _batches(runs, 64, WINDOW_TOKENS):
        pieces = [_piece(doc, a, b, [NORM], norms[a:b]) for a, b in batch]
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


def _piece(doc: Doc, start: int, end: int, attrs: list[int | str], values: Any) -> Doc:
    """Tokens ``[start, end)`` of ``doc`` as a new doc, with ``values`` of ``attrs`` (their
    norms, what tok2vec reads besides the words; sentence starts, which the entity recogniser
    reads): ``Span.as_doc`` copies the whole doc's arrays for every span."""
    from spacy.tokens import Doc

    tokens = doc[start:end]
    piece = Doc(
        doc.vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens]
    )
    piece.from_array(attrs, values)
    return piece


def windows(cores: Iterable[tuple[int, int]], length: int) -> Iterator[tuple[int, int, int, int]]:
    """``(left, start, end, right)`` for each token range ``[start, end)`` of ``cores`` in a
    doc of ``length`` tokens: the range with :data:`CONTEXT_TOKENS` tokens either side."""
    for start, end in cores:
        yield max(0, start - CONTEXT_TOKENS), start, end, min(length, end + CONTEXT_TOKENS)


def _by_tokens(docs: list[Doc], tokens: int) -> Iterator[list[Doc]]:
    """``docs`` in consecutive groups of at most ``tokens`` tokens (a longer doc alone)."""
    group: list[Doc] = []
    held = 0
    for doc in docs:
        if group and held + len(doc) > tokens:
            yield group
            group, held = [], 0
        group.append(doc)
        held += len(doc)
    if group:
        yield group


def deep_pipeline(max_sentences: int = MAX_SENTENCES) -> Language:
    """The deep pass as a spaCy pipeline: the tokenizer and ``senter`` of
    :func:`~newsweave.annotate.models.load_nlp` (the same objects, nothing loaded twice), then
    :class:`FirstSentences` (a doc cut after ``max_sentences`` sentences), its ``ner``, then
    :func:`parse_selected`. The senter and the entity recogniser read a window at a time
    (:class:`SenterInWindows`, :class:`NerInPieces`), so the cap counts the same sentences as
    a whole read. ``nlp.pipe(..., n_process=2)`` works on it as usual. One pipeline per
    limit, made once."""
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
    if not Language.has_factory(_SENTER):
        Language.factory(_SENTER, func=_make_senter)
    deep.add_pipe(_SENTER)
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


def _make_senter(nlp: Language, name: str) -> SenterInWindows:
    return SenterInWindows(load_nlp().get_pipe("senter"))


class _Windowed:
    """A model component that reads a doc of more than :data:`WINDOW_TOKENS` tokens through
    :meth:`_read_long`, and shorter docs whole, in groups of at most that many tokens."""

    def _model(self) -> Any:
        raise NotImplementedError

    def _read_long(self, doc: Doc) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, max(1, batch_size))):
            short = [d for d in batch if len(d) <= WINDOW_TOKENS]
            for group in _by_tokens(short, WINDOW_TOKENS):
                for _ in self._model().pipe(group, batch_size=len(group)):
                    pass  # annotated in place
            for doc in batch:
                if len(doc) > WINDOW_TOKENS:
                    self._read_long(doc)
                yield doc


class SenterInWindows(_Windowed):
    """The model's sentence recogniser (the same object), reading an article of more than
    :data:`WINDOW_TOKENS` tokens a window at a time (:func:`windows`); shorter articles in
    groups of at most that many tokens. The same sentence starts as one read of the whole."""

    def __init__(self, senter: Any) -> None:
        self.senter = senter

    def _model(self) -> Any:
        return self.senter

    def _read_long(self, doc: Doc) -> None:
        self._in_windows(doc)

    def _in_windows(self, doc: Doc) -> None:
        from spacy.attrs import NORM, SENT_START

        n = len(doc)
        norms: Any = doc.to_array([NORM]).reshape(-1, 1)
        starts: Any = np.zeros((n, 1), dtype=np.uint64)
        cores = ((k, min(k + WINDOW_TOKENS, n)) for k in range(0, n, WINDOW_TOKENS))
        for left, a, b, right in windows(cores, n):
            piece = _piece(doc, left, right, [NORM], norms[left:right])
            found = next(self.senter.pipe([piece], batch_size=1)).to_array([SENT_START])
            starts[a:b, 0] = found[a - left : b - left]
        doc.from_array([SENT_START], starts)


class NerInPieces(_Windowed):
    """The model's entity recogniser (the same object), reading an article of more than
    :data:`WINDOW_TOKENS` tokens a window at a time (:func:`windows`): runs of sentences of at
    most that many tokens, a longer sentence alone, one of more than :data:`PIECE_TOKENS`
    tokens cut every that many (noted: :func:`long_sentences_note`). Each window's piece keeps
    the sentence starts (the recogniser starts no name across one), and a name is taken from
    the window it starts in. Shorter articles are read whole, in groups of at most
    :data:`WINDOW_TOKENS` tokens. The same names as one read of the whole text, but for a
    sentence cut."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner

    def _model(self) -> Any:
        return self.ner

    def _read_long(self, doc: Doc) -> None:
        self._in_pieces(doc)

    def _in_pieces(self, doc: Doc) -> None:
        from spacy.attrs import NORM, SENT_START
        from spacy.tokens import Span

        sents = ((s.start, s.end) for s in doc.sents)
        cores, cut = cut_pieces(sents, PIECE_TOKENS, join=WINDOW_TOKENS)
        _note_cut(doc, cut)
        attrs = [NORM, SENT_START]
        values: Any = doc.to_array(attrs)
        ents: list[Span] = []
        for left, a, b, right in windows(cores, len(doc)):
            held = values[left:right].copy()
            held[0, 1] = 1  # a doc's first token starts a sentence
            piece = _piece(doc, left, right, attrs, held)
            for e in next(self.ner.pipe([piece], batch_size=1)).ents:
                start, end = left + e.start, left + e.end
                if a <= start < b and (not ents or start >= ents[-1].end):
                    ents.append(Span(doc, start, end, label=e.label))
        doc.set_ents(ents, default="outside")
