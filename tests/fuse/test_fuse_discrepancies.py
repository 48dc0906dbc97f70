"""Discrepancies on small stories written for the test: what must and must not be flagged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsweave.annotate.pipeline import annotate
from newsweave.fuse import DiscrepancyOptions, FuseOptions, fuse
from newsweave.ingest import make_article
from newsweave.model import DateOrigin, Story, StoryAnalysis


def _story(*reports: tuple[str, str], options: DiscrepancyOptions | None = None) -> StoryAnalysis:
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
    opts = FuseOptions(discrepancies=options) if options else None
    return fuse(Story("s-test", tuple(a.article_id for a in articles)), items, opts)


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


# --- failure categories seen on real multi-outlet news (bench/discrepancy_precision.py) -----
# Each row: reports, the kinds that must be flagged (nothing else may be), and the kinds to
# enable when one is off by default.

CATEGORY_CASES = [
    pytest.param(  # two sentences of one statement are two quotes, not one rendered twice
        [
            (
                "2026-03-02",
                "“We did not break any law,” Mayor Tomas Elling said on Monday at the town "
                "hall in Varnholm, answering questions about the harbour contract.",
            ),
            (
                "2026-03-02",
                "“We will publish every document of the harbour contract,” Mayor Tomas "
                "Elling said on Monday at the town hall in Varnholm.",
            ),
        ],
        [],
        id="quote-different-sentences",
    ),
    pytest.param(  # a partial quotation against the whole sentence is no negation change
        [
            (
                "2026-03-02",
                "“I have not broken any rules,” Mayor Tomas Elling told the council in "
                "Varnholm on Monday.",
            ),
            (
                "2026-03-02",
                "Mayor Tomas Elling told the council in Varnholm on Monday: “I have not broken "
                "any rules, and I will answer every question about the contract.”",
            ),
        ],
        [],
        id="quote-partial-vs-whole",
    ),
    pytest.param(  # a familiar form of the first name is the same speaker
        [
            (
                "2026-03-02",
                "“The harbour contract was signed in good faith,” said Richard Mallory, the "
                "council's finance chief, in Varnholm on Monday.",
            ),
            (
                "2026-03-02",
                "“The harbour contract was signed in good faith,” Dick Mallory, the council's "
                "finance chief, said in Varnholm on Monday.",
            ),
        ],
        [],
        id="attribution-familiar-name",
    ),
    pytest.param(  # a transliteration is the same speaker
        [
            (
                "2011-03-02",
                "“My people love me and will defend the capital,” Muammar Gaddafi said in a "
                "televised speech on Wednesday.",
            ),
            (
                "2011-03-02",
                "“My people love me and will defend the capital,” Moammar Gadhafi said in a "
                "televised speech on Wednesday.",
            ),
        ],
        [],
        id="attribution-spelling-variant",
    ),
    pytest.param(  # a person and their spokesperson are one voice
        [
            (
                "2026-03-02",
                "“The senator has never met the contractor,” a spokesman for Senator Kara "
                "Holt said on Monday in Varnholm.",
            ),
            (
                "2026-03-02",
                "“The senator has never met the contractor,” Senator Kara Holt said on "
                "Monday in Varnholm.",
            ),
        ],
        [],
        id="attribution-spokesperson",
    ),
    pytest.param(  # the addressee of "told reporters" is not the speaker
        [
            (
                "2026-03-02",
                "Kara Holt spoke in Varnholm on Monday, telling reporters that “the harbour "
                "contract must be cancelled before the summer.”",
            ),
            (
                "2026-03-02",
                "“The harbour contract must be cancelled before the summer,” Kara Holt said "
                "in Varnholm on Monday.",
            ),
        ],
        [],
        id="attribution-addressee",
    ),
    pytest.param(  # titles held at once are no conflict
        [
            (
                "2026-03-02",
                "Senate Majority Leader Kara Holt called for an inquiry into the Varnholm "
                "harbour contract on Monday.",
            ),
            (
                "2026-03-02",
                "Senator Kara Holt called for an inquiry into the Varnholm harbour contract "
                "on Monday.",
            ),
        ],
        [],
        id="role-two-titles-at-once",
    ),
    pytest.param(  # a historical title never conflicts with a current one
        [
            (
                "2026-03-02",
                "Then-Senator Kara Holt voted for the Varnholm harbour contract in 2019, "
                "the records show.",
            ),
            (
                "2026-03-02",
                "Interior Secretary Kara Holt voted for the Varnholm harbour contract in "
                "2019, the records show.",
            ),
        ],
        [],
        id="role-historical",
    ),
    pytest.param(  # two groups in one sentence are two slots
        [
            (
                "2026-03-06",
                "About 30 percent of adults and 55 percent of children in Varnholm had "
                "received the flu vaccine by Friday, health officials said.",
            ),
            (
                "2026-03-06",
                "Health officials said 55 percent of children in Varnholm had received the "
                "flu vaccine by Friday.",
            ),
        ],
        [],
        id="figure-two-groups",
    ),
    pytest.param(  # two years are two slots
        [
            (
                "2026-03-06",
                "The Varnholm harbour handled 4.1 million tonnes of cargo in 2025, the port "
                "authority said on Friday.",
            ),
            (
                "2026-03-06",
                "The Varnholm harbour handled 3.2 million tonnes of cargo in 2024, the port "
                "authority said on Friday.",
            ),
        ],
        [],
        id="figure-two-years",
    ),
    pytest.param(  # two people's rates are two slots
        [
            (
                "2026-03-06",
                "Kara Holt paid a tax rate of 31 percent last year, her returns show, "
                "according to the Varnholm tax office.",
            ),
            (
                "2026-03-06",
                "Tomas Elling paid a tax rate of 18 percent last year, his returns show, "
                "according to the Varnholm tax office.",
            ),
        ],
        [],
        id="figure-two-people",
    ),
    pytest.param(  # a weekday of another clause dates the saying, not the event
        [
            (
                "2026-03-10",
                "The audit of the Varnholm harbour contract was released on Sunday by the "
                "national audit office.",
            ),
            (
                "2026-03-10",
                "The audit of the Varnholm harbour contract was released, the national audit "
                "office said on Tuesday.",
            ),
        ],
        [],
        id="date-other-clause",
    ),
    pytest.param(  # the same past agreement dated to different months
        [
            (
                "2026-09-10",
                "The Varnholm harbour contract was signed in May by the council and the "
                "Nordhaven shipping group.",
            ),
            (
                "2026-09-10",
                "The Varnholm harbour contract was signed in August by the council and the "
                "Nordhaven shipping group.",
            ),
        ],
        ["date"],
        id="date-month",
    ),
]


@pytest.mark.parametrize(("reports", "kinds"), CATEGORY_CASES)
def test_failure_categories(reports: list[tuple[str, str]], kinds: list[str], nlp, embedder):  # type: ignore[no-untyped-def]
    analysis = _story(*reports)
    assert sorted(d.kind for d in analysis.discrepancies) == sorted(kinds), [
        (d.kind, d.topic, d.reason, d.confidence) for d in analysis.discrepancies
    ]


def test_every_discrepancy_has_confidence_and_evidence(nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    reports, _ = CASES[0]
    (found,) = _story(*reports).discrepancies
    assert 0.0 < found.confidence <= 1.0 and found.evidence


# --- kinds that are off by default: each enabled alone, must-flag and must-not-flag ----------

NEW_KIND_CASES = [
    pytest.param(
        "status",
        [
            (
                "2026-04-14",
                "The council meeting on the Varnholm harbour contract was held on Tuesday "
                "evening in the town hall.",
            ),
            (
                "2026-04-14",
                "The council meeting on the Varnholm harbour contract is scheduled for "
                "Tuesday evening in the town hall.",
            ),
        ],
        ["status"],
        id="status-held-vs-scheduled",
    ),
    pytest.param(
        "status",
        [
            (
                "2026-04-14",
                "The council meeting on the Varnholm harbour contract was held on Tuesday "
                "evening in the town hall.",
            ),
            (
                "2026-04-14",
                "The council meeting on the Varnholm harbour contract took place on Tuesday "
                "evening in the town hall.",
            ),
        ],
        [],
        id="status-agree",
    ),
    pytest.param(
        "leader",
        [
            (
                "2026-04-14",
                "Nordhaven Shipping chairman Piet Varga said on Tuesday the group would bid "
                "again for the Varnholm harbour contract.",
            ),
            (
                "2026-04-14",
                "Nordhaven Shipping chairman Ulla Stein said on Tuesday the group would bid "
                "again for the Varnholm harbour contract.",
            ),
        ],
        ["leader"],
        id="leader-two-people",
    ),
    pytest.param(
        "leader",
        [
            (
                "2026-04-14",
                "Nordhaven Shipping chairman Piet Varga said on Tuesday the group would bid "
                "again for the Varnholm harbour contract.",
            ),
            (
                "2026-04-14",
                "Former Nordhaven Shipping chairman Ulla Stein said on Tuesday the group "
                "would bid again for the Varnholm harbour contract.",
            ),
        ],
        [],
        id="leader-former",
    ),
    pytest.param(
        "claim vs record",
        [
            (
                "2026-04-14",
                "“We have cut harbour fees by 40 percent this year,” Mayor Tomas Elling said "
                "in Varnholm on Tuesday.",
            ),
            (
                "2026-04-14",
                "Varnholm has cut harbour fees by 12 percent this year, according to the "
                "port authority's accounts published on Tuesday.",
            ),
        ],
        ["claim vs record"],
        id="record-mismatch",
    ),
    pytest.param(
        "claim vs record",
        [
            (
                "2026-04-14",
                "“We have cut harbour fees by 12 percent this year,” Mayor Tomas Elling said "
                "in Varnholm on Tuesday.",
            ),
            (
                "2026-04-14",
                "Varnholm has cut harbour fees by 12 percent this year, according to the "
                "port authority's accounts published on Tuesday.",
            ),
        ],
        [],
        id="record-match",
    ),
    pytest.param(
        "shortened quote",
        [
            (
                "2026-04-14",
                "“We will sign the harbour contract only if the audit clears it,” Mayor "
                "Tomas Elling said in Varnholm on Tuesday.",
            ),
            (
                "2026-04-14",
                "“We will sign the harbour contract,” Mayor Tomas Elling said in Varnholm "
                "on Tuesday.",
            ),
        ],
        ["shortened quote"],
        id="shortened-drops-condition",
    ),
    pytest.param(
        "shortened quote",
        [
            (
                "2026-04-14",
                "“We will sign the harbour contract with Nordhaven and the other bidders,” "
                "Mayor Tomas Elling said in Varnholm on Tuesday.",
            ),
            (
                "2026-04-14",
                "“We will sign the harbour contract with Nordhaven,” Mayor Tomas Elling said "
                "in Varnholm on Tuesday.",
            ),
        ],
        [],
        id="shortened-drops-nothing-of-scope",
    ),
]


@pytest.mark.parametrize(("kind", "reports", "kinds"), NEW_KIND_CASES)
def test_new_kinds(kind: str, reports: list[tuple[str, str]], kinds: list[str], nlp, embedder):  # type: ignore[no-untyped-def]
    options = DiscrepancyOptions(kinds=(kind,), min_confidence=0.3)
    analysis = _story(*reports, options=options)
    assert sorted(d.kind for d in analysis.discrepancies) == sorted(kinds), [
        (d.kind, d.topic, d.reason, d.confidence) for d in analysis.discrepancies
    ]


# --- one table per kind: must-flag and must-not-flag pairs, shaped like real coverage --------
# Each row: the kind under test (enabled alone, shown from the default threshold), reports, the
# kinds that must be flagged. Rows of the failure categories above are not repeated here.

KIND_TABLE = [
    pytest.param(  # the same day, the same count of one group, two values
        "figure",
        [
            (
                "2026-04-27",
                "In Varnholm, health officials say about 75 students at a secondary school have "
                "fallen ill with flu-like symptoms and tests are under way.",
            ),
            (
                "2026-04-27",
                "Health officials are testing samples at a Varnholm secondary school where about "
                "200 students fell ill with flu-like symptoms.",
            ),
        ],
        ["figure"],
        id="figure-same-group-two-values",
    ),
    pytest.param(  # one toll from one authority, two values on one day
        "figure",
        [
            (
                "2026-05-16",
                "At least 72 people have died of the Varnholm fever, the regional health "
                "agency says.",
            ),
            (
                "2026-05-16",
                "The Varnholm fever has now killed 65 people, the regional health agency said.",
            ),
        ],
        ["figure"],
        id="figure-toll-two-values",
    ),
    pytest.param(  # two clauses of one poll: who backs it and who wants it cancelled
        "figure",
        [
            (
                "2026-03-06",
                "A council poll found on Friday that 64 percent of voters in Varnholm back the "
                "harbour contract.",
            ),
            (
                "2026-03-06",
                "A council poll found on Friday that 31 percent of voters in Varnholm want the "
                "harbour contract cancelled.",
            ),
        ],
        [],
        id="figure-two-clauses",
    ),
    pytest.param(  # deaths in one country and cases in another are different referents
        "figure",
        [
            (
                "2026-04-27",
                "The fever has killed 20 people in Varnholm, where 1,004 cases have been "
                "reported, officials said.",
            ),
            (
                "2026-04-27",
                "Officials in Nordhaven said 40 cases of the fever had been reported there, "
                "none of them fatal.",
            ),
        ],
        [],
        id="figure-two-places",
    ),
    pytest.param(  # the same trip, two lengths, on one day
        "duration",
        [
            (
                "2026-04-13",
                "Mayor Kara Holt leaves on Monday for a five-day trade trip to Japan, the "
                "council said.",
            ),
            (
                "2026-04-13",
                "On Monday the council said Mayor Kara Holt starts a three-day trade trip to "
                "Japan with business leaders from Varnholm.",
            ),
        ],
        ["duration"],
        id="duration-one-trip-two-lengths",
    ),
    pytest.param(  # a strike that grows: its length on two days is no conflict
        "duration",
        [
            (
                "2026-04-10",
                "The Varnholm dock strike has lasted nine days, the union said on Friday.",
            ),
            (
                "2026-04-13",
                "The Varnholm dock strike has lasted 12 days, the union said on Monday.",
            ),
        ],
        [],
        id="duration-growing-two-days",
    ),
    pytest.param(  # two trips of one tour: different referents
        "duration",
        [
            (
                "2026-04-13",
                "Mayor Kara Holt begins a three-day trip to Japan on Monday, followed by a "
                "five-day trip to Korea.",
            ),
            (
                "2026-04-13",
                "Mayor Kara Holt begins a five-day trip to Korea next week after her visit "
                "to Japan.",
            ),
        ],
        [],
        id="duration-two-trips",
    ),
    pytest.param(  # a number changed inside the quoted words
        "quote wording",
        [
            (
                "2026-04-13",
                "“We lost 40 jobs at the harbour this year,” Mayor Tomas Elling said in "
                "Varnholm on Monday.",
            ),
            (
                "2026-04-13",
                "“We lost 400 jobs at the harbour this year,” Mayor Tomas Elling said in "
                "Varnholm on Monday.",
            ),
        ],
        ["quote wording"],
        id="quote-number-changed",
    ),
    pytest.param(  # "wanted" / "had wanted": minor wording, one quotation
        "quote wording",
        [
            (
                "2026-04-13",
                "“I felt we were not progressing the way we wanted to progress,” coach Piet "
                "Varga said in Varnholm on Monday.",
            ),
            (
                "2026-04-13",
                "“I felt we were not progressing the way we had wanted to progress,” coach "
                "Piet Varga said in Varnholm on Monday.",
            ),
        ],
        [],
        id="quote-minor-wording",
    ),
    pytest.param(  # the negation moves to another verb: the same meaning
        "quote wording",
        [
            (
                "2026-04-13",
                "“I feel on the court we weren't executing the plan we want,” coach Piet "
                "Varga said in Varnholm on Monday.",
            ),
            (
                "2026-04-13",
                "“I didn't feel on the court we were executing the plan we wanted,” coach "
                "Piet Varga said in Varnholm on Monday.",
            ),
        ],
        [],
        id="quote-negation-moved",
    ),
    pytest.param(  # a description that the story resolves to the named speaker
        "attribution",
        [
            (
                "2026-03-02",
                "“The harbour contract was signed in good faith,” President Kara Holt said in "
                "Varnholm on Monday.",
            ),
            (
                "2026-03-02",
                "“The harbour contract was signed in good faith,” the president said in "
                "Varnholm on Monday, answering questions from the council.",
            ),
        ],
        [],
        id="attribution-description",
    ),
    pytest.param(  # "The statement" / "the statement": case is no second speaker
        "attribution",
        [
            (
                "2026-03-02",
                "“The harbour will stay open through the winter,” the statement said on Monday.",
            ),
            (
                "2026-03-02",
                "The statement said on Monday: “The harbour will stay open through the winter.”",
            ),
        ],
        [],
        id="attribution-case",
    ),
    pytest.param(  # a person and their lawyer are one voice
        "attribution",
        [
            (
                "2026-03-02",
                "“Senator Holt has never met the contractor,” Kara Holt's lawyer said on "
                "Monday in Varnholm.",
            ),
            (
                "2026-03-02",
                "“Senator Holt has never met the contractor,” Senator Kara Holt said on "
                "Monday in Varnholm.",
            ),
        ],
        [],
        id="attribution-lawyer",
    ),
    pytest.param(  # a person and their office are one voice
        "attribution",
        [
            (
                "2026-03-02",
                "“The harbour contract will be published in full next week,” Mayor Tomas "
                "Elling's office said in a statement on Monday.",
            ),
            (
                "2026-03-02",
                "“The harbour contract will be published in full next week,” Mayor Tomas "
                "Elling said on Monday.",
            ),
        ],
        [],
        id="attribution-office",
    ),
    pytest.param(  # the name in the previous sentence is not the unnamed quotation's speaker
        "attribution",
        [
            (
                "2026-03-02",
                "Kara Holt left the town hall before the vote on Monday. “We will appeal the "
                "ruling on the harbour contract before the summer,” a council official said.",
            ),
            (
                "2026-03-02",
                "“We will appeal the ruling on the harbour contract before the summer,” Tomas "
                "Elling said on Monday.",
            ),
        ],
        [],
        id="attribution-name-previous-sentence",
    ),
    pytest.param(  # a committee chairman is also a Representative
        "role",
        [
            (
                "2026-03-02",
                "Representative Piet Varga asked the port authority for the harbour contract "
                "on Monday.",
            ),
            (
                "2026-03-02",
                "House Transport Committee chairman Piet Varga asked the port authority for "
                "the harbour contract on Monday.",
            ),
        ],
        [],
        id="role-chairman-and-representative",
    ),
]


@pytest.mark.parametrize(("kind", "reports", "kinds"), KIND_TABLE)
def test_kind_table(kind: str, reports: list[tuple[str, str]], kinds: list[str], nlp, embedder):  # type: ignore[no-untyped-def]
    options = DiscrepancyOptions(kinds=(kind,))
    analysis = _story(*reports, options=options)
    assert sorted(d.kind for d in analysis.discrepancies) == sorted(kinds), [
        (d.kind, d.topic, d.reason, d.confidence, d.evidence) for d in analysis.discrepancies
    ]


def test_minor_wording_is_one_quote_with_a_note(nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    # A date and a number written two ways, a word dropped: one quotation, not a conflict.
    analysis = _story(
        (
            "2026-06-15",
            "“My son was born on the first of June, eleven weeks early, and he fought so "
            "bravely for his life,” Piet Varga said in a statement in Varnholm on Monday.",
        ),
        (
            "2026-06-15",
            "“My son was born on 1st June, 11 weeks early, and he fought bravely for his "
            "life,” Piet Varga said in a statement in Varnholm on Monday.",
        ),
    )
    assert not analysis.discrepancies
    (quote,) = [q for q in analysis.quotes if "born" in q.text]
    assert len(quote.variants) == 1 and quote.note and "no change of meaning" in quote.note


def test_a_changed_meaning_gets_no_minor_wording_note(nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    analysis = _story(
        (
            "2026-05-06",
            "“The tunnel is safe for the rescue teams,” mine director Olaf Brenn told reporters "
            "at the Dalby pit on Wednesday.",
        ),
        (
            "2026-05-06",
            "Mine director Olaf Brenn told reporters on Wednesday at Dalby: “The tunnel is not "
            "safe for the rescue teams.”",
        ),
    )
    assert [d.kind for d in analysis.discrepancies] == ["quote wording"]
    assert all(q.note is None for q in analysis.quotes)
