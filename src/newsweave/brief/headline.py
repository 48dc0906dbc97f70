"""The story's headline: a source's own words that say where the event stands now.

Chosen from the story's articles alone (no models, no fuse step), so the story list, the API
index and the brief give the same headline for the same articles, and it changes only when the
story does. The rule:

1. only clean reports (text quality >= 0.5) whose words the rest of the story shares
   (central); a garbled copy or an off-topic report never heads the story;
2. the latest reports first, by their *stated* publication day (a date inferred from the text
   is a guess, and only the brief infers dates, so it does not decide here): the latest report
   tells what happened, an earlier one may preview it ("... to hold talks this weekend");
3. among those, a real title (not a dateline such as "KUALA LUMPUR:", not a newsletter or
   section line); an untitled report gives the first clause of its lead sentence;
4. ties: the most central, then the article id (stable).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsweave.annotate.sentences import is_statement
from newsweave.fuse.clauses import clause_around, clean
from newsweave.fuse.independence import words_of
from newsweave.fuse.quality import CLEAN, assess_story
from newsweave.model import AnnotatedArticle, DateOrigin, Span

_BOILERPLATE = re.compile(
    r"newsletter|subscribe|sign up|live updates?|breaking news|cookie|page not found|"
    r"^(?:home|news|world|business|latest)$",
    re.IGNORECASE,
)
_STOP = frozenset(
    "the a an and or of to in on at for with by from that this is are was were be as it its "
    "their his her they he she we not but after before said says will has have had".split()
)


@dataclass(frozen=True, slots=True)
class Headline:
    """The headline text, the article it comes from, and its span when it is article text
    (``None`` when it is the article's title)."""

    text: str
    article_id: str | None
    span: Span | None


def is_title(text: str | None) -> bool:
    """A real headline: not a dateline ("KUALA LUMPUR:"), a section line or a promotion."""
    if not text:
        return False
    words = text.split()
    if len(words) < 4 or text.rstrip().endswith(":"):
        return False
    return not (text.isupper() or _BOILERPLATE.search(text))


def _content(text: str) -> set[str]:
    return {w for w in words_of(text) if len(w) > 2 and w not in _STOP}


def _lead(item: AnnotatedArticle) -> Span | None:
    for sentence in item.sentences[:5]:
        cleaned = clean(sentence)
        if not is_statement(cleaned) or cleaned.text[:1] in "“\"'":
            continue
        first = Span(cleaned.span.article_id, cleaned.span.start, cleaned.span.start + 1)
        clause = clause_around(cleaned, first, min_words=8)
        return clause.span
    return None


def choose_headline(items: Sequence[AnnotatedArticle]) -> Headline:
    """The headline of a story made of ``items`` (see the module docstring)."""
    if not items:
        return Headline("(untitled story)", None, None)
    quality = {aid: r.score for aid, r in assess_story(items).items()}
    vocab: dict[str, set[str]] = {i.article_id: _content(i.article.text) for i in items}
    # How many articles use each word: a word is another article's when more than its own
    # article holds it (one count, not a union of the other articles per article).
    holders = Counter(word for words in vocab.values() for word in words)

    def centrality(item: AnnotatedArticle, words: set[str]) -> float:
        if len(items) == 1 or not words:
            return 1.0
        own = vocab.get(item.article_id, set())
        shared = sum(1 for w in words if holders[w] > (w in own))
        return shared / len(words)

    candidates: list[tuple[tuple[object, ...], Headline]] = []
    for item in items:
        article = item.article
        lead = _lead(item)
        title = article.title if is_title(article.title) else None
        if title is not None:
            head = Headline(" ".join(title.split()), item.article_id, None)
        elif lead is not None:
            head = Headline(article.text[lead.start : lead.end], item.article_id, lead)
        else:
            continue
        central = centrality(item, _content(head.text))
        stated = (
            article.published.date().isoformat()
            if article.published
            and not article.date_origin.estimated
            and article.date_origin is not DateOrigin.UNKNOWN
            else ""
        )
        key = (
            quality.get(item.article_id, 1.0) >= CLEAN,
            central >= 0.4,
            stated,
            title is not None,
            round(central, 2),
            item.article_id,
        )
        candidates.append((key, head))
    if not candidates:
        first = items[0]
        return Headline(first.article.title or "(untitled story)", first.article_id, None)
    return max(candidates, key=lambda c: c[0])[1]
