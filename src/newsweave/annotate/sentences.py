"""Sentences as article spans.

spaCy's parser decides sentence ends; a line break also ends a sentence, because in news text a
line is a paragraph, a heading ("Talking points") or a dateline, never half a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsweave.annotate.doccache import doc_text
from newsweave.model import Sentence, Span

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")


MAX_QUOTED_CHARS = 2000
"""A quotation merged across sentences ends here: past this many characters the next sentence
starts a sentence of its own (an unbalanced quote mark would otherwise make the rest of a long
article one sentence: 49,537 characters seen in one article)."""


def _marks(text: str) -> tuple[int, int, int]:
    return text.count("“"), text.count("”"), text.count('"')


def _is_open(marks: tuple[int, int, int]) -> bool:
    """True when the counts of “, ” and " mark a quotation opened and not closed."""
    return marks[0] > marks[1] or marks[2] % 2 == 1


def split_sentences(doc: Doc, article_id: str) -> list[Sentence]:
    """Sentences of ``doc``, stripped of surrounding whitespace, never crossing a line break.

    A quotation of several sentences followed by its attribution stays one sentence
    ("“We have a lot to talk about. I think …,” Trump said."), so a sentence never starts or
    ends inside quotation marks, up to ``MAX_QUOTED_CHARS``: a longer run is left in the
    parser's sentences. Linear in the text: quote marks are counted once per piece.
    """
    text = doc_text(doc)
    merged: list[Sentence] = []
    start = end = -1
    marks = (0, 0, 0)

    def flush() -> None:
        if start >= 0:
            merged.append(Sentence(Span(article_id, start, end), text[start:end]))

    for piece in _pieces(doc, article_id):
        gap = text[end : piece.span.start] if start >= 0 else ""
        if (
            start >= 0
            and "\n" not in gap
            and _is_open(marks)
            and piece.span.end - start <= MAX_QUOTED_CHARS
        ):
            added = _marks(gap + piece.text)
            marks = (marks[0] + added[0], marks[1] + added[1], marks[2] + added[2])
            end = piece.span.end
            continue
        flush()
        start, end, marks = piece.span.start, piece.span.end, _marks(piece.text)
    flush()
    return merged


def _pieces(doc: Doc, article_id: str) -> list[Sentence]:
    text = doc_text(doc)
    out: list[Sentence] = []
    for sent in doc.sents:
        chunk = text[sent.start_char : sent.end_char]
        for line in _LINE.finditer(chunk):
            raw = line.group()
            stripped = raw.strip()
            if not stripped:
                continue
            start = sent.start_char + line.start() + (len(raw) - len(raw.lstrip()))
            end = start + len(stripped)
            out.append(Sentence(Span(article_id, start, end), stripped))
    return out


def quoted_share(sentence: Sentence) -> float:
    """Share of the sentence's characters inside quotation marks."""
    # No opening mark inside a quotation: "[^”]" let a run of openers scan on (quadratic).
    inside = sum(len(m) for m in re.findall(r"“[^“”]*”|\"[^\"]*\"", sentence.text))
    return inside / max(1, len(sentence.text))


def is_statement(sentence: Sentence) -> bool:
    """True for a full sentence, false for headings, bylines and fragments."""
    words = sentence.text.split()
    if len(words) < 6:
        return False
    return sentence.text[-1] in ".!?\"”’'" or len(words) >= 12


# Fuse weighs at most this many statements per article (fewer in large stories); the deep
# pass embeds the sentences up to that point, so fuse finds a vector for each one it reads.
VECTOR_STATEMENTS = 40


def leading_sentences(sentences: Sequence[Sentence], statements: int) -> int:
    """How many of ``sentences`` come before the ``statements + 1``-th statement."""
    kept = 0
    for n, s in enumerate(sentences):
        if kept >= statements:
            return n
        kept += is_statement(s)
    return len(sentences)
