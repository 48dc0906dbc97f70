"""The Dask engine on a real LocalCluster of worker processes gives the local engine's answer."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main
from newsweave.codec import brief_to_dict
from newsweave.engines import get_engine
from newsweave.engines.dask import DaskEngine
from newsweave.errors import NewsweaveError, OptionError
from newsweave.pipeline import ingest, stored_brief
from newsweave.store import Store, open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def engine() -> Iterator[DaskEngine]:
    """A LocalCluster of 2 worker processes, 1 thread each, no dashboard, on 127.0.0.1.

    Each worker loads spaCy and MiniLM once when it starts (~15 s on two cores).
    """
    started = get_engine("dask", workers=2)
    assert isinstance(started, DaskEngine)
    try:
        yield started
    finally:
        started.close()


def _stories(store: Store) -> dict[str, tuple[str, ...]]:
    return {s.story_id: tuple(sorted(s.article_ids)) for s in store.stories()}


def _briefs(store: Store) -> str:
    briefs = [brief_to_dict(stored_brief(store, s.story_id)) for s in store.stories()]
    return json.dumps(briefs, sort_keys=True, ensure_ascii=False)


def test_dask_and_local_engines_give_the_same_stories_and_briefs(
    engine: DaskEngine, tmp_path: Path, nlp: object, embedder: object
) -> None:
    assert engine.workers == 2
    cluster = engine.client.cluster
    assert cluster is not None and cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    stores = {name: open_store(tmp_path / f"{name}.sqlite") for name in ("local", "dask")}
    try:
        with get_engine("local") as local:
            local_report = ingest([EXAMPLES], stores["local"], engine=local)
        dask_report = ingest([EXAMPLES], stores["dask"], engine=engine)
        assert dask_report.summary_line() == local_report.summary_line()
        assert dask_report.summary_line().endswith(
            "11 ingested, 0 duplicate, 2 rejected; 2 stories"
        )
        local_stories = _stories(stores["local"])
        assert sorted(len(m) for m in local_stories.values()) == [1, 10]
        assert _stories(stores["dask"]) == local_stories
        assert _briefs(stores["dask"]) == _briefs(stores["local"])
        for item in stores["dask"].articles():
            assert item.embedding.shape == (384,)
    finally:
        for store in stores.values():
            store.close()


def test_cli_ingest_on_a_running_scheduler(engine: DaskEngine, tmp_path: Path) -> None:
    address = engine.client.scheduler.address
    db = tmp_path / "cli.sqlite"
    args = ["ingest", str(EXAMPLES / "text"), "--db", str(db), "--engine", "dask"]
    result = CliRunner().invoke(main, [*args, "--scheduler", address])
    assert result.exit_code == 0, result.output
    assert (
        result.output.splitlines()[-1] == "4 inputs: 4 ingested, 0 duplicate, 0 rejected; 2 stories"
    )


def test_an_unreachable_scheduler_says_what_to_do() -> None:
    with pytest.raises(
        NewsweaveError, match=r"Cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        DaskEngine("tcp://127.0.0.1:9", timeout=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("spark",), "Unknown engine 'spark'; available: local, dask"),
        (("local", "tcp://127.0.0.1:8786"), "--scheduler needs --engine dask"),
        (("dask", "tcp://127.0.0.1:8786", 2), "Give one or the other"),
        (("dask", None, 0), "must be 1 or more; got 0"),
    ],
)
def test_engine_options_are_checked(
    args: tuple[str, str | None] | tuple[str, str | None, int], message: str
) -> None:
    with pytest.raises(OptionError, match=message):
        get_engine(*args)


def test_missing_dask_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an absent package looks like
    with pytest.raises(NewsweaveError, match=r"pip install 'newsweave\[dask\]'"):
        get_engine("dask", workers=1)
    result = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--engine", "dask"])
    assert result.exit_code == 1
    assert "pip install 'newsweave[dask]'" in result.output
