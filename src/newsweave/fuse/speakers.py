"""Who is speaking: one voice per person or organisation across a story.

A quotation's speaker as the annotator wrote it ("Durbin", "Dick Durbin", "the senator", "a
spokesman for Durbin", "The statement") becomes a :class:`Voice`: a key that is the same for
every written form of one speaker, and whether the story makes that identity certain. Names
go through the story's :class:`~newsweave.fuse.entities.NameResolver` (name variants, familiar
forms, spelling variants, case); a spokesperson, lawyer, office or statement of someone speaks
with that someone's voice; a description ("the president") is resolved only where exactly one
person of the story holds that title. Anything else is an uncertain voice: it may be grouped
with a named one for comparing wording, but never counts as a different speaker.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsweave.fuse.entities import NameResolver
from newsweave.model import AnnotatedArticle, Quote

_PROXY = re.compile(
    r"\b(?:spokes(?:man|woman|person)|lawyer|attorney|aide|adviser|advisor|representative|"
    r"rep|publicist|agent|manager|"
    r"statement|office|campaign|team|camp|press secretary|communications director|"
    r"counsel|staff|website|account|tweet|letter|memo|ministry|department|agency)s?\b",
    re.IGNORECASE,
)
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|his|her|their|its)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Voice:
    key: str  # the same for every written form of one speaker
    name: str  # for display
    certain: bool  # a named person, and the quote's own sentence names them
    proxy: bool = False  # a spokesperson, lawyer or statement speaking for ``key``


class Voices:
    """Voices of a story's quotations.

    Args:
        items: the story's annotated articles (after entity normalisation).
        resolver: the story's name resolver.
    """

    def __init__(self, items: Sequence[AnnotatedArticle], resolver: NameResolver) -> None:
        self._resolver = resolver
        titled: dict[str, set[str]] = defaultdict(set)
        self._sentences = {item.article_id: item.sentences for item in items}
        for item in items:
            for ent in item.entities:
                if ent.label == "PERSON" and ent.role and resolver.is_person(ent.canonical):
                    for word in ent.role.lower().replace("-", " ").split():
                        titled[word].add(ent.canonical)
        self._titled = titled

    def of(self, quote: Quote) -> Voice | None:
        if not quote.speaker:
            return None
        written = " ".join(quote.speaker.split())
        resolver = self._resolver
        if resolver.is_person(written):
            name = resolver.canonical(written)
            return Voice(f"person:{name}", name, self._named_nearby(quote))
        proxy = _PROXY.search(written)
        owner = _owner(written, resolver) if proxy else None
        if owner:
            return Voice(f"person:{owner}", owner, False, proxy=True)
        bare = _DETERMINERS.sub("", written.lower()).strip()
        described = self._described(bare)
        if described:
            return Voice(f"person:{described}", described, False)
        return Voice(f"other:{bare}", written, False)

    def _described(self, description: str) -> str | None:
        """ "president" -> the one person the story calls President, if there is one."""
        words = description.replace("-", " ").split()
        if not words or len(words) > 3:
            return None
        people = self._titled.get(words[-1])
        if people and len(people) == 1:
            return next(iter(people))
        return None

    def _named_nearby(self, quote: Quote) -> bool:
        """The speaker's name lies in the quotation's sentence or the one before or after:
        a name carried over from further away is an uncertain attribution."""
        if quote.speaker_span is None:
            return False
        sentences = self._sentences.get(quote.span.article_id, ())
        index = {
            k
            for k, s in enumerate(sentences)
            if s.span.start <= quote.span.start < s.span.end
            or s.span.start < quote.span.end <= s.span.end
        }
        if not index:
            return False
        lo, hi = min(index) - 1, max(index) + 1
        for k, s in enumerate(sentences):
            if lo <= k <= hi and s.span.start <= quote.speaker_span.start < s.span.end:
                return True
        return False


def _owner(written: str, resolver: NameResolver) -> str | None:
    """The person a proxy speaks for: "a spokesman for Dick Durbin", "Trump's lawyer"."""
    for name in resolver.full_names_:
        for form in {name, name.split()[-1]}:
            # (a substring test first: a pattern compiled per name and proxy overflowed re's
            # cache, ~50,000 compilations in a story of 256 articles)
            if form in written and _whole_word(form).search(written):
                return name
    return None


@lru_cache(maxsize=4096)
def _whole_word(form: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(form)}\b")
