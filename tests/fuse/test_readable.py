"""Names as readers see them: variants folded, non-names dropped, plain kinds."""

from __future__ import annotations

import pytest

from newsweave.fuse.readable import (
    abbreviates,
    entity_kind,
    is_name,
    merge_variants,
    reader_names,
)
from newsweave.model import EntitySummary, Span


def _e(name: str, label: str, mentions: int) -> EntitySummary:
    return EntitySummary(name, label, (), mentions, (Span("a", mentions, mentions + 2),))


@pytest.mark.parametrize(
    ("short", "name", "expected"),
    [
        ("US", "United States", True),
        ("U.S.", "United States", True),
        ("ASEAN", "Association of Southeast Asian Nations", True),
        ("EPA", "Estoria Press Agency", True),
        ("UK", "United States", False),
        ("Kessel", "Kessel Port", False),
    ],
)
def test_abbreviations(short: str, name: str, expected: bool) -> None:
    assert abbreviates(short, name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aboard Air Force One", False),
        ("On Sunday", False),
        ("the ministry", False),
        ("Air Force One", True),
        ("Varnholm Port Authority", True),
        ("3M", True),
    ],
)
def test_what_is_a_name(name: str, expected: bool) -> None:
    assert is_name(name) is expected


def test_spelling_and_abbreviation_variants_fold_into_one_entry() -> None:
    merged = merge_variants(
        [
            _e("US", "GPE", 30),
            _e("U.S.", "GPE", 4),
            _e("United States", "GPE", 2),
            _e("Aboard Air Force One", "ORG", 2),
            _e("Kessel", "GPE", 5),
        ]
    )
    assert [(m.name, m.mentions) for m in merged] == [("United States", 36), ("Kessel", 5)]


def test_kinds_are_words() -> None:
    assert [entity_kind(x) for x in ("PERSON", "ORG", "GPE", "LOC", "NORP")] == [
        "person",
        "organisation",
        "place",
        "place",
        "group",
    ]


def test_chips_show_each_name_once() -> None:
    names = ["Brandt", "Ilse Brandt", "US", "U.S.", "United States", "Aboard Air Force One"]
    assert reader_names(names) == ["Ilse Brandt", "United States"]
