"""Time expressions resolved again without the parse give what the parse would give."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from newsweave.annotate.times import resolve_again, resolve_times
from newsweave.ingest import read_inputs

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
SEEDS = REPO.parent / "shared" / "seeds"

REFERENCES = [date(2025, 10, 26), date(2025, 10, 20), date(2026, 2, 2), date(2024, 12, 31)]


def _texts() -> list[tuple[str, str]]:
    paths = [EXAMPLES, *([SEEDS] if SEEDS.is_dir() else [])]
    return [(o.article.article_id, o.article.text) for o in read_inputs(paths) if o.article]


TEXTS = _texts()


@pytest.mark.parametrize("article_id,text", TEXTS, ids=[a[:8] for a, _ in TEXTS])
def test_resolving_again_equals_resolving_with_the_parse(
    nlp: Language, article_id: str, text: str
) -> None:
    doc = nlp(text)
    unresolved = resolve_times(doc, article_id, None)
    assert unresolved, "every report here states at least one time"
    for reference in REFERENCES:
        assert resolve_again(text, unresolved, reference) == resolve_times(
            doc, article_id, reference
        )
    assert resolve_again(text, resolve_times(doc, article_id, REFERENCES[0]), None) == unresolved


def test_an_expression_from_an_older_store_is_kept_as_it_was(nlp: Language) -> None:
    from dataclasses import replace

    text = "The ministers met on Sunday."
    (expr,) = resolve_times(nlp(text), "a1", None)
    old = replace(expr, rule="")
    assert resolve_again(text, [old], date(2025, 10, 29)) == [old]
    (again,) = resolve_again(text, [expr], date(2025, 10, 29))
    assert again.start == date(2025, 10, 26)
