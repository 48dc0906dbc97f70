"""Discrepancies on small stories written for the test: what must and must not be flagged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsweave.annotate.pipeline import annotate
from newsweave.fuse import fuse
from newsweave.ingest import make_article
from newsweave.model import DateOrigin, Story, StoryAnalysis


def _story(*reports: tuple[str, str]) -> StoryAnalysis:
    """Reports as (ISO day, text), each from its own outlet, fused as one story."""
    articles = [
        make_article(
            text,
            source=f"Outlet {n}",
            published=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC),
            date_origin=DateOrigin.HEADER,
        )
        for n, (day, text) in enumerate(reports)
    ]
    items = annotate(articles)
    return fuse(Story("s-test", tuple(a.article_id for a in articles)), items)


CASES = [
    # (reports, expected kinds)
    (
        [
            (
                "2026-05-06",
                "Rescuers said 14 miners were trapped in the Dalby pit on Wednesday "
                "after a tunnel collapsed during the night shift.",
            ),
            (
                "2026-05-06",
                "On Wednesday, 17 miners were trapped in the Dalby pit after a tunnel "
                "collapsed during the night shift, the operator said.",
            ),
        ],
        ["figure"],
    ),
    (  # different days: a number that changes over time is no contradiction
        [
            (
                "2026-05-06",
                "Rescuers said 14 miners were trapped in the Dalby pit on Wednesday "
                "after a tunnel collapsed during the night shift.",
            ),
            (
                "2026-05-07",
                "On Thursday, 9 miners were still trapped in the Dalby pit after the "
                "tunnel collapse during the night shift, the operator said.",
            ),
        ],
        [],
    ),
    (  # a threatened figure and an actual one fill different slots
        [
            (
                "2026-05-06",
                "The union threatened a strike of 5,000 workers at the Dalby mines "
                "if the rescue is not speeded up, its leader said on Wednesday.",
            ),
            (
                "2026-05-06",
                "About 1,200 workers at the Dalby mines stopped work on Wednesday in "
                "protest at the pace of the rescue, the union said.",
            ),
        ],
        [],
    ),
    (  # the same event dated differently
        [
            (
                "2026-05-08",
                "The tunnel at the Dalby pit collapsed on May 5 during the night "
                "shift, trapping the miners underground.",
            ),
            (
                "2026-05-08",
                "The tunnel at the Dalby pit collapsed on May 4 during the night "
                "shift, trapping the miners underground, the operator said.",
            ),
        ],
        ["date"],
    ),
    (  # different events on different days are not a conflict
        [
            (
                "2026-05-08",
                "The tunnel at the Dalby pit collapsed on May 5 during the night "
                "shift, trapping the miners underground.",
            ),
            (
                "2026-05-08",
                "The first miners were brought to the surface on May 7 after "
                "rescuers cleared the blocked shaft.",
            ),
        ],
        [],
    ),
    (  # two different offices for one person
        [
            (
                "2026-05-06",
                "Energy Minister Lea Varga visited the Dalby pit on Wednesday and "
                "promised an inquiry into the collapse of the tunnel.",
            ),
            (
                "2026-05-06",
                "Interior Secretary Lea Varga visited the Dalby pit on Wednesday and "
                "promised an inquiry into the tunnel collapse.",
            ),
        ],
        ["role"],
    ),
    (  # a quote whose tense changes
        [
            (
                "2026-05-06",
                "“We will reach them before nightfall,” said Ana Molin, the chief "
                "rescue officer, on Wednesday at the Dalby pit.",
            ),
            (
                "2026-05-06",
                "The chief rescue officer Ana Molin said on Wednesday at the pit: "
                "“We would have reached them before nightfall.”",
            ),
        ],
        ["quote wording"],
    ),
    (  # a negation flipped in one rendering
        [
            (
                "2026-05-06",
                "“The tunnel is safe for the rescue teams,” mine director Olaf Brenn "
                "told reporters at the Dalby pit on Wednesday.",
            ),
            (
                "2026-05-06",
                "Mine director Olaf Brenn told reporters on Wednesday at Dalby: "
                "“The tunnel is not safe for the rescue teams.”",
            ),
        ],
        ["quote wording"],
    ),
    (  # the same words given to two different people
        [
            (
                "2026-05-06",
                "“Every hour counts for the men underground,” said Ana Molin, the "
                "chief rescue officer, at the Dalby pit on Wednesday.",
            ),
            (
                "2026-05-06",
                "“Every hour counts for the men underground,” mine director Olaf "
                "Brenn said at the Dalby pit on Wednesday.",
            ),
        ],
        ["attribution"],
    ),
    (  # the same words, the same meaning: a variant, not a discrepancy
        [
            (
                "2026-05-06",
                "“We will not stop until every miner is out,” said Ana Molin, the "
                "chief rescue officer, at the Dalby pit on Wednesday.",
            ),
            (
                "2026-05-06",
                "“We won't stop until every miner is out,” Ana Molin, the chief "
                "rescue officer, said at the Dalby pit on Wednesday.",
            ),
        ],
        [],
    ),
]


@pytest.mark.parametrize(("reports", "kinds"), CASES)
def test_discrepancy_table(
    reports: list[tuple[str, str]], kinds: list[str], nlp: object, embedder: object
) -> None:
    analysis = _story(*reports)
    assert sorted(d.kind for d in analysis.discrepancies) == sorted(kinds), [
        (d.kind, d.topic, d.reason) for d in analysis.discrepancies
    ]
    for d in analysis.discrepancies:
        assert len(d.claims) >= 2 and d.reason
        assert all(c.citations and c.support for c in d.claims)


def test_reprinted_wire_copy_counts_once(nlp: object, embedder: object) -> None:
    wire = (
        "Mine operator Dalby Coal said on Wednesday that rescue teams had reached a "
        "ventilation shaft above the collapsed tunnel and were pumping fresh air to the "
        "trapped miners, who were in contact with the surface by telephone."
    )
    analysis = _story(
        ("2026-05-06", wire),
        ("2026-05-06", "UPDATE: " + wire + " More to follow."),
        (
            "2026-05-06",
            "Rescuers reached a ventilation shaft above the collapsed Dalby "
            "tunnel on Wednesday and began pumping fresh air to the miners.",
        ),
    )
    shared = [f for f in analysis.facts if f.support.articles >= 2]
    top = max(shared, key=lambda f: f.support.articles)
    assert top.support.articles == 3 and top.support.independent == 2
    copies = {s.article_id: s.copies for s in analysis.sources}
    reprint = analysis.items[1].article_id
    assert copies[reprint] and copies[reprint][0].from_article_id == analysis.items[0].article_id
