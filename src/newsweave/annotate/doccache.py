"""Per-document caches the annotators share, kept in ``Doc.user_data``.

``Doc.text`` is not stored by spaCy: each access joins every token again, so an annotator that
reads it once per entity or per match costs O(tokens) each time (on a 1,500-word article this
was most of the annotate stage). The same holds for "the tokens between two character
offsets" written as a scan over the whole doc. These helpers compute such things once per doc.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc, Token


T = TypeVar("T")
_TEXT = "newsweave.text"
_STARTS = "newsweave.token_starts"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return str(text)


def cached(doc: Doc, key: str, compute: Callable[[Doc], T]) -> T:
    """``compute(doc)``, computed once per doc under ``key`` (a pure function of the doc)."""
    name = f"newsweave.{key}"
    if name not in doc.user_data:
        doc.user_data[name] = compute(doc)
    value: T = doc.user_data[name]
    return value


def lemma(token: Token) -> str:
    """``token.lemma_`` in lower case, computed on first use when the pass skipped spaCy's
    lemmatizer (:mod:`newsweave.annotate.deepparse`). A token the pass did not tag has none.

    The annotators read the lemmas of a few verbs only; lemmatizing every token of an article
    cost ~7% of the deep pass. The rule lemmatizer reads one token (its text, tag and
    morphology), so a lemma found here is the one the component would have set.
    """
    if token.lemma == 0 and token.pos != 0:
        from newsweave.annotate.models import load_lemmatizer

        token.lemma_ = load_lemmatizer()(token)
    return str(token.lemma_).lower()


def tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens whose first character lies in ``[start, end)``, in order."""
    starts = doc.user_data.get(_STARTS)
    if starts is None:
        starts = doc.user_data[_STARTS] = [t.idx for t in doc]
    first = bisect_left(starts, max(start, 0))
    last = bisect_left(starts, end)
    return [doc[i] for i in range(first, last)]
