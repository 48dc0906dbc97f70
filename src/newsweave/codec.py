"""Lossless dict/JSON round trip of the core model, for the store, the CLI and the HTTP API.

The model's dataclasses are the schema: msgspec turns them into plain JSON types and back
(``to_builtins`` / ``convert``), validating types on the way in and naming the path of a bad
field (``$.facts[0].support.articles``). What this module adds is only what is not a field:

- datetimes are written as ``datetime.isoformat()`` (``+00:00``, not ``Z``) and must carry a
  UTC offset both ways; dates are ISO; enums are their string values;
- inside an annotated article a span of that article is written compactly as ``[start, end]``,
  a span into another article keeps the full ``{"article_id", "start", "end"}`` form;
- the embedding is not part of the annotated dict: the store keeps it as a little-endian
  float32 BLOB (:func:`embedding_to_blob`), JSON carries it as base64 (:func:`embedding_to_b64`).

:func:`brief_to_dict` is the public JSON schema of a brief (CLI ``--format json`` and the HTTP
API; the pydantic models of ``newsweave.brief.schema`` document it and the tests hold every
real brief to them); keep its shape stable. ``Brief.texts`` is not part of it, but each
citation of a brief carries the ``text`` it cites (when the brief has its articles' texts), so
a client can show the cited words without fetching the articles. Offsets count Unicode code
points (Python ``str`` indexes, not UTF-16 units or bytes) into the article text as stored,
``end`` exclusive: ``article.text[start:end] == citation["text"]``. Beyond the model's fields
the brief carries each entity's ``kind``, the ``coverage`` matrix and the ``offsets`` note;
a copy's spans are its ``citations``.

Example:
    >>> from newsweave.model import Story
    >>> story_from_dict(story_to_dict(Story("s1", ("a", "b")))) == Story("s1", ("a", "b"))
    True
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

import msgspec
import numpy as np

from newsweave.errors import InputError
from newsweave.fuse.readable import entity_kind
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Brief,
    Depth,
    EntityMention,
    Quantity,
    Quote,
    Sentence,
    Span,
    Story,
    TimeExpr,
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
# Keys of an annotation that hold a span of the annotated article (compact when its own).
_SPAN_KEYS = ("span", "speaker_span", "cue_span")


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


def _builtins(value: object) -> Any:
    """``value`` (model dataclasses, tuples, enums, dates) as JSON types: dicts, lists, str.

    Through msgspec's JSON bytes rather than ``msgspec.to_builtins``, which keeps tuples; a
    lone surrogate (a file name that was not UTF-8) cannot be UTF-8 encoded, so text holding
    one takes the slower way.
    """
    try:
        return _DECODER.decode(_ENCODER.encode(value))
    except UnicodeEncodeError:
        return _lists(msgspec.to_builtins(value))


def _lists(value: Any) -> Any:
    """``value`` from ``msgspec.to_builtins`` with every tuple a list."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def _decode(kind: str, data: object, into: type[T]) -> T:
    """``data`` as an ``into``, or one InputError naming the object and the bad field's path."""
    if not isinstance(data, Mapping):
        raise InputError(f"{kind} dict", f"expected an object, got {type(data).__name__}", _HINT)
    try:
        return msgspec.convert(data, into)
    except msgspec.ValidationError as exc:
        raise InputError(f"{kind} dict", str(exc), _HINT) from None


def _aware(value: datetime | None, kind: str, path: str) -> None:
    """Refuse a decoded datetime without a UTC offset (newsweave never guesses the zone)."""
    if value is not None and value.utcoffset() is None:
        raise InputError(
            f"{kind} dict", f"{value.isoformat()} has no UTC offset - at `{path}`", _HINT
        )


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


# --- spans -----------------------------------------------------------------------------


def span_to_dict(span: Span) -> Json:
    """A citation: ``{"article_id", "start", "end"}``."""
    return {"article_id": span.article_id, "start": span.start, "end": span.end}


def span_from_dict(data: Mapping[str, Any]) -> Span:
    """Inverse of :func:`span_to_dict`. Raises InputError on a malformed dict."""
    return _decode("span", data, Span)


def _compact(rows: list[Json], owner: str) -> list[Json]:
    """Each span of ``owner`` in ``rows`` (the builtins of annotations) as ``[start, end]``."""
    for row in rows:
        for key in _SPAN_KEYS:
            span = row.get(key)
            if span is not None and span["article_id"] == owner:
                row[key] = [span["start"], span["end"]]
    return rows


def _expand(rows: object, owner: str) -> object:
    """The inverse of :func:`_compact` on stored rows; anything malformed is left for the
    validation to name."""
    if not isinstance(rows, list):
        return rows
    out = []
    for row in rows:
        if isinstance(row, Mapping):
            row = dict(row)
            for key in _SPAN_KEYS:
                span = row.get(key)
                if isinstance(span, list) and len(span) == 2:
                    row[key] = {"article_id": owner, "start": span[0], "end": span[1]}
        out.append(row)
    return out


# --- articles --------------------------------------------------------------------------


def article_to_dict(article: Article) -> Json:
    """Every field of an Article; ``published`` as ISO 8601 with offset or None.

    Raises:
        InputError: ``published`` is a naive datetime (the model requires aware ones).
    """
    data: Json = _builtins(article)
    data["published"] = _datetime_out(article.published, f"article {article.article_id}")
    return data


def article_from_dict(data: Mapping[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`. Raises InputError on a malformed dict."""
    article = _decode("article", data, Article)
    _aware(article.published, "article", "$.published")
    return article


# --- annotated articles ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    """An annotated article as stored: the model's fields without the vectors. Defaults read
    what older versions wrote (no errors recorded, all annotations full)."""

    article: Article
    sentences: tuple[Sentence, ...]
    entities: tuple[EntityMention, ...]
    quotes: tuple[Quote, ...]
    quantities: tuple[Quantity, ...]
    times: tuple[TimeExpr, ...]
    errors: tuple[str, ...] = ()
    depth: Depth = Depth.FULL
    lead_entities: tuple[EntityMention, ...] | None = None


def annotations_to_dict(item: AnnotatedArticle) -> Json:
    """The annotation tuples of an annotated article, without the article and embedding.

    This is what the store keeps as the article's annotations JSON.
    """
    owner = item.article.article_id

    def rows(values: tuple[Any, ...]) -> list[Json]:
        return _compact(_builtins(values), owner)

    out: Json = {
        "depth": item.depth.value,
        "sentences": rows(item.sentences),
        "entities": rows(item.entities),
        "quotes": rows(item.quotes),
        "quantities": rows(item.quantities),
        "times": rows(item.times),
        "errors": list(item.errors),
    }
    if item.lead_entities is not None:
        out["lead_entities"] = rows(item.lead_entities)
    return out


def annotated_to_dict(item: AnnotatedArticle) -> Json:
    """``{"article": article_to_dict(...), "sentences": [...], "entities": [...], ...}``.

    The embedding is left out; encode it with :func:`embedding_to_b64` or
    :func:`embedding_to_blob` and hand it back to :func:`annotated_from_dict`.
    """
    return {"article": article_to_dict(item.article), **annotations_to_dict(item)}


def annotated_from_dict(data: Mapping[str, Any], embedding: np.ndarray) -> AnnotatedArticle:
    """Inverse of :func:`annotated_to_dict`, with the embedding passed separately.

    Raises:
        InputError: a field is missing or malformed, or the embedding is not a 1-D vector.
    """
    kind = "annotated article"
    if not isinstance(data, Mapping):
        raise InputError(f"{kind} dict", f"expected an object, got {type(data).__name__}", _HINT)
    article = data.get("article")
    owner = article.get("article_id") if isinstance(article, Mapping) else None
    if not isinstance(owner, str):  # the article is malformed: let the validation name it
        owner = ""
    expanded = {k: _expand(v, owner) if k != "article" else v for k, v in data.items()}
    stored = _decode(kind, expanded, _Stored)
    _aware(stored.article.published, kind, "$.article.published")
    return AnnotatedArticle(
        stored.article,
        stored.sentences,
        stored.entities,
        stored.quotes,
        stored.quantities,
        stored.times,
        _as_float32(embedding, f"embedding of article {stored.article.article_id}"),
        errors=stored.errors,
        depth=stored.depth,
        lead_entities=stored.lead_entities,
    )


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
    data: Json = _builtins(story)
    return data


def story_from_dict(data: Mapping[str, Any]) -> Story:
    """Inverse of :func:`story_to_dict`. Raises InputError on a malformed dict."""
    return _decode("story", data, Story)


# --- briefs ----------------------------------------------------------------------------

BRIEF_JSON_VERSION = 2
"""Bumped when the brief's JSON gains fields, so cached briefs of an older shape are rebuilt."""

OFFSETS = (
    "citation start/end count Unicode code points into the article text as stored "
    "(GET /api/articles/{id}: article.text), end exclusive; each citation's text is that slice"
)

# The brief's keys in the order of its published JSON (the model's field order differs).
_BRIEF_KEYS = (
    "story_id",
    "headline",
    "headline_article",
    "headline_citations",
    "summary",
    "facts",
    "entities",
    "quotes",
    "timeline",
    "discrepancies",
    "articles",
    "sources",
)


def coverage_out(brief: Brief) -> Json:
    """Fact x source matrix: which article supports which key fact, and, where its wording is
    copied from another article, which one (``copied_from``, null where it is its own)."""
    from newsweave.brief.view import coverage

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
    model: Json = _builtins(replace(brief, texts={}))

    def cite(spans: list[Json]) -> list[Json]:
        for span in spans:
            text = texts.get(span["article_id"])
            if text is not None:
                span["text"] = text[span["start"] : span["end"]]
        return spans

    def cited(items: list[Json]) -> list[Json]:
        for item in items:
            cite(item["citations"])
            if item.get("support", 0) is None:
                del item["support"]  # a claim's support is written only when known
        return items

    data = {key: model[key] for key in _BRIEF_KEYS}
    cite(data["headline_citations"])
    cited(data["summary"])
    cited(data["facts"])
    data["entities"] = cited([_with_kind(e) for e in data["entities"]])
    for quote in cited(data["quotes"]):
        cited(quote["variants"])
        if quote.get("note", 0) is None:
            del quote["note"]  # written only when the renderings differ in minor wording
    cited(data["timeline"])
    for discrepancy in data["discrepancies"]:
        cited(discrepancy["claims"])
    for ref, article in zip(data["articles"], brief.articles, strict=True):
        ref["published"] = _datetime_out(article.published, f"brief source {ref['article_id']}")
    for source in data["sources"]:
        for copy in source["copies"]:
            copy["citations"] = cite(copy.pop("spans"))
    data["coverage"] = coverage_out(brief)
    data["offsets"] = OFFSETS
    return data


def _with_kind(entity: Json) -> Json:
    """The entity with the reader's word for its type (``kind``) right after ``type``."""
    out: Json = {}
    for key, value in entity.items():
        out[key] = value
        if key == "type":
            out["kind"] = entity_kind(value)
    return out


def brief_from_dict(data: Mapping[str, Any]) -> Brief:
    """Inverse of :func:`brief_to_dict` (with empty ``texts``). Raises InputError if malformed.

    The brief's computed parts (``kind``, ``coverage``, ``offsets``, each citation's ``text``)
    are read past; they follow from the rest.
    """
    if isinstance(data, Mapping) and isinstance(data.get("sources"), list):
        data = {**data, "sources": [_model_source(s) for s in data["sources"]]}
    brief = _decode("brief", data, Brief)
    for n, ref in enumerate(brief.articles):
        _aware(ref.published, "brief", f"$.articles[{n}].published")
    return brief


def _model_source(source: object) -> object:
    """A source of the brief's JSON with each copy's ``citations`` under the model's name."""
    if not isinstance(source, Mapping) or not isinstance(source.get("copies"), list):
        return source
    copies = [
        {("spans" if k == "citations" else k): v for k, v in c.items()}
        if isinstance(c, Mapping)
        else c
        for c in source["copies"]
    ]
    return {**source, "copies": copies}
