"""Shared fixtures: the real models, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from newsweave.annotate.models import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from newsweave.annotate.models import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 5, f"expected the five seed reports in {SEEDS}"
    return paths
