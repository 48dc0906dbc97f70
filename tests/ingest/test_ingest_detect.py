"""Dateline and language detection."""

from __future__ import annotations

import pytest

from newsweave.ingest import detect_dateline, detect_language, make_article
from newsweave.ingest.detect import detect_dateline as detect


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("KUALA LUMPUR: A second day of talks began.", "KUALA LUMPUR"),
        ("ISTANBUL\nThe minister said on Wednesday.", "ISTANBUL"),
        ("WASHINGTON (Reuters) - The Treasury said.", "WASHINGTON"),
        ("LONDON, Oct 3 (AP) — Shares fell.", "LONDON"),
        ("Beijing, Oct. 25 (Xinhua) -- Officials met.", "Beijing"),
        ("NEW YORK/LONDON (Reuters) - Oil rose.", "NEW YORK/LONDON"),
        ("PORT ELLERY — The council voted.", "PORT ELLERY"),
        ("SÃO PAULO, 3 Oct — Markets opened.", "SÃO PAULO"),
        ("By Mara Quill\nPARIS: The ministry said.", "PARIS"),
        ("\n\n  KUALA LUMPUR: Talks.", "KUALA LUMPUR"),
        ("BREAKING: The council voted.", None),
        ("UPDATE\nThe council voted.", None),
        ("US officials said on Sunday.", None),
        ("The talks: a summary of the day.", None),
        ("Talking points\nThe council voted.", None),
        ("ISTANBUL", None),  # nothing follows the place
        ("The council met in LONDON: no dateline mid-sentence.", None),
        ("", None),
    ],
)
def test_dateline(text: str, dateline: str | None) -> None:
    assert detect(text) == dateline


def test_dateline_stays_in_text() -> None:
    article = make_article("WASHINGTON (Reuters) - The Treasury said talks went well on Sunday.")
    assert article.dateline == "WASHINGTON"
    assert article.text.startswith("WASHINGTON (Reuters) - ")
    assert detect_dateline(article.text) == "WASHINGTON"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The harbour council voted on Tuesday to approve the new ferry route.", "en"),
        ("Der Hafenrat hat am Dienstag die neue Fährverbindung genehmigt.", "de"),
        ("Le conseil du port a approuvé mardi la nouvelle liaison par ferry.", "fr"),
        ("12 34 56 — 78", None),
    ],
)
def test_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language
