"""The embedding network newsweave runs is built from the shipped one: deterministically, without
the NaN guards (same bits), int8 per output channel (close to the shipped vectors on real news),
named by what it was built from, and built somewhere else when the prepared folder is read-only.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest

from newsweave.annotate.minilm import MiniLM
from newsweave.annotate.models import _model_files, load_embedder, source_model_file
from newsweave.annotate.quantized import build, built_model, file_name

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "text"


def _sentences() -> list[str]:
    """Sentences and leads of the example corpus's text articles (real-shaped news)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    assert texts, f"no example articles in {EXAMPLES}"
    out = [t[:1500] for t in texts]
    for text in texts:
        out += [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.split()) >= 6]
    return out


def _ops(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for node in onnx.load(str(path)).graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(source_model_file(), tmp_path_factory.mktemp("minilm") / "a.onnx")


def test_the_build_is_deterministic_and_is_what_newsweave_runs(built: Path, tmp_path: Path) -> None:
    again = build(source_model_file(), tmp_path / "b.onnx")
    digest = hashlib.sha256(built.read_bytes()).hexdigest()
    assert hashlib.sha256(again.read_bytes()).hexdigest() == digest
    running = _model_files()[0]
    assert running.name == file_name(source_model_file())
    assert hashlib.sha256(running.read_bytes()).hexdigest() == digest


def test_the_network_is_int8_per_channel_without_nan_guards(built: Path) -> None:
    shipped, ours = _ops(source_model_file()), _ops(built)
    assert shipped.get("IsNaN", 0) == 6 and shipped.get("Where", 0) >= 6  # one per layer
    assert ours.get("IsNaN", 0) == 0
    weights = {init.name: list(init.dims) for init in onnx.load(str(built)).graph.initializer}
    # 6 layers x (query, key, value, attention output, feed-forward in and out): int8, with one
    # scale per output channel (the dequantization scales the shipped file has are scalars)
    per_channel = [
        name
        for name, dims in weights.items()
        if name.endswith("_scale") and len(dims) == 1 and dims[0] > 1
    ]
    assert ours.get("MatMulInteger", 0) >= 36
    assert len(per_channel) >= 36
    assert ours.get("MatMul", 0) == 12  # the attention products of two activations


def test_the_sentence_network_gives_the_shipped_bits_without_the_guards() -> None:
    network = _model_files(quantized=False)[0]
    assert network.name == file_name(source_model_file(), quantized=False)
    assert _ops(network).get("IsNaN", 0) == 0
    texts = _sentences()
    shipped = MiniLM(source_model_file(), _model_files()[1]).encode(texts)
    assert load_embedder(quantized=False).encode(texts).tobytes() == shipped.tobytes()


def test_vectors_stay_close_to_the_shipped_network_on_real_news() -> None:
    texts = _sentences()
    assert len(texts) >= 40
    shipped = MiniLM(source_model_file(), _model_files()[1]).encode(texts)
    ours = load_embedder().encode(texts)
    cosine = np.sum(shipped * ours, axis=1)
    assert np.percentile(cosine, 5) >= 0.99, np.sort(cosine)[:5]
    assert cosine.min() >= 0.975, np.sort(cosine)[:5]
    # the vectors are not the shipped network's: the quantization is real
    assert np.median(cosine) < 0.9999


def test_a_folder_that_cannot_be_written_builds_elsewhere(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = blocker / "prepared"  # cannot be made, whoever runs the test
    path = built_model(source_model_file(), folder)
    assert path.is_file() and path.parent != folder and not folder.exists()
    assert path.name == file_name(source_model_file())
    assert path.read_bytes() == _model_files()[0].read_bytes()


def test_an_article_vector_does_not_depend_on_its_batch() -> None:
    texts = _sentences()
    embedder = load_embedder()
    together = embedder.encode(texts, batch_size=16)
    for n in range(0, len(texts), 7):
        assert embedder.encode([texts[n]]).tobytes() == together[n].tobytes()
