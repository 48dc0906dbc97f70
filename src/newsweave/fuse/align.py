"""Fact groups: the same statement told by several articles.

Sentences are compared by TF-IDF cosine (word unigrams and bigrams) and by fuzzy token overlap;
a group is formed around the sentence with the most cross-article neighbours and takes at most
one sentence per article, so groups never chain through loosely related sentences.
Copied text (wire copy reprinted, a rewrite) is detected as near-identical wording, and its
members count once towards independent support.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import fuzz

from newsweave.annotate.sentences import is_statement
from newsweave.model import AnnotatedArticle, FactGroup, Sentence, Support


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Args:
    link: TF-IDF cosine above which two sentences state the same thing.
    fuzzy_link: token-set ratio (0..100) that also links two sentences.
    copy_ratio: character-level similarity (0..100) above which one sentence is a copy of the
        other, so both count as one independent source.
    """

    link: float = 0.42
    fuzzy_link: float = 82.0
    copy_ratio: float = 85.0


def statements(items: Sequence[AnnotatedArticle]) -> list[Sentence]:
    return [s for item in items for s in item.sentences if is_statement(s)]


def similarity(sentences: Sequence[Sentence]) -> np.ndarray:
    """TF-IDF cosine similarity of ``sentences`` (dense, symmetric, zero diagonal)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(sentences) < 2:
        return np.zeros((len(sentences), len(sentences)))
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w[\w%.-]*\b",
    )
    try:
        matrix = vectorizer.fit_transform([s.text for s in sentences])
    except ValueError:  # every sentence was stop words only
        return np.zeros((len(sentences), len(sentences)))
    sim = (matrix @ matrix.T).toarray()
    np.fill_diagonal(sim, 0.0)
    return sim


_WORDS = re.compile(r"[a-z0-9]+(?:[.%][0-9]+)?%?")
COPY_RUN = 10


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("’", "'"))


def copied(a: str, b: str, copy_ratio: float = 85.0) -> bool:
    """True when one text repeats the other's wording: a run of 10+ identical words (wire copy
    with a new first clause) or near-identical characters overall."""
    wa, wb = words_of(a), words_of(b)
    if not wa or not wb:
        return False
    match = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    if match.size >= COPY_RUN or match.size >= 0.8 * min(len(wa), len(wb)) >= 5:
        return True
    return fuzz.ratio(a.lower(), b.lower()) >= copy_ratio


def independent_count(members: Sequence[Sentence], copy_ratio: float) -> int:
    """Distinct sources among ``members`` once copies of the same wording are merged."""
    parents = list(range(len(members)))

    def find(i: int) -> int:
        while parents[i] != i:
            parents[i] = parents[parents[i]]
            i = parents[i]
        return i

    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if copied(members[i].text, members[j].text, copy_ratio):
                parents[find(i)] = find(j)
    return len({find(i) for i in range(len(members))})


def align_facts(
    items: Sequence[AnnotatedArticle],
    quality: dict[str, float] | None = None,
    options: AlignOptions | None = None,
) -> list[FactGroup]:
    """Group the statements of a story's articles into facts, best supported first.

    Args:
        items: the story's annotated articles.
        quality: text-quality score per article id (0..1); the representative sentence of a
            group comes from the cleanest article.
        options: link thresholds.
    """
    opts = options or AlignOptions()
    quality = quality or {}
    sents = statements(items)
    if not sents:
        return []
    sim = similarity(sents)
    owner = [s.span.article_id for s in sents]
    n = len(sents)
    linked = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            if owner[i] == owner[j]:
                continue
            ok = sim[i, j] >= opts.link
            if not ok and sim[i, j] >= opts.link * 0.6:
                ok = fuzz.token_set_ratio(sents[i].text, sents[j].text) >= opts.fuzzy_link
            linked[i, j] = linked[j, i] = ok
    position = {}
    for item in items:
        for rank, s in enumerate(x for x in item.sentences if is_statement(x)):
            position[(s.span.article_id, s.span.start)] = rank
    assigned = np.zeros(n, dtype=bool)
    groups: list[FactGroup] = []
    for seed in sorted(range(n), key=lambda i: (-int(linked[i].sum()), -sim[i].sum())):
        if assigned[seed]:
            continue
        members = [seed]
        taken_articles = {owner[seed]}
        neighbours = [int(j) for j in np.flatnonzero(linked[seed] & ~assigned)]
        for j in sorted(neighbours, key=lambda j: -sim[seed, j]):
            if owner[j] not in taken_articles:
                members.append(j)
                taken_articles.add(owner[j])
        assigned[members] = True
        member_sents = tuple(
            sorted((sents[m] for m in members), key=lambda s: (s.span.article_id, s.span.start))
        )
        support = Support(
            articles=len(taken_articles),
            independent=independent_count(member_sents, opts.copy_ratio),
        )
        representative = max(member_sents, key=lambda s: _clarity(s, quality))
        lead = min(position.get((s.span.article_id, s.span.start), 99) for s in member_sents)
        score = support.independent + 0.25 * support.articles + (0.6 if lead < 3 else 0.0)
        groups.append(FactGroup(member_sents, representative, support, score))
    groups.sort(
        key=lambda g: (-g.score, g.representative.span.article_id, g.representative.span.start)
    )
    return groups


_ANAPHORIC = re.compile(
    r"^(?:he|she|it|they|this|that|these|those|but|and|so|also|without (?:one|it)|"
    r"the (?:move|decision|deal|offer|talks|two|three)\b)\b",
    re.IGNORECASE,
)


def self_contained(sentence: Sentence) -> bool:
    """False for a sentence that leans on the one before ("Without one, she said …")."""
    return not _ANAPHORIC.match(sentence.text.lstrip("“\"'"))


def _clarity(sentence: Sentence, quality: dict[str, float]) -> float:
    """Prefer clean articles, then self-contained sentences of readable length, not quotes."""
    words = len(sentence.text.split())
    length_fit = 1.0 if 12 <= words <= 40 else 0.6
    quoted = 0.8 if sentence.text[:1] in '"“' else 1.0
    standalone = 1.0 if self_contained(sentence) else 0.7
    return quality.get(sentence.span.article_id, 1.0) * 2 + length_fit * quoted * standalone
