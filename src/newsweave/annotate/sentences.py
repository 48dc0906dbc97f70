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


def _open_quote(text: str) -> bool:
    """True when ``text`` opens a quotation it does not close."""
    if text.count("“") > text.count("”"):
        return True
    return text.count('"') % 2 == 1


def split_sentences(doc: Doc, article_id: str) -> list[Sentence]:
    """Sentences of ``doc``, stripped of surrounding whitespace, never crossing a line break.

    A quotation of several sentences followed by its attribution stays one sentence
    ("“We have a lot to talk about. I think …,” Trump said."), so a sentence never starts or
    ends inside quotation marks.
    """
    pieces = _pieces(doc, article_id)
    text = doc_text(doc)
    merged: list[Sentence] = []
    for piece in pieces:
        if merged:
            last = merged[-1]
            same_line = "\n" not in text[last.span.end : piece.span.start]
            if same_line and _open_quote(last.text):
                span = Span(article_id, last.span.start, piece.span.end)
                merged[-1] = Sentence(span, text[span.start : span.end])
                continue
        merged.append(piece)
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
