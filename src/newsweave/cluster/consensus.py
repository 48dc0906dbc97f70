"""Stories of a batch that do not hang on the order of its undated articles.

The online clusterer judges each article against the stories formed so far, so the order
in which undated articles enter changes what it forms: an article that arrives while two
reports of one event are still apart can open a third story, or bridge two events' first
reports. Dated articles enter by date; undated ones have no such order, and their order by
article id is one arbitrary draw (an id is a content hash).

So a batch whose arrival order has undated articles in a row (those placed at one moment,
or first) is first clustered ``consensus_runs`` times, each time with each such row in
another order (sorted by a keyed hash of the ids), on copies of the stories the articles
could reach. Two articles, or an article and a stored story, end in one story when more than
``consensus_share`` of those runs put them together, and an article that agreement leaves
alone joins the group it shared a story with in more than ``consensus_alone_share`` of
them; the clusterer then places the batch along that plan
(:meth:`~newsweave.cluster.online.OnlineClusterer.add_all`). The runs' orders derive from
the article ids alone, so the same batch in any order gets the same plan and the same
stories. A pair that only some orders join stays apart: joining needs most orders to agree,
which is where a wrong join (two similar events) is rare.

Cost: ``consensus_runs`` passes of the online clusterer over the batch (each a few
candidate stories per article), none for a batch without two undated articles in a row.
The vote counts, per run, the pairs of atoms (articles that every run keeps together) that
the run puts in one story: bounded by ``pair_budget``; a batch past it is placed in its
arrival order alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsweave.cluster.evidence import known_date
from newsweave.cluster.order import utc
from newsweave.model import AnnotatedArticle

BATCH_MAX = 2000
"""A larger batch is planned in parts of this many articles, in arrival order (as runs of
``ingest`` of that size would be), so the trial passes' memory stays bounded."""

_STORY = "\x00story:"
"""Prefix of the plan's nodes that stand for a story that existed before the batch."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Where the consensus puts each article of a batch.

    Attributes:
        group: article id -> its group (articles of one group share a story).
        stories: group -> the stories from before the batch that the group joins (ids,
            in no particular order); absent when the group founds a new story.
    """

    group: dict[str, int]
    stories: dict[int, tuple[str, ...]]


Run = Callable[[Sequence[AnnotatedArticle]], tuple[dict[str, str], dict[str, str]]]
"""One trial pass over an order: (article id -> its final story, prior story id -> the
story it ended in, for the prior stories the pass could reach)."""


def undated_runs(order: Sequence[AnnotatedArticle]) -> list[range]:
    """The places of ``order`` that hold two or more undated articles in a row: the
    articles :func:`~newsweave.cluster.order.arrival_order` placed at one moment (or first,
    when they resemble no dated article), in an order only their ids decide."""
    runs: list[range] = []
    start = None
    for n, item in enumerate([*order, None]):
        undated = item is not None and utc(known_date(item)) is None
        if undated and start is None:
            start = n
        elif not undated and start is not None:
            if n - start >= 2:
                runs.append(range(start, n))
            start = None
    return runs


def shuffled(order: Sequence[AnnotatedArticle], run: int, salt: int) -> list[AnnotatedArticle]:
    """``order`` with each run of undated articles (:func:`undated_runs`) reordered by a
    hash keyed on ``run`` and ``salt``; every other article keeps its place."""
    out = list(order)
    for places in undated_runs(order):
        out[places.start : places.stop] = sorted(
            out[places.start : places.stop], key=lambda item: _key(item, run, salt)
        )
    return out


def _key(item: AnnotatedArticle, run: int, salt: int) -> bytes:
    return hashlib.blake2b(
        item.article_id.encode("utf-8"), digest_size=8, key=f"{salt}:{run}".encode()
    ).digest()


def plan(
    order: Sequence[AnnotatedArticle],
    trial: Run,
    runs: int,
    share: float,
    salt: int = 0,
    pair_budget: int | None = None,
    alone_share: float = 0.5,
) -> Plan | None:
    """The consensus plan of ``order`` over ``runs`` trial passes (see the module notes), or
    None when there is nothing to agree on (fewer than two runs, no two undated articles
    in a row) or
    the batch's agreement counting would pass ``pair_budget`` (default 1,000 per article
    + 1,000,000: about a second of counting, against the runs' several)."""
    if runs < 2 or not undated_runs(order):
        return None
    need = _needed(runs, share)
    budget = pair_budget if pair_budget is not None else 1000 * len(order) + 1_000_000
    ids = [item.article_id for item in order]
    labels: list[dict[str, str]] = []
    for run in range(runs):
        articles, priors = trial(shuffled(order, run, salt))
        labels.append({**articles, **{_STORY + s: f for s, f in priors.items()}})
    nodes = list(dict.fromkeys(ids + sorted({n for run_labels in labels for n in run_labels})))
    # Atoms: nodes that every run keeps together (same label tuple); agreement is counted
    # between atoms, which are few where the runs agree.
    atom_of: dict[tuple[str, ...], int] = {}
    node_atom: dict[str, int] = {}
    for node in nodes:
        signature = tuple(run_labels.get(node, node) for run_labels in labels)
        node_atom[node] = atom_of.setdefault(signature, len(atom_of))
    signatures = list(atom_of)
    together: dict[tuple[int, int], int] = {}
    work = 0
    for r in range(runs):
        by_label: dict[str, list[int]] = {}
        for atom, signature in enumerate(signatures):
            by_label.setdefault(signature[r], []).append(atom)
        for atoms in by_label.values():
            work += len(atoms) * (len(atoms) - 1) // 2
            if work > budget:
                return None
            for i, a in enumerate(atoms):
                for b in atoms[i + 1 :]:
                    together[(a, b)] = together.get((a, b), 0) + 1
    parent = list(range(len(signatures)))
    for (a, b), count in sorted(together.items()):
        if count >= need:
            _union(parent, a, b)
    _join_lone(parent, together, signatures, nodes, node_atom, _needed(runs, alone_share))
    root_group: dict[int, int] = {}
    group: dict[str, int] = {}
    stories: dict[int, list[str]] = {}
    for node in nodes:
        root = _find(parent, node_atom[node])
        number = root_group.setdefault(root, len(root_group))
        if node.startswith(_STORY):
            stories.setdefault(number, []).append(node[len(_STORY) :])
        else:
            group[node] = number
    grouped = set(group.values())
    return Plan(group, {g: tuple(s) for g, s in stories.items() if g in grouped})


def _join_lone(
    parent: list[int],
    together: dict[tuple[int, int], int],
    signatures: list[tuple[str, ...]],
    nodes: list[str],
    node_atom: dict[str, int],
    need: int,
) -> None:
    """An article the agreement left alone joins the group it shared a story with in at
    least ``need`` runs (the most often, ties to the lower atom): its own story is what no
    run agreed on, where a group of several (or a stored story) is. Two lone articles never
    join each other, and no group joins another, so no chain forms."""
    weight = [0] * len(signatures)
    for node in nodes:
        weight[node_atom[node]] += 2 if node.startswith(_STORY) else 1
    size: dict[int, int] = {}
    for atom in range(len(signatures)):
        root = _find(parent, atom)
        size[root] = size.get(root, 0) + weight[atom]
    best: dict[int, tuple[int, int, int]] = {}  # lone atom -> (count, -partner, partner root)
    for (a, b), count in together.items():
        if count < need:
            continue
        ra, rb = _find(parent, a), _find(parent, b)
        if ra == rb:
            continue
        for atom, root, other, partner in ((a, ra, rb, b), (b, rb, ra, a)):
            if size[root] == 1 and size[other] > 1:
                found = (count, -partner, other)
                if atom not in best or found > best[atom]:
                    best[atom] = found
    for atom, (_, _, other) in sorted(best.items()):
        _union(parent, atom, other)


def _needed(runs: int, share: float) -> int:
    """Runs that must agree: more than ``share`` of them (at least one more than half)."""
    return max(runs // 2 + 1, int(runs * share) + 1)


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _union(parent: list[int], a: int, b: int) -> None:
    ra, rb = _find(parent, a), _find(parent, b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
