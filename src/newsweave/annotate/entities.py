"""Named entities with the roles news style attaches to them.

spaCy finds the names; this module cleans what it lets through (line breaks inside a name,
section headings glued to a name, possessive endings) and reads roles from the two forms news
writing uses: a title before the name ("US Treasury Secretary Scott Bessent") and an apposition
after it ("Josh Lipsky, international economics chair at the Atlantic Council").
Labels are per article here; evidence from the whole story corrects them later
(:mod:`newsweave.fuse.entities`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from newsweave.annotate.doccache import doc_text, tokens_in
from newsweave.model import EntityMention, Span

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc, Token

KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})

# Head words of a role; a title phrase must contain one to count as a role.
ROLE_NOUNS = frozenset(
    """
    president vice-president secretary representative premier vice-premier minister
    negotiator ambassador chair chairman chairwoman chairperson chief executive officer
    spokesperson spokesman spokeswoman envoy director governor senator leader head adviser
    advisor expert analyst economist commissioner mayor king queen prince chancellor general
    judge mediator ceo founder professor correspondent official manager deputy speaker
    lawmaker diplomat prosecutor attorney inspector captain commander president-elect
    candidate organiser organizer coordinator negotiators counterpart tycoon editor
    secretary-general strategist researcher economist activist
    """.split()
)
# Lower-case words allowed inside a title phrase before a name.
_TITLE_LOWER = frozenset(
    """
    top trade chief new former deputy vice prime senior acting interim foreign finance labour
    labor economic economics defence defense international general executive lead state union
    of for to the and
    """.split()
)
_STOP_BEFORE = frozenset({"and", "the", "a", "an", "with", "by", "said", "told"})
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_HEADING_PREFIX = re.compile(r"^(?:[A-Z]{2,}\s+)+(?=[A-Z][a-z])")


def _clean_name(text: str) -> tuple[int, str] | None:
    """Return (offset into ``text``, cleaned name) or None when nothing name-like is left."""
    lead = 0
    heading = _HEADING_PREFIX.match(text)
    if heading:
        lead = heading.end()
    name = _POSSESSIVE.sub("", text[lead:]).rstrip(" ,.;:")
    if name.lower().startswith("the "):
        lead += 4
        name = name[4:]
    if not name or not any(ch.isalpha() for ch in name):
        return None
    return lead, name


def extract_entities(doc: Doc, article_id: str) -> list[EntityMention]:
    """Named-entity mentions of ``doc`` with cleaned names and roles, in text order."""
    text = doc_text(doc)
    out: list[EntityMention] = []
    for ent in doc.ents:
        if ent.label_ not in KEPT_LABELS:
            continue
        # A name never spans a line break: split and keep each line's piece.
        pos = ent.start_char
        for piece in text[ent.start_char : ent.end_char].split("\n"):
            start = pos + (len(piece) - len(piece.lstrip()))
            pos += len(piece) + 1
            cleaned = _clean_name(piece.strip())
            if cleaned is None:
                continue
            lead, name = cleaned
            begin = start + lead
            end = begin + len(name)
            role = None
            label = ent.label_
            if label in ("PERSON", "ORG") and "\n" not in text[ent.start_char : ent.end_char]:
                role = title_before(doc, begin) or apposition_after(doc, end)
                if label == "ORG" and role and not _looks_like_person_name(name):
                    role = None
                elif label == "ORG" and role:
                    label = "PERSON"  # "Sanae Takaichi, Japan's new prime minister"
            out.append(EntityMention(Span(article_id, begin, end), name, label, name, role))
    return out


def title_before(doc: Doc, name_start: int) -> str | None:
    """The title written right before a name: "Chinese Vice Premier" in "Chinese Vice Premier He
    Lifeng", "China's top trade negotiator" before "Li Chenggang"."""
    tokens = tokens_in(doc, name_start - 120, name_start)
    if not tokens:
        return None
    # The cheap pass runs NER alone: no sentence boundaries, and a title ends at a line break
    # or a non-title word anyway.
    sent_start = doc[tokens[-1].i].sent.start if doc.has_annotation("SENT_START") else 0
    picked: list[Token] = []
    for tok in reversed(tokens):
        if tok.i < sent_start or "\n" in tok.whitespace_ or tok.is_space:
            break
        word = tok.text
        if tok.text in ("’s", "'s") and picked is not None:
            picked.append(tok)
            continue
        if word[0].isupper() or word.lower() in _TITLE_LOWER or word.lower() in ROLE_NOUNS:
            if word.lower() in _STOP_BEFORE and not picked:
                break
            if tok.ent_type_ == "PERSON" and tok.ent_iob_ != "" and word.lower() not in ROLE_NOUNS:
                break
            picked.append(tok)
            continue
        break
    # Trim function words and possessive fragments at the left edge.
    while picked and (
        (
            picked[-1].text.lower() in _TITLE_LOWER - {"top", "new", "former"}
            and picked[-1].text[0].islower()
        )
        or picked[-1].text in ("’s", "'s")
    ):
        picked.pop()
    while picked and picked[-1].is_sent_start and picked[-1].text.lower() in {"the", "a"}:
        picked.pop()
    if not picked:
        return None
    words = [t.text.lower() for t in picked]
    if not any(w in ROLE_NOUNS for w in words):
        return None
    first, last = picked[-1], picked[0]
    role = doc_text(doc)[first.idx : last.idx + len(last.text)]
    return role if len(role.split()) <= 8 else None


_APPOSITION = re.compile(r",\s+(?:an?\s+|the\s+)?([^,.;:\n“\"(]{3,120})")


def _apposition(text: str, name_end: int) -> re.Match[str] | None:
    """The apposition after a name, before its cut at a verb (which needs the parse)."""
    match = _APPOSITION.match(text, name_end)
    if not match:
        return None
    words = match.group(1).split()
    if not words or words[0].lower() in {"who", "which", "that", "said", "says", "and", "but"}:
        return None
    head_zone = [w.strip("’'").lower() for w in words[:5]]
    return match if any(w in ROLE_NOUNS for w in head_zone) else None


def apposition_spans(doc: Doc) -> Iterator[tuple[int, int]]:
    """Where :func:`extract_entities` reads the parse (the tags of an apposition's words):
    the appositions after PERSON and ORG names. ``doc`` needs its entities only."""
    text = doc_text(doc)
    for ent in doc.ents:
        if ent.label_ in ("PERSON", "ORG"):
            match = _apposition(text, ent.end_char)
            if match is not None:
                yield ent.start_char, match.end()


def apposition_after(doc: Doc, name_end: int) -> str | None:
    """The apposition after a name: ", Japan's new prime minister," -> "Japan's new prime
    minister"."""
    text = doc_text(doc)
    match = _apposition(text, name_end)
    if not match:
        return None
    phrase = match.group(1).strip()
    # Stop at a verb: "…, chief executive, said" has no verb inside; a clause would.
    for tok in tokens_in(doc, match.start(1), match.end(1)):
        if tok.pos_ in ("VERB", "AUX") and tok.tag_ not in ("VBN", "VBG"):
            cut = tok.idx - match.start(1)
            phrase = phrase[:cut].strip()
            break
    return phrase if phrase and len(phrase.split()) <= 14 else None


def _looks_like_person_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)


_TITLE_TAIL = re.compile(
    r"((?:[A-Z][\w.’'-]*|of|to|for|top|trade|new|former|deputy|chief|senior)"
    r"(?:\s+(?:[A-Z][\w.’'-]*|of|to|for|top|trade|new|former|deputy|chief"
    r"|senior|prime|minister|negotiator))*)\s+$"
)


def title_in_text(text: str, name_start: int) -> str | None:
    """The title before a name, read from the raw text (for mentions the tagger missed)."""
    line_start = text.rfind("\n", 0, name_start) + 1
    match = _TITLE_TAIL.search(text[max(line_start, name_start - 80) : name_start])
    if not match:
        return None
    words = match.group(1).split()
    while words and words[0].lower() in {"of", "to", "for", "and", "the"}:
        words.pop(0)
    if words and words[0].lower() in {"said", "says", "met", "and"}:
        words.pop(0)
    if not any(w.lower() in ROLE_NOUNS for w in words):
        return None
    return " ".join(words)
