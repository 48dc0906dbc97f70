"""Finding a story's known names in each article is linear in the story: the index of the
names' first words (and the surnames that read as English words) is built once per story, not
once per article, and resolving a written form does not scan every surname of the story.
Counted in lines executed (each turn of a loop, comprehensions included), not timed.

The articles are the example corpus as the store keeps it (tests/golden/stored-v1.json), each
reprinted under its own id with a closing line that names a person of its own, so that the
story's people grow with it as they do in a long-running story."""

from __future__ import annotations

from dataclasses import replace

from tests.fuse.test_fuse_settings import _load
from tests.support.calls import count_lines

from newsweave.fuse.dates import infer_dates
from newsweave.fuse.entities import normalise_entities
from newsweave.model import AnnotatedArticle, EntityMention, Span

# Invented people, one per reprint (20 x 20 names).
_FIRST = "Anna Jonas Maria Tomas Elena Piotr Sara Ivan Lena Omar Nadia Felix Ines Karl Rosa "
_FIRST += "Emil Vera Hugo Alma Otto"
_LAST = "Berg Vikander Costa Novak Reyes Lundqvist Haas Moreau Okafor Sato Brandt Oduya Keller "
_LAST += "Marsh Falk Dorsey Quint Abara Sorel Vance"
FIRST, LAST = _FIRST.split(), _LAST.split()


def _story(items: list[AnnotatedArticle], copies: int) -> list[AnnotatedArticle]:
    out: list[AnnotatedArticle] = []
    for k in range(copies):
        for item in items:
            person = len(out)
            name = f"{FIRST[person % len(FIRST)]} {LAST[person // len(FIRST) % len(LAST)]}"
            article = item.article
            line = f"\nReprinted as copy {k} with comments by {name}."
            start = len(article.text) + line.index(name)
            aid = f"{article.article_id}-{k}"
            mention = EntityMention(Span(aid, start, start + len(name)), name, "PERSON", name)
            out.append(
                replace(
                    item,
                    article=replace(article, article_id=aid, text=article.text + line),
                    entities=(*item.entities, mention),
                )
            )
    return out


def test_finding_names_grows_linearly_with_the_story() -> None:
    _, items = _load()
    small, large = _story(items, 8), _story(items, 16)
    _, resolver_small = normalise_entities(infer_dates(small))
    found_large, resolver_large = normalise_entities(infer_dates(large))
    # every reprint's own person is a person of the story, found in the closing line
    assert len(resolver_large.full_names_) > len(resolver_small.full_names_) + len(small) // 2
    assert all(
        any(e.label == "PERSON" and e.span.start > len(a.article.text) - 60 for e in a.entities)
        for a in found_large
    )
    ratio = count_lines(lambda: normalise_entities(large)) / count_lines(
        lambda: normalise_entities(small)
    )
    # linear: 2x the articles, ~2.0x the lines (the first-word index built per article, a scan
    # of the story's names in each: ~2.5x at these sizes, and growing with them)
    assert ratio < 2.2, ratio
