"""Text quality per article: catches garbled machine-translated or spun copies.

Each signal is a pattern a careful reader notices, counted per 100 words:
- a word repeated with a different ending ("negotiating negotiations");
- words run together where a space was lost ("worldswhich"): a long lower-case token that
  splits into two words seen elsewhere in the story;
- a lower-case pronoun right after a title ("Vice-Premier he"), a name turned into a pronoun;
- a shouted short name ("XI") where the story writes the name in mixed case;
- a fragment ending a sentence ("additional duties. Chinese imports.").
The score is 1 for clean text and falls towards 0 as signals accumulate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle

CLEAN = 0.5
"""An article whose quality score is at least this reads as clean text: its sentences may
represent a fact, head the brief or carry a single-source claim."""

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TITLES = ("premier", "minister", "president", "secretary", "representative", "chancellor")


@dataclass(frozen=True, slots=True)
class QualityOptions:
    """Args:
    zero_at: signals per 100 words at which the score reaches 0 (it falls linearly from 1).
    joined_min_chars: a lower-case token this long or longer may be two words run together.
    ending_min_chars: a word repeated with another ending counts when it is longer than this
        ("negotiating negotiations"; not "the they").
    """

    zero_at: float = 2.0
    joined_min_chars: int = 9
    ending_min_chars: int = 4

    def __post_init__(self) -> None:
        if self.zero_at <= 0:
            raise OptionError(f"fuse.quality.zero_at must be above 0; got {self.zero_at}")


@dataclass(frozen=True, slots=True)
class QualityReport:
    article_id: str
    score: float
    reasons: tuple[str, ...]


_ENDING = re.compile(r"(ing|ions?|ed|es|s)$")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Called for every pair of neighbouring words of every article, twice per brief (fuse and
    # headline): a story's words repeat, so most calls are a cache hit.
    return _ENDING.sub("", word.lower())


def assess(
    item: AnnotatedArticle, story_vocabulary: Counter[str], options: QualityOptions | None = None
) -> QualityReport:
    opts = options or QualityOptions()
    text = item.article.text
    words = _WORD.findall(text)
    if not words:
        return QualityReport(item.article_id, 0.0, ("no words",))
    reasons: list[str] = []
    hits = 0.0
    repeated = [
        f"{a} {b}"
        for a, b in pairwise(words)
        if a.lower() != b.lower() and len(a) > opts.ending_min_chars and _stem(a) == _stem(b)
    ]
    if repeated:
        hits += len(repeated)
        reasons.append(f"word repeated with another ending: {', '.join(repeated[:3])}")
    joined = []
    for w in set(words):
        lw = w.lower()
        if len(lw) < opts.joined_min_chars or not lw.isalpha() or story_vocabulary[lw] > 1:
            continue
        for cut in range(3, len(lw) - 2):
            left, right = lw[:cut], lw[cut:]
            if story_vocabulary[left] >= 2 and story_vocabulary[right] >= 2:
                joined.append(w)
                break
    if joined:
        hits += len(joined)
        reasons.append(f"words run together: {', '.join(sorted(joined)[:3])}")
    title_pronoun = re.findall(rf"\b(?:{'|'.join(_TITLES)})\s+(?:he|she)\b", text, re.I)
    title_pronoun = [t for t in title_pronoun if t.split()[-1].islower()]
    if title_pronoun:
        hits += 2 * len(title_pronoun)
        reasons.append(f"a name read as a pronoun: {title_pronoun[0]!r}")
    shouted = sorted(
        {
            w
            for w in words
            if 2 <= len(w) <= 3
            and w.isupper()
            and story_vocabulary[w.title().lower()] > 0
            and w.title() in text.replace(w, "")
        }
    )
    shouted += sorted(
        {
            e.text
            for e in item.entities
            if e.label == "PERSON" and e.text.isupper() and len(e.text) > 1
        }
    )
    shouted = sorted(set(shouted))
    if shouted:
        hits += 1
        reasons.append(f"names in capitals: {', '.join(shouted[:3])}")
    fragments = re.findall(r"\.\s+[A-Z][a-z]+ [a-z]+\.(?=\s|$)", text)
    if fragments:
        hits += len(fragments)
        reasons.append(f"sentence fragment: {fragments[0].strip('. ')!r}")
    rate = hits * 100.0 / len(words)
    score = max(0.0, 1.0 - rate / opts.zero_at)
    return QualityReport(item.article_id, round(score, 3), tuple(reasons))


def assess_story(
    items: Sequence[AnnotatedArticle], options: QualityOptions | None = None
) -> dict[str, QualityReport]:
    vocabulary: Counter[str] = Counter()
    for item in items:
        vocabulary.update(w.lower() for w in _WORD.findall(item.article.text))
    return {item.article_id: assess(item, vocabulary, options) for item in items}
