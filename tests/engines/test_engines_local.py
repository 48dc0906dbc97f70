"""The local engine: chunks in order, both cores, and results that survive pickling."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsweave.annotate.pipeline import AnnotateOptions, annotate
from newsweave.engines import LocalEngine, get_engine
from newsweave.ingest import read_inputs
from newsweave.model import AnnotatedArticle, Article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [o.article for o in read_inputs([EXAMPLES]) if o.article]


@pytest.fixture(scope="module")
def annotated(
    articles: list[Article], nlp: object, embedder: object
) -> list[list[AnnotatedArticle]]:
    with get_engine("local") as engine:
        return list(engine.annotate(articles, AnnotateOptions(batch_size=4)))


def test_chunks_come_back_in_input_order(
    articles: list[Article], annotated: list[list[AnnotatedArticle]]
) -> None:
    assert [len(chunk) for chunk in annotated] == [4, 4, 3]
    flat = [item for chunk in annotated for item in chunk]
    assert [i.article_id for i in flat] == [a.article_id for a in articles]


def test_same_annotations_as_the_annotate_stage(
    articles: list[Article], annotated: list[list[AnnotatedArticle]]
) -> None:
    flat = [item for chunk in annotated for item in chunk]
    stage = annotate(articles, AnnotateOptions(batch_size=4))
    assert flat == stage  # embeddings are compare=False: checked below
    for mine, theirs in zip(flat, stage, strict=True):
        np.testing.assert_allclose(mine.embedding, theirs.embedding, atol=1e-6)


def test_two_spacy_processes_give_the_same_annotations(
    articles: list[Article], annotated: list[list[AnnotatedArticle]]
) -> None:
    flat = [item for chunk in annotated for item in chunk]
    with LocalEngine(n_process=2) as engine:
        both = [
            i for chunk in engine.annotate(articles, AnnotateOptions(batch_size=4)) for i in chunk
        ]
    assert both == flat
    for one, two in zip(flat, both, strict=True):
        np.testing.assert_array_equal(one.embedding, two.embedding)


def test_annotated_articles_survive_pickling(annotated: list[list[AnnotatedArticle]]) -> None:
    item = annotated[0][0]
    back = pickle.loads(pickle.dumps(item))
    assert back == item
    assert back.embedding.dtype == np.float32 and back.embedding.shape == (384,)
    np.testing.assert_array_equal(back.embedding, item.embedding)


def test_one_worker_pool_serves_both_passes_until_closed(articles: list[Article]) -> None:
    from multiprocessing import active_children

    from newsweave.annotate.pipeline import CHEAP, DEEP

    before = {p.pid for p in active_children()}
    options = AnnotateOptions(batch_size=4)
    with LocalEngine(n_process=2) as engine:
        cheap = [i for c in engine.annotate(articles, options, CHEAP) for i in c]
        workers = {p.pid for p in active_children()} - before
        deep = [i for c in engine.annotate(articles[:6], options, DEEP) for i in c]
        assert {p.pid for p in active_children()} - before == workers
    assert len(workers) == 2
    assert not workers & {p.pid for p in active_children()}
    assert [i.article_id for i in cheap] == [a.article_id for a in articles]
    assert all(i.embedding.shape == (384,) for i in cheap)
    assert [i.article_id for i in deep] == [a.article_id for a in articles[:6]]
    assert all(i.sentences and i.sentence_vectors.shape[0] > 0 for i in deep)


_LONE_CHUNK = """
import sys
from pathlib import Path

from newsweave.annotate import models
from newsweave.annotate.pipeline import CHEAP, DEEP, AnnotateOptions
from newsweave.engines import LocalEngine
from newsweave.ingest import read_inputs

articles = [o.article for o in read_inputs([Path(sys.argv[1])]) if o.article]
options = AnnotateOptions(batch_size=4)
with LocalEngine(n_process=2) as engine:
    cheap = [i for c in engine.annotate(articles, options, CHEAP) for i in c]
    deep = [i for c in engine.annotate(articles[:3], options, DEEP) for i in c]
loaded = models._load_pipeline.cache_info().currsize, bool(models._embedders)
print(len(cheap), len(deep), all(i.sentence_vectors.shape[0] > 0 for i in deep), *loaded)
"""


def _run_on_examples(script: str, timeout: int) -> list[str]:
    """The words ``script`` prints, run in a fresh Python on the example corpus (it fails the
    test, with the script's error, when the script fails)."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLES)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_a_lone_chunk_goes_to_the_running_pool() -> None:
    """With the pool running, a call of one chunk (an ingest's few deep articles) runs on a
    worker: this process loads no model."""
    assert _run_on_examples(_LONE_CHUNK, timeout=300) == ["11", "3", "True", "0", "False"]


_FORK_AFTER_EMBEDDING = """
import sys, time
from newsweave.annotate.models import load_embedder, set_embed_threads
from newsweave.annotate.pipeline import AnnotateOptions
from newsweave.engines import LocalEngine
from newsweave.ingest import read_inputs

set_embed_threads(2)  # a thread pool in this process, as a lone brief or the API has
load_embedder().encode(["one lead", "another lead"], batch_size=2, max_tokens=32)
time.sleep(1.0)  # the pool's threads stop spinning and wait on their condition variables
articles = [o.article for o in read_inputs([sys.argv[1]]) if o.article][:3]
with LocalEngine(n_process=2) as engine:
    engine.start(timeout=90)
    done = [i for chunk in engine.annotate(articles, AnnotateOptions(batch_size=2)) for i in chunk]
print(len(done))
"""


def test_workers_forked_from_a_process_that_embedded_start() -> None:
    # A forked worker replaced the embedder it inherited, and freeing that one waited forever
    # on the parent's pool threads: the pool never started (a hang, not an error).
    assert _run_on_examples(_FORK_AFTER_EMBEDDING, timeout=150)[-1] == "3"
