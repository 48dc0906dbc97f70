"""The briefs of the two real corpora are exactly those recorded in tests/golden.

A change to any brief, its Markdown or its HTML fails here with the lines that moved. When the
change is intended, regenerate the golden files with ``python -m tests.support.make_golden``
and review ``git diff tests/golden``.
"""

from __future__ import annotations

import difflib

import pytest

from tests.support.golden import FORMATS, REGENERATE, Corpus, examples, outputs, seeds

from .conftest import shared_path


def _compare(corpus: Corpus, produced: dict[str, str], fmt: str) -> None:
    path = corpus.golden(fmt)
    assert path.exists(), f"{path} is missing; create it with {REGENERATE}"
    expected = path.read_text(encoding="utf-8")
    if produced[fmt] == expected:
        return
    diff = difflib.unified_diff(
        expected.splitlines(),
        produced[fmt].splitlines(),
        fromfile=f"{path.name} (golden)",
        tofile="now",
        lineterm="",
        n=2,
    )
    shown = "\n".join(list(diff)[:60])
    pytest.fail(
        f"the {fmt} brief of {corpus.label} differs from {path}. If the change is intended, "
        f"regenerate with `{REGENERATE}` and review `git diff tests/golden`.\n{shown}",
        pytrace=False,
    )


@pytest.fixture(scope="module")
def example_outputs() -> dict[str, str]:
    return outputs(examples())


@pytest.fixture(scope="module")
def seed_outputs() -> tuple[Corpus, dict[str, str]]:
    corpus = seeds(shared_path("seeds").parent)
    return corpus, outputs(corpus)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_examples_brief_matches_golden(example_outputs: dict[str, str], fmt: str) -> None:
    _compare(examples(), example_outputs, fmt)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_reference_case_brief_matches_golden(
    seed_outputs: tuple[Corpus, dict[str, str]], fmt: str
) -> None:
    corpus, produced = seed_outputs
    _compare(corpus, produced, fmt)
