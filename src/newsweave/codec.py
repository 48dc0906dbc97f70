"""Lossless dict/JSON round trip of the core model, for the store, the CLI and the HTTP API.

Every ``*_to_dict`` returns plain JSON types (str, int, float, bool, None, list, dict) and its
``*_from_dict`` rebuilds an equal object. Datetimes are ISO 8601 with their UTC offset and come
back timezone-aware (the same instant and offset; a ``ZoneInfo`` comes back as a fixed offset);
dates are ISO. Enums are written as their string values.

Inside an annotated article a span of that article is written compactly as ``[start, end]``;
a span into another article keeps the full ``{"article_id", "start", "end"}`` form. The
embedding is not part of the annotated dict: the store keeps it as a little-endian float32
BLOB (:func:`embedding_to_blob`), JSON carries it as base64 (:func:`embedding_to_b64`).

:func:`brief_to_dict` is the public JSON schema of a brief (CLI ``--format json`` and the HTTP
API); keep its shape stable. ``Brief.texts`` is not part of it, but each citation of a brief
carries the ``text`` it cites (when the brief has its articles' texts), so a client can show
the cited words without fetching the articles. Offsets count Unicode code points (Python
``str`` indexes, not UTF-16 units or bytes) into the article text as stored, ``end``
exclusive: ``article.text[start:end] == citation["text"]``.

Example:
    >>> from newsweave.model import Story
    >>> story_from_dict(story_to_dict(Story("s1", ("a", "b")))) == Story("s1", ("a", "b"))
    True
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import numpy as np

from newsweave.errors import InputError
from newsweave.fuse.readable import entity_kind
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Brief,
    CitedText,
    CopyRef,
    DateOrigin,
    Depth,
    Discrepancy,
    EntityMention,
    EntitySummary,
    Fact,
    Precision,
    Quality,
    Quantity,
    Quote,
    QuoteItem,
    Sentence,
    SourceRef,
    SourceSignal,
    Span,
    Story,
    Support,
    Tense,
    TimeExpr,
    TimelineEntry,
)

__all__ = [
    "annotated_from_dict",
    "annotated_to_dict",
    "annotations_to_dict",
    "article_from_dict",
    "article_to_dict",
    "brief_from_dict",
    "brief_to_dict",
    "embedding_from_b64",
    "embedding_from_blob",
    "embedding_to_b64",
    "embedding_to_blob",
    "span_from_dict",
    "span_to_dict",
    "story_from_dict",
    "story_to_dict",
]

Json = dict[str, Any]
T = TypeVar("T")

_HINT = "it must have the shape that newsweave.codec writes"
_FLOAT32 = np.dtype("<f4")


class _Malformed(Exception):
    """A field is missing or has the wrong type; turned into an InputError at the top."""


def _decoding(kind: str, fn: Callable[[Mapping[str, Any]], T], data: Mapping[str, Any]) -> T:
    """Run a decoder and report any malformed field as one InputError naming the object."""
    if not isinstance(data, Mapping):
        raise InputError(f"{kind} dict", f"expected an object, got {type(data).__name__}", _HINT)
    try:
        return fn(data)
    except _Malformed as exc:
        raise InputError(f"{kind} dict", str(exc), _HINT) from None
    except (ValueError, TypeError) as exc:
        raise InputError(f"{kind} dict", f"malformed value: {exc}", _HINT) from None


def _get(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, Mapping):
        raise _Malformed(f"expected an object holding {key!r}, got {type(data).__name__}")
    if key not in data:
        raise _Malformed(f"missing field {key!r}")
    value = data[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int subclass; an int field must not silently accept true/false.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = "/".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise _Malformed(f"field {key!r} must be {names}, got {type(value).__name__}")
    return value


def _str(data: Mapping[str, Any], key: str) -> str:
    return str(_get(data, key, str))


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = _get(data, key, (str, type(None)))
    return None if value is None else str(value)


def _int(data: Mapping[str, Any], key: str) -> int:
    return int(_get(data, key, int))


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    return list(_get(data, key, list))


# --- scalars ---------------------------------------------------------------------------


def _datetime_out(value: datetime | None, what: str) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            what,
            f"datetime {value.isoformat()} has no timezone",
            "attach one (e.g. datetime.UTC); newsweave never guesses it",
        )
    return value.isoformat()


def _datetime_in(data: Mapping[str, Any], key: str) -> datetime | None:
    text = _get(data, key, (str, type(None)))
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise _Malformed(f"field {key!r} ({text}) has no UTC offset")
    return value


def _date_out(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_in(data: Mapping[str, Any], key: str) -> date | None:
    text = _get(data, key, (str, type(None)))
    return None if text is None else date.fromisoformat(text)


# --- spans -----------------------------------------------------------------------------


def span_to_dict(span: Span) -> Json:
    """A citation: ``{"article_id", "start", "end"}``."""
    return {"article_id": span.article_id, "start": span.start, "end": span.end}


def _span_in(data: Mapping[str, Any]) -> Span:
    return Span(_str(data, "article_id"), _int(data, "start"), _int(data, "end"))


def span_from_dict(data: Mapping[str, Any]) -> Span:
    """Inverse of :func:`span_to_dict`. Raises InputError on a malformed dict."""
    return _decoding("span", _span_in, data)


def _citations_out(spans: tuple[Span, ...], texts: Mapping[str, str] | None = None) -> list[Json]:
    """Citations, each with the words it cites when ``texts`` holds its article."""
    out = []
    for span in spans:
        item = span_to_dict(span)
        text = texts.get(span.article_id) if texts else None
        if text is not None:
            item["text"] = text[span.start : span.end]
        out.append(item)
    return out


def _citations_in(data: Mapping[str, Any], key: str = "citations") -> tuple[Span, ...]:
    return tuple(_span_in(item) for item in _list(data, key))


def _own_span_out(span: Span, owner: str) -> list[int] | Json:
    """``[start, end]`` for a span of the owning article, the full dict otherwise."""
    return [span.start, span.end] if span.article_id == owner else span_to_dict(span)


def _own_span_in(value: Any, owner: str) -> Span:
    if isinstance(value, list):
        if len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise _Malformed(f"a span must be [start, end] integers, got {value!r}")
        return Span(owner, value[0], value[1])
    return _span_in(value)


def _opt_own_span_in(data: Mapping[str, Any], key: str, owner: str) -> Span | None:
    value = _get(data, key, (list, dict, type(None)))
    return None if value is None else _own_span_in(value, owner)


# --- articles --------------------------------------------------------------------------


def article_to_dict(article: Article) -> Json:
    """Every field of an Article; ``published`` as ISO 8601 with offset or None.

    Raises:
        InputError: ``published`` is a naive datetime (the model requires aware ones).
    """
    return {
        "article_id": article.article_id,
        "text": article.text,
        "content_hash": article.content_hash,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "path": article.path,
        "published": _datetime_out(article.published, f"article {article.article_id}"),
        "date_origin": article.date_origin.value,
        "language": article.language,
        "dateline": article.dateline,
        "input_format": article.input_format,
    }


def _article_in(data: Mapping[str, Any]) -> Article:
    return Article(
        article_id=_str(data, "article_id"),
        text=_str(data, "text"),
        content_hash=_str(data, "content_hash"),
        title=_opt_str(data, "title"),
        source=_opt_str(data, "source"),
        url=_opt_str(data, "url"),
        path=_opt_str(data, "path"),
        published=_datetime_in(data, "published"),
        date_origin=DateOrigin(_str(data, "date_origin")),
        language=_opt_str(data, "language"),
        dateline=_opt_str(data, "dateline"),
        input_format=_str(data, "input_format"),
    )


def article_from_dict(data: Mapping[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`. Raises InputError on a malformed dict."""
    return _decoding("article", _article_in, data)


# --- annotated articles ----------------------------------------------------------------


def annotations_to_dict(item: AnnotatedArticle) -> Json:
    """The annotation tuples of an annotated article, without the article and embedding.

    This is what the store keeps as the article's annotations JSON.
    """
    owner = item.article.article_id

    def span(s: Span) -> list[int] | Json:
        return _own_span_out(s, owner)

    def opt_span(s: Span | None) -> list[int] | Json | None:
        return None if s is None else span(s)

    def entities(found: tuple[EntityMention, ...]) -> list[Json]:
        return [
            {
                "span": span(e.span),
                "text": e.text,
                "label": e.label,
                "canonical": e.canonical,
                "role": e.role,
            }
            for e in found
        ]

    out: Json = {
        "depth": item.depth.value,
        "sentences": [{"span": span(s.span), "text": s.text} for s in item.sentences],
        "entities": entities(item.entities),
        "quotes": [
            {
                "span": span(q.span),
                "text": q.text,
                "speaker": q.speaker,
                "speaker_span": opt_span(q.speaker_span),
                "cue": q.cue,
                "cue_span": opt_span(q.cue_span),
            }
            for q in item.quotes
        ],
        "quantities": [
            {
                "span": span(q.span),
                "text": q.text,
                "value": q.value,
                "unit": q.unit,
                "qualifier": q.qualifier,
                "measure": q.measure,
            }
            for q in item.quantities
        ],
        "times": [
            {
                "span": span(t.span),
                "text": t.text,
                "start": _date_out(t.start),
                "end": _date_out(t.end),
                "precision": t.precision.value,
                "tense": t.tense.value,
                "rule": t.rule,
                "lead": t.lead,
                "progressive": t.progressive,
                "scheduled": t.scheduled,
            }
            for t in item.times
        ],
        "errors": list(item.errors),
    }
    if item.lead_entities is not None:
        out["lead_entities"] = entities(item.lead_entities)
    return out


def annotated_to_dict(item: AnnotatedArticle) -> Json:
    """``{"article": article_to_dict(...), "sentences": [...], "entities": [...], ...}``.

    The embedding is left out; encode it with :func:`embedding_to_b64` or
    :func:`embedding_to_blob` and hand it back to :func:`annotated_from_dict`.
    """
    return {"article": article_to_dict(item.article), **annotations_to_dict(item)}


def _annotated_in(data: Mapping[str, Any], embedding: np.ndarray) -> AnnotatedArticle:
    article = _article_in(_get(data, "article", dict))
    owner = article.article_id

    def span(d: Mapping[str, Any]) -> Span:
        return _own_span_in(_get(d, "span", (list, dict)), owner)

    sentences = tuple(Sentence(span(d), _str(d, "text")) for d in _list(data, "sentences"))

    def entities(key: str) -> tuple[EntityMention, ...]:
        return tuple(
            EntityMention(
                span(d),
                _str(d, "text"),
                _str(d, "label"),
                _str(d, "canonical"),
                _opt_str(d, "role"),
            )
            for d in _list(data, key)
        )

    quotes = tuple(
        Quote(
            span(d),
            _str(d, "text"),
            _opt_str(d, "speaker"),
            _opt_own_span_in(d, "speaker_span", owner),
            _opt_str(d, "cue"),
            _opt_own_span_in(d, "cue_span", owner),
        )
        for d in _list(data, "quotes")
    )
    quantities = tuple(
        Quantity(
            span(d),
            _str(d, "text"),
            float(_get(d, "value", (int, float))),
            _str(d, "unit"),
            _opt_str(d, "qualifier"),
            _opt_str(d, "measure"),
        )
        for d in _list(data, "quantities")
    )
    times = tuple(
        TimeExpr(
            span(d),
            _str(d, "text"),
            _date_in(d, "start"),
            _date_in(d, "end"),
            Precision(_str(d, "precision")),
            Tense(_str(d, "tense")),
            str(d.get("rule") or ""),
            int(_get(d, "lead", int)) if "lead" in d else 0,
            bool(d.get("progressive", False)),
            bool(d.get("scheduled", False)),
        )
        for d in _list(data, "times")
    )
    # Annotations stored before annotation errors were recorded have no "errors" field.
    errors = tuple(str(e) for e in _list(data, "errors")) if "errors" in data else ()
    if not all(isinstance(e, str) for e in data.get("errors") or ()):
        raise _Malformed("field 'errors' must be a list of strings")
    # Annotations from before the two passes were all full ones.
    depth = Depth(_str(data, "depth")) if "depth" in data else Depth.FULL
    return AnnotatedArticle(
        article,
        sentences,
        entities("entities"),
        quotes,
        quantities,
        times,
        _as_float32(embedding, f"embedding of article {owner}"),
        errors=errors,
        depth=depth,
        lead_entities=entities("lead_entities") if "lead_entities" in data else None,
    )


def annotated_from_dict(data: Mapping[str, Any], embedding: np.ndarray) -> AnnotatedArticle:
    """Inverse of :func:`annotated_to_dict`, with the embedding passed separately.

    Raises:
        InputError: a field is missing or malformed, or the embedding is not a 1-D vector.
    """
    return _decoding("annotated article", lambda d: _annotated_in(d, embedding), data)


# --- embeddings ------------------------------------------------------------------------


def _as_float32(vector: Any, what: str) -> np.ndarray:
    """The vector as a 1-D float32 array, refusing what is not a numeric vector."""
    array = vector if isinstance(vector, np.ndarray) else None
    if array is None or array.ndim != 1 or array.dtype.kind not in "fiu":
        shape = getattr(vector, "shape", None)
        dtype = getattr(vector, "dtype", type(vector).__name__)
        raise InputError(
            what,
            f"must be a 1-D numeric numpy array; got {dtype} of shape {shape}",
            "pass the embedder's output for this one article",
        )
    return array.astype(np.float32, copy=False)


def embedding_to_blob(vector: np.ndarray) -> tuple[bytes, int]:
    """Little-endian float32 bytes and the dimension; the store's BLOB form.

    Raises:
        InputError: the vector is not a 1-D numeric numpy array.
    """
    array = _as_float32(vector, "embedding")
    return array.astype(_FLOAT32, copy=False).tobytes(), int(array.shape[0])


def embedding_from_blob(blob: bytes, dim: int) -> np.ndarray:
    """Inverse of :func:`embedding_to_blob`; a writable float32 array of ``dim`` values."""
    if len(blob) != dim * _FLOAT32.itemsize:
        raise InputError(
            "embedding blob",
            f"{len(blob)} bytes cannot hold {dim} float32 values",
            "the stored vector is damaged; re-ingest the article",
        )
    return np.frombuffer(blob, dtype=_FLOAT32).astype(np.float32)


def embedding_to_b64(vector: np.ndarray) -> str:
    """The float32 bytes as base64 text, for JSON."""
    return base64.b64encode(embedding_to_blob(vector)[0]).decode("ascii")


def embedding_from_b64(text: str) -> np.ndarray:
    """Inverse of :func:`embedding_to_b64`."""
    try:
        blob = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InputError("embedding", f"not base64: {exc}", _HINT) from None
    return embedding_from_blob(blob, len(blob) // _FLOAT32.itemsize)


_FLOAT16 = np.dtype("<f2")


def sentence_vectors_to_blob(vectors: np.ndarray) -> tuple[bytes, int, int]:
    """Little-endian float16 bytes, the row count and the dimension of stored sentence vectors.

    Raises:
        InputError: ``vectors`` is not a 2-D numeric numpy array.
    """
    if not isinstance(vectors, np.ndarray) or vectors.ndim != 2 or vectors.dtype.kind != "f":
        raise InputError(
            "sentence vectors",
            f"must be a 2-D float numpy array; got {getattr(vectors, 'shape', type(vectors))}",
            "pass the deep pass's vectors of this one article",
        )
    rows, dim = vectors.shape
    return vectors.astype(_FLOAT16, copy=False).tobytes(), int(rows), int(dim)


def sentence_vectors_from_blob(blob: bytes, rows: int, dim: int) -> np.ndarray:
    """Inverse of :func:`sentence_vectors_to_blob`: a (rows, dim) float16 array."""
    if len(blob) != rows * dim * _FLOAT16.itemsize:
        raise InputError(
            "sentence vectors blob",
            f"{len(blob)} bytes cannot hold {rows}x{dim} float16 values",
            "the stored vectors are damaged; run the deep pass again (newsweave brief --story)",
        )
    return np.frombuffer(blob, dtype=_FLOAT16).reshape(rows, dim).astype(np.float16)


# --- stories ---------------------------------------------------------------------------


def story_to_dict(story: Story) -> Json:
    """``{"story_id", "article_ids": [...]}``."""
    return {"story_id": story.story_id, "article_ids": list(story.article_ids)}


def _story_in(data: Mapping[str, Any]) -> Story:
    ids = _list(data, "article_ids")
    if not all(isinstance(i, str) for i in ids):
        raise _Malformed("field 'article_ids' must be a list of strings")
    return Story(_str(data, "story_id"), tuple(ids))


def story_from_dict(data: Mapping[str, Any]) -> Story:
    """Inverse of :func:`story_to_dict`. Raises InputError on a malformed dict."""
    return _decoding("story", _story_in, data)


# --- briefs ----------------------------------------------------------------------------

BRIEF_JSON_VERSION = 2
"""Bumped when the brief's JSON gains fields, so cached briefs of an older shape are rebuilt."""

OFFSETS = (
    "citation start/end count Unicode code points into the article text as stored "
    "(GET /api/articles/{id}: article.text), end exclusive; each citation's text is that slice"
)


def _support_out(support: Support) -> Json:
    return {"articles": support.articles, "independent": support.independent}


def _support_in(data: Mapping[str, Any]) -> Support:
    d = _get(data, "support", dict)
    return Support(_int(d, "articles"), _int(d, "independent"))


def _cited_out(item: CitedText, texts: Mapping[str, str] | None = None) -> Json:
    out: Json = {"text": item.text, "citations": _citations_out(item.citations, texts)}
    if item.support is not None:
        out["support"] = _support_out(item.support)
    return out


def _cited_in(d: Mapping[str, Any]) -> CitedText:
    support = _support_in(d) if d.get("support") is not None else None
    return CitedText(_str(d, "text"), _citations_in(d), support)


def _source_out(signal: SourceSignal, texts: Mapping[str, str] | None = None) -> Json:
    return {
        "article_id": signal.article_id,
        "copies": [
            {
                "from_article_id": c.from_article_id,
                "chars": c.chars,
                "citations": _citations_out(c.spans, texts),
            }
            for c in signal.copies
        ],
        "first_reports": signal.first_reports,
        "quality": {"score": signal.quality.score, "reasons": list(signal.quality.reasons)},
    }


def _source_in(d: Mapping[str, Any]) -> SourceSignal:
    quality = _get(d, "quality", dict)
    score = _get(quality, "score", (int, float))
    reasons = _list(quality, "reasons")
    copies = tuple(
        CopyRef(
            _str(c, "from_article_id"),
            _int(c, "chars"),
            _citations_in(c) if "citations" in c else (),
        )
        for c in _list(d, "copies")
    )
    return SourceSignal(
        _str(d, "article_id"),
        copies,
        _int(d, "first_reports"),
        Quality(float(score), tuple(str(r) for r in reasons)),
    )


def coverage_out(brief: Brief) -> Json:
    """Fact x source matrix: which article supports which key fact, and, where its wording is
    copied from another article, which one (``copied_from``, null where it is its own)."""
    from newsweave.brief.render_md import coverage

    ids = [a.article_id for a in brief.articles]
    table = coverage(brief)
    column = {aid: n for n, (_, aid) in enumerate(table.columns)}
    rows = []
    for n, fact in enumerate(brief.facts):
        present = {c.article_id for c in fact.citations}
        cells = table.rows[n]
        rows.append(
            {
                "fact": n,
                "articles": [aid in present for aid in ids],
                "copied_from": [
                    cells[column[aid]].copied_from if aid in column else None for aid in ids
                ],
            }
        )
    return {
        "article_ids": ids,
        "rows": rows,
        "single_source": [n for n, f in enumerate(brief.facts) if f.support.articles == 1],
    }


def brief_to_dict(brief: Brief) -> Json:
    """The brief's stable public JSON shape (see the module docstring); texts are left out,
    but every citation carries the words it cites when ``brief.texts`` has its article."""
    texts = brief.texts
    return {
        "story_id": brief.story_id,
        "headline": brief.headline,
        "headline_article": brief.headline_article,
        "headline_citations": _citations_out(brief.headline_citations, texts),
        "summary": [_cited_out(c, texts) for c in brief.summary],
        "facts": [
            {
                "text": f.text,
                "support": _support_out(f.support),
                "citations": _citations_out(f.citations, texts),
            }
            for f in brief.facts
        ],
        "entities": [
            {
                "name": e.name,
                "type": e.type,
                "kind": entity_kind(e.type),  # the reader's word; "type" is the tagger's
                "roles": list(e.roles),
                "mentions": e.mentions,
                "citations": _citations_out(e.citations, texts),
            }
            for e in brief.entities
        ],
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "cue": q.cue,
                "citations": _citations_out(q.citations, texts),
                "variants": [_cited_out(v, texts) for v in q.variants],
            }
            for q in brief.quotes
        ],
        "timeline": [
            {
                "date": t.date,
                "precision": t.precision.value,
                "event": t.event,
                "when": t.when,
                "scheduled": t.scheduled,
                "support": _support_out(t.support),
                "citations": _citations_out(t.citations, texts),
            }
            for t in brief.timeline
        ],
        "discrepancies": [
            {
                "topic": d.topic,
                "kind": d.kind,
                "reason": d.reason,
                "claims": [_cited_out(c, texts) for c in d.claims],
                "confidence": d.confidence,
                "evidence": list(d.evidence),
            }
            for d in brief.discrepancies
        ],
        "articles": [
            {
                "article_id": a.article_id,
                "source": a.source,
                "title": a.title,
                "published": _datetime_out(a.published, f"brief source {a.article_id}"),
                "date_origin": a.date_origin.value,
                "url": a.url,
                "path": a.path,
            }
            for a in brief.articles
        ],
        "sources": [_source_out(s, texts) for s in brief.sources],
        "coverage": coverage_out(brief),
        "offsets": OFFSETS,
    }


def _brief_in(data: Mapping[str, Any]) -> Brief:
    def roles(d: Mapping[str, Any]) -> tuple[str, ...]:
        values = _list(d, "roles")
        if not all(isinstance(v, str) for v in values):
            raise _Malformed("field 'roles' must be a list of strings")
        return tuple(values)

    return Brief(
        story_id=_str(data, "story_id"),
        headline=_str(data, "headline"),
        headline_article=_opt_str(data, "headline_article"),
        headline_citations=(
            _citations_in(data, "headline_citations") if "headline_citations" in data else ()
        ),
        summary=tuple(_cited_in(d) for d in _list(data, "summary")),
        facts=tuple(
            Fact(_str(d, "text"), _support_in(d), _citations_in(d)) for d in _list(data, "facts")
        ),
        entities=tuple(
            EntitySummary(
                _str(d, "name"), _str(d, "type"), roles(d), _int(d, "mentions"), _citations_in(d)
            )
            for d in _list(data, "entities")
        ),
        quotes=tuple(
            QuoteItem(
                _str(d, "speaker"),
                _str(d, "text"),
                _opt_str(d, "cue"),
                _citations_in(d),
                tuple(_cited_in(v) for v in d.get("variants") or ()),
            )
            for d in _list(data, "quotes")
        ),
        timeline=tuple(
            TimelineEntry(
                _str(d, "date"),
                Precision(_str(d, "precision")),
                _str(d, "event"),
                _str(d, "when"),
                bool(_get(d, "scheduled", bool)),
                _support_in(d),
                _citations_in(d),
            )
            for d in _list(data, "timeline")
        ),
        discrepancies=tuple(
            Discrepancy(
                _str(d, "topic"),
                _str(d, "kind"),
                _str(d, "reason"),
                tuple(_cited_in(c) for c in _list(d, "claims")),
                float(_get(d, "confidence", (int, float))) if "confidence" in d else 1.0,
                tuple(str(e) for e in _list(d, "evidence")) if "evidence" in d else (),
            )
            for d in _list(data, "discrepancies")
        ),
        articles=tuple(
            SourceRef(
                _str(d, "article_id"),
                _opt_str(d, "source"),
                _opt_str(d, "title"),
                _datetime_in(d, "published"),
                DateOrigin(_str(d, "date_origin")),
                _opt_str(d, "url"),
                _opt_str(d, "path"),
            )
            for d in _list(data, "articles")
        ),
        sources=tuple(_source_in(d) for d in data.get("sources") or ()),
    )


def brief_from_dict(data: Mapping[str, Any]) -> Brief:
    """Inverse of :func:`brief_to_dict` (with empty ``texts``). Raises InputError if malformed."""
    return _decoding("brief", _brief_in, data)
