"""A long text's word pieces come from a prefix of it, with the same pieces and vectors as the
whole text gives, and a multi-megabyte "sentence" costs the tokenizer no more than a short one."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from tests.conftest import shared_path

from newsweave.annotate.minilm import MAX_TOKENS, MiniLM


def _timeline17_texts() -> list[str]:
    """Real news text: leads, paragraphs, lines and whole articles of Timeline17."""
    path = shared_path("data", "timeline17", "articles.jsonl")
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(line)["text"] for line in lines][::12]
    texts: list[str] = []
    for text in articles:
        texts += [text[:1500], text, *text.split("\n")[:3]]
    return [t for t in texts if t.strip()]


def _adversarial() -> list[str]:
    url = "https://news.example/" + "/".join(f"section{n}?id={n}&ref=feed-{n}" for n in range(400))
    return [
        url,
        "x" * 30_000,  # no word end at all: the whole text
        "ab-" * 10_000,
        "\U0001f600" * 9_000,
        "\U0001f600 " * 9_000,
        "Smile\U0001f600and\U0001f389go " * 2_000,
        "東京都" * 3_000 + "。" + "の" * 5_000,
        "Éte\u0301 cafe\u0301, na\u00efve." * 1_500,  # combining accents after letters
        "-\u0301" * 5_000 + "word " * 500,  # a combining mark after each word end
        "A\x00B\x1cC\ufffdD " * 3_000,  # characters the normaliser removes
        ("word " * 40 + " " * 3_000 + "\t\r\n") * 12,
        "Ein Satz \u00a0mit\u3000Leerzeichen\u2028anderer Art. " * 400,
        "§¶" * 5_000 + " after " * 300,  # punctuation since Unicode 6.1, a symbol in 3.2
        "a" * 150 + " then " * 300,  # a word over the word-piece limit (an [UNK])
    ]


def _whole(embedder: MiniLM, text: str) -> list[int]:
    """The pieces of ``text`` as the tokenizer gives them when it reads all of it."""
    return list(embedder.tokenizer.encode(text).ids)


@pytest.mark.parametrize("cut", [64, 1000])
def test_prefixes_give_the_pieces_of_the_whole_text(embedder: MiniLM, cut: int) -> None:
    texts = _timeline17_texts() + _adversarial()
    assert sum(len(t) > 20_000 for t in texts) >= 5  # whole articles and the adversarial ones
    got = embedder._encodings(texts, cut)
    differ = [t[:60] for t, e in zip(texts, got, strict=True) if list(e.ids) != _whole(embedder, t)]
    assert differ == []
    assert sum(len(e.ids) == MAX_TOKENS for e in got) > 40


def test_the_vectors_are_the_same_bits(embedder: MiniLM) -> None:
    texts = _timeline17_texts()[:60] + _adversarial()
    cut = embedder.encode(texts, batch_size=8, prefix_chars=64)
    whole = embedder.encode(texts, batch_size=8, prefix_chars=10**9)
    assert np.array_equal(cut, whole)


_PEAK = (
    "import sys\n"
    "from newsweave.annotate.embed import embed_texts\n"
    "embed_texts(['warm up the model.'])\n"
    "def hwm():\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
    "    return int(status.split()[0])\n"
    "base = hwm()\n"
    "embed_texts([sys.argv[1] * (2_000_000 // len(sys.argv[1]))])\n"
    "print(hwm() - base)"
)


@pytest.mark.parametrize("unit", ["ab-", "the council voted ", "https://a.example/x?q=1&r="])
def test_a_two_megabyte_sentence_costs_the_tokenizer_no_memory(unit: str) -> None:
    # Read whole, 2 MB of "ab-ab-…" took the tokenizer ~726 MB more than the model (peak RSS);
    # VmHWM of a fresh process: the test process's own size would hide it.
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, unit], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 50_000  # kB over the warm model's peak
