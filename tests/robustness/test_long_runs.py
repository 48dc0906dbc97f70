"""A run of text without spaces that spaCy's tokenizer splits ("a:a:a:...") once made the deep
pass quadratic: 16,000 characters took ~2 CPU-s, a 200,000-character run several minutes."""

from __future__ import annotations

import time

from newsweave.annotate.pipeline import DEEP, LONG_RUN, annotate_stream, parse_text
from newsweave.ingest import make_article

LEAD = "The harbour authority of Varnholm said on Tuesday that the ferry terminal opens in May. "


def test_long_runs_are_cut_and_everything_else_is_kept() -> None:
    text = LEAD + "a:" * 2_000 + " " + "x" * (LONG_RUN - 1) + " end"
    parsed = parse_text(text)
    assert len(parsed) == len(text)
    assert parsed.startswith(LEAD) and parsed.endswith(" " + "x" * (LONG_RUN - 1) + " end")
    run = parsed[len(LEAD) : len(LEAD) + 4_000]
    assert max(len(w) for w in run.split()) == LONG_RUN - 1
    assert parse_text(LEAD) is LEAD  # an ordinary text is passed on as it is


def _tokenize_seconds(nlp, chars: int, unit: str) -> float:  # type: ignore[no-untyped-def]
    # a fresh unit each time: the tokenizer caches the pieces it has split before
    text = parse_text(LEAD + unit * (chars // len(unit)))
    started = time.process_time()
    nlp.tokenizer(text)
    return time.process_time() - started


def test_tokenizing_a_long_run_is_near_linear(nlp) -> None:  # type: ignore[no-untyped-def]
    _tokenize_seconds(nlp, 1_000, "w:")  # warm
    small = min(_tokenize_seconds(nlp, 8_000, f"{c}:") for c in "abc")
    large = min(_tokenize_seconds(nlp, 32_000, f"{c}:") for c in "def")
    # 4x the text: ~4x the time when linear, ~16x when quadratic (0.5 s against 7 s before).
    assert large < 8 * max(small, 0.002), (small, large)


def test_the_deep_pass_parses_the_cut_text(nlp) -> None:  # type: ignore[no-untyped-def]
    article = make_article(LEAD + "a:" * 1_000 + " The talks resume on Friday.")
    (item,) = annotate_stream([article], batch_size=1, which=DEEP)
    assert item.errors == ()
    assert any(t.text == "on Tuesday" for t in item.times)
    assert all(len(w) < LONG_RUN for s in item.sentences for w in s.text.split())
