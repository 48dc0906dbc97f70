"""The annotate stage: Article -> AnnotatedArticle, in two passes.

- The cheap pass (``Depth.LEAD``), for every article on the way in: spaCy's NER alone over the
  lead (the first ``AnnotateOptions.lead_chars`` characters) and one MiniLM vector of title
  and lead (its first ``AnnotateOptions.vector_pieces`` word pieces):
  what story assignment needs.
- The deep pass (``Depth.FULL``), for the articles of stories that are briefed: spaCy's NER
  and sentence recogniser over the whole text, its tagger and parser over the sentences an
  annotator reads them in (:mod:`newsweave.annotate.deepparse`), feed every annotator
  (sentences, entities with roles, quotes, quantities, time expressions), and the sentences
  fuse reads get their vectors.

Time expressions are resolved against the publication date; an article without one is
resolved again once its story supplies a date (:func:`newsweave.fuse.dates.infer_dates`),
from what is stored here. Later stages never load a model.

One article's failure (in spaCy, an annotator or the embedder) is that article's outcome,
recorded in its ``errors``, in either pass; the rest of the batch goes on. An article the
embedder failed on has no vector (``embedding`` of size 0): it forms a story of its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from newsweave.annotate.deepparse import (
    FIRST_SENTENCES,
    MAX_SENTENCES,
    deep_pipeline,
    long_sentences_note,
)
from newsweave.annotate.embed import embed_articles, embed_sentences
from newsweave.annotate.entities import extract_entities
from newsweave.annotate.minilm import MAX_TOKENS
from newsweave.annotate.models import (
    LEAD_COMPONENTS,
    load_nlp,
    set_embed_threads,
    skipped,
)
from newsweave.annotate.quantities import extract_quantities
from newsweave.annotate.quotes import extract_quotes
from newsweave.annotate.sentences import VECTOR_STATEMENTS, leading_sentences, split_sentences
from newsweave.annotate.times import resolve_times
from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Article, Depth

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc

logger = logging.getLogger("newsweave.annotate")
# The lead the cheap pass's NER reads by default. 1000 rather than 1500 (about what the
# article vector reads): NER 0.020 -> 0.014 CPU-s/article, the cheap pass 0.050 -> 0.042 on
# 2 workers, 600 Timeline17 articles; the stories as good: ECB+ B3 F1 paired over 30 arrival
# orders test +0.001 (se 0.001), dev +0.002 (se 0.003), Timeline17 precision 1.000, 390
# stories (401). 800 is cheaper still (0.040) but costs ECB+ test precision (-0.006, se 0.003).
LEAD_CHARS = 1000
MIN_LEAD_CHARS = 100
MIN_VECTOR_PIECES = 16


@dataclass(frozen=True, slots=True)
class AnnotateOptions:
    """Args:
    batch_size: articles per spaCy and embedding batch.
    n_process: spaCy worker processes (2 uses both cores of a laptop; costs ~1 s to start).
    max_sentences: sentences of one article given to the annotators; the rest of a longer
        one (a live transcript) is kept in the text but not annotated, nor parsed past the
        sentence recogniser, and the article's ``errors`` say so. The longest article of
        Timeline17 has ~1,500.
    threads: threads of the embedder (ONNX Runtime) when this process annotates alone,
        without a worker pool: 0 uses every CPU it may run on (at most 4); each worker of a
        pool uses 1. The vectors are the same whatever the number.
    lead_chars: characters at the start of the text whose names the cheap pass finds (spaCy's
        NER, linear in the length), cut back to a space. 1000 by default: the cheap pass ~16%
        cheaper than at 1500, the stories as good (figures at :data:`LEAD_CHARS`).
    vector_pieces: word pieces of title and lead the cheap pass's article vector (MiniLM)
        reads, special tokens included; at most 256, what the model was trained with. Its cost
        is about linear in the number.
    """

    batch_size: int = 32
    n_process: int = 1
    max_sentences: int = MAX_SENTENCES
    threads: int = 0
    lead_chars: int = LEAD_CHARS
    vector_pieces: int = MAX_TOKENS

    def __post_init__(self) -> None:
        if self.lead_chars < MIN_LEAD_CHARS:
            raise OptionError(
                f"The 'annotate.lead_chars' setting must be at least {MIN_LEAD_CHARS}; "
                f"got {self.lead_chars}."
            )
        if not MIN_VECTOR_PIECES <= self.vector_pieces <= MAX_TOKENS:
            raise OptionError(
                f"The 'annotate.vector_pieces' setting must be in "
                f"{MIN_VECTOR_PIECES}..{MAX_TOKENS} (MiniLM reads at most {MAX_TOKENS} word "
                f"pieces); got {self.vector_pieces}."
            )


@dataclass(frozen=True, slots=True)
class Pass:
    """Which annotations one run computes (chosen by the pipeline, not a user setting).

    Args:
        depth: ``Depth.FULL`` (every annotation) or ``Depth.LEAD`` (the cheap pass).
        article_vectors: compute the title + lead vector (the deep pass of an article that
            already has one leaves it out).
    """

    depth: Depth = Depth.FULL
    article_vectors: bool = True


WHOLE = Pass()  # both at once: every annotation and every vector
CHEAP = Pass(Depth.LEAD)
DEEP = Pass(Depth.FULL, article_vectors=False)


def _guarded(
    name: str, errors: list[str], aid: str, fn: Callable[..., Any], *args: Any
) -> tuple[Any, ...]:
    """``tuple(fn(*args))``, or ``()`` with the failure recorded: one article's bug in one
    annotator costs that article that annotation, never the batch."""
    try:
        return tuple(fn(*args))
    except Exception as exc:  # any bug in an annotator is this article's outcome
        errors.append(_describe(name, exc))
        logger.error(
            "bug: the %s annotator failed on article %s; it is kept without them. Please "
            "report this with the article.",
            name,
            aid,
            exc_info=True,
        )
        return ()


def _describe(stage: str, exc: BaseException) -> str:
    return f"{stage}: {type(exc).__name__}: {exc}"[:300]


def _first_sentences(doc: Doc, limit: int) -> tuple[Doc, str | None]:
    """``doc`` cut after its first ``limit`` sentences (offsets unchanged), and why. The deep
    pass's parse comes cut already, after the sentence recogniser
    (:class:`~newsweave.annotate.deepparse.FirstSentences`)."""
    read = doc.user_data.get(FIRST_SENTENCES)
    if read is None and not doc.has_annotation("SENT_START"):
        return doc, None  # nothing to count; the sentence annotator reports the problem
    ends = [sent.end for sent in doc.sents]
    if read is None and len(ends) <= limit:
        return doc, None
    if read is None:
        note = (
            f"limit: only the first {limit:,} of {len(ends):,} sentences were annotated "
            "(AnnotateOptions.max_sentences); split the text or raise the limit"
        )
    else:
        kept, total = read
        note = (
            f"limit: only the first {min(kept, limit):,} of {total:,} sentences (as the "
            "sentence recogniser splits the text; the parser may join some) were parsed and "
            "annotated (AnnotateOptions.max_sentences); the rest of the text is kept, not "
            "read. Split the text or raise the limit"
        )
    if len(ends) <= limit:
        return doc, note
    return doc[: ends[max(limit, 1) - 1]].as_doc(), note


# spaCy's tokenizer is quadratic in a run without spaces that it splits up ("a:a:a:...": 16,000
# characters took ~2 CPU-s, 200,000 several minutes). No word or link is that long: such a run
# is parsed with a space every LONG_RUN characters (same length, so every offset stays valid).
LONG_RUN = 500
_WORD = re.compile(r"\S+")


def parse_text(text: str) -> str:
    """``text`` as the deep pass parses it: runs of ``LONG_RUN`` or more non-space characters
    broken by a space every ``LONG_RUN`` characters, everything else unchanged."""
    cuts = [
        i
        for m in _WORD.finditer(text)
        if m.end() - m.start() >= LONG_RUN
        for i in range(m.start() + LONG_RUN - 1, m.end(), LONG_RUN)
    ]
    if not cuts:
        return text
    chars = list(text)
    for i in cuts:
        chars[i] = " "
    return "".join(chars)


def lead_text(article: Article, chars: int = LEAD_CHARS) -> str:
    """The first ``chars`` characters of the text, which the cheap pass reads, cut back to a
    space (offsets stay the text's)."""
    text = article.text
    if len(text) <= chars:
        return text
    cut = text.rfind(" ", chars // 2, chars)
    return text[: cut if cut > 0 else chars]


def annotate_doc(
    doc: Doc, article: Article, max_sentences: int = MAX_SENTENCES
) -> AnnotatedArticle:
    """Every annotation of one parsed article (vectors left empty).

    An annotator that raises leaves its annotations empty and its failure in ``errors``;
    an article longer than ``max_sentences`` is annotated up to there, and a sentence the deep
    pass read in pieces (:data:`~newsweave.annotate.deepparse.PIECE_TOKENS`) is noted there too.
    """
    aid = article.article_id
    reference = article.published.date() if article.published else None
    long_note = long_sentences_note(doc)
    doc, note = _first_sentences(doc, max_sentences)
    errors: list[str] = [n for n in (long_note, note) if n]
    return AnnotatedArticle(
        article=article,
        sentences=_guarded("sentences", errors, aid, split_sentences, doc, aid),
        entities=_guarded("entities", errors, aid, extract_entities, doc, aid),
        quotes=_guarded("quotes", errors, aid, extract_quotes, doc, aid),
        quantities=_guarded("quantities", errors, aid, extract_quantities, doc, aid),
        times=_guarded("times", errors, aid, resolve_times, doc, aid, reference),
        embedding=np.zeros(0, dtype=np.float32),
        errors=tuple(errors),
        depth=Depth.FULL,
    )


def annotate_lead(doc: Doc, article: Article) -> AnnotatedArticle:
    """The cheap pass of one article, from the NER-only parse of its lead (vector left empty)."""
    aid = article.article_id
    errors: list[str] = []
    return AnnotatedArticle(
        article=article,
        sentences=(),
        entities=_guarded("entities", errors, aid, extract_entities, doc, aid),
        quotes=(),
        quantities=(),
        times=(),
        embedding=np.zeros(0, dtype=np.float32),
        errors=tuple(errors),
        depth=Depth.LEAD,
    )


def unparsed(article: Article, exc: BaseException, depth: Depth = Depth.FULL) -> AnnotatedArticle:
    """An article the parser failed on: kept, with no annotations and the failure recorded."""
    logger.error(
        "bug: spaCy failed to parse article %s; it is kept without annotations. Please "
        "report this with the article.",
        article.article_id,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return AnnotatedArticle(
        article,
        (),
        (),
        (),
        (),
        (),
        np.zeros(0, dtype=np.float32),
        (_describe("parse", exc),),
        depth=depth,
    )


# Names the deep pass's parse (:func:`deep_docs`); a cache of parses keys on it.
DEEP_PARSE = "selective-3"


DEEP_BATCH_CHARS = 20_000
"""Characters of text spaCy parses together in the deep pass (a longer text alone)."""


def deep_docs(
    texts: Iterable[str],
    batch_size: int = 32,
    n_process: int = 1,
    max_sentences: int = MAX_SENTENCES,
) -> Iterator[Doc]:
    """The deep pass's parse of each of ``texts`` (as :func:`parse_text` gives it), in order:
    what :func:`annotate_doc` reads: names and sentences everywhere, the dependency parse of
    the sentences the annotators read it in (:mod:`newsweave.annotate.deepparse`); a text of
    more than ``max_sentences`` sentences cut after them.
    Benchmarks of the annotators parse through this too, so they measure what the pass
    stores.

    In this process, spaCy's batches hold at most ``batch_size`` texts and, past the first,
    :data:`DEEP_BATCH_CHARS` characters: a batch's working memory grows with its tokens
    (~2.5 MB per 1,000 characters of text), so 32 long articles parsed together took over 1 GB
    on top of the models. Each doc's parse does not depend on the others of its batch: the
    same docs (token attributes compared on Timeline17) and the same CPU time.
    """
    pipeline = deep_pipeline(max_sentences)
    size = max(1, batch_size)
    if n_process > 1:
        yield from pipeline.pipe(
            (parse_text(t) for t in texts), batch_size=size, n_process=n_process
        )
        return
    for batch in _by_chars(texts, size, DEEP_BATCH_CHARS):
        yield from pipeline.pipe((parse_text(t) for t in batch), batch_size=len(batch))


def _by_chars(texts: Iterable[str], size: int, chars: int) -> Iterator[list[str]]:
    """``texts`` in consecutive batches of at most ``size`` texts and, past the first text of
    a batch, ``chars`` characters."""
    batch: list[str] = []
    held = 0
    for text in texts:
        if batch and (len(batch) >= size or held + len(text) > chars):
            yield batch
            batch, held = [], 0
        batch.append(text)
        held += len(text)
    if batch:
        yield batch


def annotate_stream(
    articles: Sequence[Article],
    batch_size: int,
    n_process: int = 1,
    max_sentences: int = MAX_SENTENCES,
    which: Pass = WHOLE,
    lead_chars: int = LEAD_CHARS,
) -> Iterator[AnnotatedArticle]:
    """One AnnotatedArticle per article, in order (vectors left empty), of the ``which`` pass:
    spaCy with only the components that pass uses, over the text that pass reads (the cheap
    pass: the first ``lead_chars`` characters).

    spaCy parses in batches; when a batch fails, its articles are parsed one by one so only
    the article that broke the parser is kept unparsed, and the rest of the input goes on.
    """
    lead = which.depth == Depth.LEAD
    size = max(1, batch_size)

    def parse(rest: Sequence[Article], size: int, n_process: int) -> Iterator[Doc]:
        if not lead:
            return deep_docs((a.text for a in rest), size, n_process, max_sentences)
        nlp = load_nlp(LEAD_COMPONENTS)
        off = skipped(nlp, LEAD_COMPONENTS)
        return nlp.pipe(
            (lead_text(a, lead_chars) for a in rest),
            batch_size=size,
            disable=off,
            n_process=n_process,
        )

    def one(doc: Doc, article: Article) -> AnnotatedArticle:
        return annotate_lead(doc, article) if lead else annotate_doc(doc, article, max_sentences)

    done = 0
    while done < len(articles):
        try:
            for doc in parse(articles[done:], size, n_process):
                item = one(doc, articles[done])
                done += 1
                yield item
            return
        except Exception:  # some article of the current batch broke the parser
            for article in articles[done : done + size]:
                try:
                    item = one(next(parse([article], 1, 1)), article)
                except Exception as exc:
                    item = unparsed(article, exc, which.depth)
                done += 1
                yield item


def with_sentence_vectors(items: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    """``items`` with the vectors of the sentences fuse reads, computed as one batch (article
    by article when the batch fails: see :func:`isolated`)."""
    return isolated(_sentence_vectors, items, "sentence vectors")


def with_article_vectors(
    items: Sequence[AnnotatedArticle], pieces: int = MAX_TOKENS
) -> list[AnnotatedArticle]:
    """``items`` with their title + lead vectors (the first ``pieces`` word pieces), computed
    as one batch (article by article when the batch fails: see :func:`isolated`)."""

    def compute(some: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
        return _article_vectors(some, pieces)

    return isolated(compute, items, "embedding")


def _sentence_vectors(items: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    counts = [leading_sentences(i.sentences, VECTOR_STATEMENTS) for i in items]
    texts = [s.text for i, n in zip(items, counts, strict=True) for s in i.sentences[:n]]
    vectors = embed_sentences(texts)
    out: list[AnnotatedArticle] = []
    first = 0
    for item, n in zip(items, counts, strict=True):
        out.append(replace(item, sentence_vectors=vectors[first : first + n]))
        first += n
    return out


def _article_vectors(items: Sequence[AnnotatedArticle], pieces: int) -> list[AnnotatedArticle]:
    vectors = embed_articles([item.article for item in items], pieces=pieces)
    return [replace(i, embedding=v) for i, v in zip(items, vectors, strict=True)]


def isolated(
    compute: Callable[[Sequence[AnnotatedArticle]], list[AnnotatedArticle]],
    items: Sequence[AnnotatedArticle],
    stage: str,
) -> list[AnnotatedArticle]:
    """``compute(items)`` as one batch; when it fails, ``compute`` of each article alone, and
    an article that fails alone too is kept as it was (no vectors) with the failure in its
    ``errors``: one article's failure in the embedder is that article's outcome."""
    try:
        return compute(items)
    except Exception as exc:
        if len(items) != 1:
            return [done for item in items for done in isolated(compute, [item], stage)]
        (item,) = items
        logger.error(
            "bug: the %s failed on article %s; it is kept without them. Please report this "
            "with the article.",
            stage,
            item.article_id,
            exc_info=True,
        )
        return [replace(item, errors=(*item.errors, _describe(stage, exc)))]


def with_vectors(
    items: list[AnnotatedArticle], which: Pass = WHOLE, pieces: int = MAX_TOKENS
) -> list[AnnotatedArticle]:
    """``items`` of one chunk with the vectors ``which`` asks for, each kind as one batch
    (article vectors of the first ``pieces`` word pieces)."""
    if which.article_vectors:
        items = with_article_vectors(items, pieces)
    if which.depth == Depth.FULL:
        items = with_sentence_vectors(items)
    return items


def deepened(shallow: AnnotatedArticle, deep: AnnotatedArticle) -> AnnotatedArticle:
    """The deep pass's annotations of an article, keeping the cheap pass's vector and its
    lead entities (the evidence its story was formed from)."""
    return replace(deep, embedding=shallow.embedding, lead_entities=shallow.entities)


def lead_view(item: AnnotatedArticle) -> AnnotatedArticle:
    """``item`` as the cheap pass left it, for story assignment: lead entities, lead vector."""
    if item.depth == Depth.LEAD or item.lead_entities is None:
        return item
    return replace(item, entities=item.lead_entities)


def annotate(
    articles: Sequence[Article],
    options: AnnotateOptions | None = None,
    progress: Callable[[int], None] | None = None,
    which: Pass = WHOLE,
) -> list[AnnotatedArticle]:
    """Annotate ``articles`` in order, in this process.

    Args:
        articles: cleaned articles from the ingest stage.
        options: batching and parallelism.
        progress: called with the number of articles finished since the last call.
        which: the pass (default: everything at once).

    Returns:
        One AnnotatedArticle per input article, same order.

    Example:
        >>> from newsweave.ingest import make_article  # doctest: +SKIP
        >>> annotate([make_article("Ministers met on Sunday ...")])[0].sentences  # doctest: +SKIP
    """
    opts = options or AnnotateOptions()
    set_embed_threads(opts.threads)
    size = max(1, opts.batch_size)
    stream = annotate_stream(
        articles, size, opts.n_process, opts.max_sentences, which, opts.lead_chars
    )
    out: list[AnnotatedArticle] = []
    for start in range(0, len(articles), size):
        batch = articles[start : start + size]
        out.extend(with_vectors([next(stream) for _ in batch], which, opts.vector_pieces))
        if progress:
            progress(len(batch))
    return out
