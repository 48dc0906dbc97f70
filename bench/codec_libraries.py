"""Pick the JSON layer by figures: decode and encode speed on real stored data, and the error
messages for bad input, of pydantic ``TypeAdapter`` and ``msgspec.convert`` / ``to_builtins``
on the model's own dataclasses, and of ``newsweave.codec`` as it is (and, with
``--old-codec FILE``, a codec module of an earlier version, e.g. the hand-written one:
``git show 4c8f39a:src/newsweave/codec.py > /tmp/old_codec.py``).

Data: tests/golden/stored-v1.json (the example corpus as the store keeps it): the largest
cached brief, every article, every stored annotation list.

    .venv/bin/python bench/codec_libraries.py [--loops 200] [--old-codec /tmp/old_codec.py]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from pydantic import TypeAdapter

from newsweave import codec
from newsweave.model import Article, Brief, EntityMention, Quantity, Quote, Sentence, TimeExpr

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "golden" / "stored-v1.json"
ANNOTATION_TYPES: dict[str, Any] = {
    "sentences": tuple[Sentence, ...],
    "entities": tuple[EntityMention, ...],
    "quotes": tuple[Quote, ...],
    "quantities": tuple[Quantity, ...],
    "times": tuple[TimeExpr, ...],
}
SPAN_KEYS = ("span", "speaker_span", "cue_span")


def _expand(annotations: dict[str, Any], owner: str) -> dict[str, Any]:
    """Stored annotations with every compact ``[start, end]`` span as a full span dict."""
    out = {}
    for key in ANNOTATION_TYPES:
        rows = []
        for row in annotations[key]:
            row = dict(row)
            for k in SPAN_KEYS:
                if isinstance(row.get(k), list):
                    row[k] = {"article_id": owner, "start": row[k][0], "end": row[k][1]}
            rows.append(row)
        out[key] = rows
    return out


def _wire_brief(brief: dict[str, Any]) -> dict[str, Any]:
    """The brief JSON with the one renamed field back to its model name."""
    data = copy.deepcopy(brief)
    for source in data["sources"]:
        for c in source["copies"]:
            c["spans"] = c.pop("citations")
    return data


def _best(fn: Callable[[], object], loops: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(loops):
            fn()
        best = min(best, (time.perf_counter() - start) / loops)
    return best * 1e6


def _errors(decode: Callable[[dict[str, Any]], object], brief: dict[str, Any]) -> list[str]:
    cases: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("start as text", lambda d: d["summary"][1]["citations"][0].__setitem__("start", "x")),
        ("support missing", lambda d: d["facts"][0].pop("support")),
        ("bool for int", lambda d: d["facts"][0]["support"].__setitem__("articles", True)),
        ("naive datetime", lambda d: d["articles"][0].__setitem__("published", "2026-03-11")),
        ("bad enum", lambda d: d["timeline"][0].__setitem__("precision", "fortnight")),
    ]
    out = []
    for name, spoil in cases:
        data = copy.deepcopy(brief)
        spoil(data)
        try:
            decode(data)
            out.append(f"  {name:16} ACCEPTED")
        except Exception as exc:  # each library raises its own error type
            first = " ".join(str(exc).split())[:150]
            out.append(f"  {name:16} {type(exc).__name__}: {first}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loops", type=int, default=200)
    parser.add_argument("--old-codec", metavar="FILE", help="a codec module to compare too")
    args = parser.parse_args()
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    brief = json.loads(max(fixture["briefs"].values(), key=len))
    wire = _wire_brief(brief)
    articles = [json.loads(r["article"]) for r in fixture["full"]]
    annotations = [
        _expand(json.loads(r["annotations"]), a["article_id"])
        for r, a in zip(fixture["full"], articles, strict=True)
    ]
    brief_ta = TypeAdapter(Brief)
    article_ta = TypeAdapter(list[Article])
    annotation_tas = {k: TypeAdapter(t) for k, t in ANNOTATION_TYPES.items()}
    decoded = brief_ta.validate_python(wire)

    rows: list[tuple[str, str, Callable[[], object]]] = [
        ("brief decode", "pydantic", lambda: brief_ta.validate_python(wire)),
        ("brief encode", "pydantic", lambda: brief_ta.dump_python(decoded)),
        ("11 articles decode", "pydantic", lambda: article_ta.validate_python(articles)),
        (
            "11 annotations decode",
            "pydantic",
            lambda: [annotation_tas[k].validate_python(a[k]) for a in annotations for k in a],
        ),
    ]
    decoders: dict[str, Callable[[dict[str, Any]], object]] = {"pydantic": brief_ta.validate_python}
    rows += [
        ("brief decode", "msgspec", lambda: msgspec.convert(wire, Brief)),
        ("brief encode", "msgspec", lambda: msgspec.to_builtins(decoded)),
        ("11 articles decode", "msgspec", lambda: msgspec.convert(articles, list[Article])),
        (
            "11 annotations decode",
            "msgspec",
            lambda: [msgspec.convert(a[k], ANNOTATION_TYPES[k]) for a in annotations for k in a],
        ),
    ]
    decoders["msgspec"] = lambda d: msgspec.convert(d, Brief)
    codecs: list[tuple[str, types.ModuleType]] = [("codec", codec)]
    if args.old_codec:
        spec = importlib.util.spec_from_file_location("old_codec", args.old_codec)
        assert spec is not None and spec.loader is not None
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        codecs.append(("old codec", old))
    stored = [
        ({"article": a, **json.loads(r["annotations"])}, codec.embedding_from_b64(r["embedding"]))
        for r, a in zip(fixture["full"], articles, strict=True)
    ]
    for name, module in codecs:
        built = module.brief_from_dict(brief)
        rows += [
            ("brief decode", name, lambda m=module: m.brief_from_dict(brief)),
            ("brief encode", name, lambda m=module, b=built: m.brief_to_dict(b)),
            (
                "11 articles decode",
                name,
                lambda m=module: [m.article_from_dict(a) for a in articles],
            ),
            (
                "11 annotations decode",
                name,
                lambda m=module: [m.annotated_from_dict(d, e) for d, e in stored],
            ),
        ]
        decoders[name] = module.brief_from_dict
    size = len(json.dumps(brief)) // 1024
    print(f"brief {size} KiB; best of 5 x {args.loops} loops; µs per call")
    libs = list(dict.fromkeys(r[1] for r in rows))
    print(f"{'':22}" + "".join(f"{lib:>12}" for lib in libs))
    for what in dict.fromkeys(r[0] for r in rows):
        cells = {lib: _best(fn, args.loops) for w, lib, fn in rows if w == what}
        print(f"{what:22}" + "".join(f"{cells[lib]:12.1f}" for lib in libs))
    for lib, decode in decoders.items():
        print(f"errors, {lib}:")
        print("\n".join(_errors(decode, wire if lib in ("pydantic", "msgspec") else brief)))


if __name__ == "__main__":
    main()
