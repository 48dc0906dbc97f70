"""The headline's centrality (how much of a candidate's wording other articles of the story
use) is counted once per story, not by joining every other article's words for each article:
the work of choosing a headline grows linearly with the story."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.support.calls import count_calls

from newsweave.annotate.pipeline import Pass, annotate
from newsweave.brief.headline import choose_headline
from newsweave.ingest import read_inputs
from newsweave.model import AnnotatedArticle, Depth

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _story(items: list[AnnotatedArticle], copies: int) -> list[AnnotatedArticle]:
    """``copies`` reprints of each article, each with its own id and a closing line."""
    out = []
    for k in range(copies):
        for item in items:
            article = item.article
            text = f"{article.text}\nReprinted as copy {k}."
            out.append(
                replace(
                    item,
                    article=replace(article, article_id=f"{article.article_id}-{k}", text=text),
                )
            )
    return out


def test_choosing_a_headline_grows_linearly_with_the_story() -> None:
    articles = [o.article for o in read_inputs([EXAMPLES]) if o.article]
    assert len(articles) >= 5
    items = annotate(articles, which=Pass(Depth.LEAD, article_vectors=False))
    small, large = _story(items, 8), _story(items, 16)
    assert choose_headline(large).text == choose_headline(small).text
    ratio = count_calls(lambda: choose_headline(large)) / count_calls(
        lambda: choose_headline(small)
    )
    # linear: 2x the articles, ~2.0x the calls (joining the others' words per article: ~2.9x
    # at these sizes, and growing with them)
    assert ratio < 2.25, ratio
