"""Dated sentences are compared only in pairs that can count: without sentence vectors (a story
too large for them) paraphrase similarity is TF-IDF, 0 outside the story's kept pairs, so the
candidates are those pairs, not every pair of dated sentences; figures likewise, and those
that may agree are near in value. Counted, not timed.

The articles are the example corpus as the store keeps it (tests/golden/stored-v1.json)."""

from __future__ import annotations

from tests.fuse.test_fuse_settings import _load

from newsweave.fuse.context import build_context
from newsweave.fuse.discrepancies import DiscrepancyOptions
from newsweave.fuse.discrepancies.dated import _candidates, _dated
from newsweave.fuse.discrepancies.figures import _pairs
from newsweave.fuse.slots import observations


def test_date_pairs_are_the_pairs_that_reach_the_threshold() -> None:
    _, items = _load()
    ctx = build_context(items, embed=False)
    assert ctx.vectors is None
    dated = _dated(ctx)
    floor = DiscrepancyOptions().same_statement - 0.08
    every = [(i, j) for i in range(len(dated)) for j in range(i + 1, len(dated))]
    reach = [p for p in every if ctx.semantic(dated[p[0]].sentence, dated[p[1]].sentence) >= floor]
    found = _candidates(ctx, dated, floor)
    assert found == reach  # the same pairs, in the order of the all-pairs scan
    # Measured: 21 dated sentences, 210 pairs, 3 that can count.
    assert len(found) * 10 < len(every)
    assert _candidates(ctx, dated, 0.0) == every  # a floor of 0 lets any pair count


def test_figure_pairs_hold_every_pair_that_can_agree_or_conflict() -> None:
    _, items = _load()
    ctx = build_context(items, embed=False)
    obs = observations(ctx)
    opts = DiscrepancyOptions()
    floor = opts.same_topic - 0.1
    every = [(i, j) for i in range(len(obs)) for j in range(i + 1, len(obs))]

    def can_count(i: int, j: int) -> bool:
        a, b = obs[i], obs[j]
        if a.article_id == b.article_id or (a.unit, a.head, a.mode) != (b.unit, b.head, b.mode):
            return False  # what both an agreement and a conflict need
        equal = abs(a.value - b.value) <= opts.approx_tolerance * max(abs(a.value), abs(b.value))
        return equal or ctx.semantic(a.sentence, b.sentence) >= floor

    reach = [p for p in every if can_count(*p)]
    found = _pairs(ctx, obs, opts.approx_tolerance, floor)
    assert set(reach) <= set(found)
    assert found == sorted(found)  # in the order of the all-pairs scan
    assert all(obs[i].article_id != obs[j].article_id for i, j in found)
    print(f"{len(obs)} figures, {len(every)} pairs, {len(found)} compared")
    assert len(found) * 4 < len(every)
