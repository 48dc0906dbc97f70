"""The tense of the clause a phrase sits in, read from spaCy's parse.

Relative dates need it: "on Sunday" in "talks began on Sunday" is the last Sunday, in
"Trump will arrive on Sunday" the next one. The rules, in order, for the governing verb
(the first verb or auxiliary found walking up the dependency tree from the phrase):

1. a future marker: aux "will"/"'ll"/"shall"/"would"; or the verb (or a verb it hangs from
   by ``xcomp``) is an infinitive under "expected/due/set/scheduled/slated/poised/going/
   planned/plans/aims/hopes/intends/prepares" ("is expected to meet", "is due to arrive");
   or "scheduled/due/slated" is itself the predicate ("is scheduled for Sunday");
   or a bare infinitive with no verb above it (headline style "negotiators to hold talks")
   -> FUTURE;
2. a past form: the verb or one of its auxiliaries has ``Tense=Past`` ("met", "was
   extended", "had raised"), a perfect ("has met"), or a past participle modifying a noun
   ("the truce reached in May") -> PAST;
3. a gerund or bare verb without auxiliaries of its own ("since taking office in January",
   "will help shape the summit on Thursday") takes the tense of the clause above it;
   "since" + gerund is past;
4. otherwise PRESENT (also when no verb is found).

:func:`is_progressive` says whether the clause is a present progressive ("Malaysia is
hosting the summit from Sunday to Tuesday"), which in news copy nearly always describes a
planned arrangement; the time resolver reads such clauses forward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave.annotate.doccache import lemma
from newsweave.model import Tense

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Token

__all__ = ["clause_tense", "governing_verb", "is_progressive"]

_FUTURE_AUX = frozenset({"will", "'ll", "ll", "shall", "would", "'d", "wo"})
_FUTURE_GOVERNORS = frozenset(
    {
        *("expect", "due", "set", "schedule", "slate", "poise", "go", "plan", "aim"),
        *("hope", "intend", "prepare", "seek", "look"),
    }
)
_FUTURE_PREDICATES = frozenset({"scheduled", "due", "slated", "upcoming"})
# A "verb" in a noun's slot is a mis-tagged name ("Trump/VB on Wednesday said"): climb past it.
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "compound", "poss", "appos"})
_INHERITING = frozenset({"pcomp", "xcomp", "advcl", "acl", "ccomp"})


def governing_verb(token: Token) -> Token | None:
    """The first verb or auxiliary above ``token`` in the parse (``token`` itself excluded).

    Stops at the sentence root; returns ``None`` when the path holds no verb (headlines,
    fragments).
    """
    current = token
    for _ in range(40):  # parse trees are shallow; the bound only guards against cycles
        if current.head.i == current.i:
            return None
        parent = current.head
        if parent.pos_ in ("VERB", "AUX") and parent.dep_ not in _NOMINAL_DEPS:
            return parent
        if parent.pos_ == "ADJ" and lemma(parent) in _FUTURE_PREDICATES:
            return parent
        current = parent
    return None


def _aux_children(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ in ("aux", "auxpass")]


def _is_future(verb: Token) -> bool:
    if verb.text.lower() in _FUTURE_PREDICATES:
        return True
    auxes = _aux_children(verb)
    if any(a.text.lower() in _FUTURE_AUX for a in auxes):
        return True
    has_to = any(a.text.lower() == "to" for a in auxes)
    if has_to:
        above = verb.head
        if above.i == verb.i:
            return True  # headline: "negotiators to hold talks"
        if lemma(above) in _FUTURE_GOVERNORS or above.text.lower() in _FUTURE_PREDICATES:
            return True
        if above.pos_ not in ("VERB", "AUX"):
            # "talks to resume on Monday" (acl of a noun): a plan; unless the noun's own
            # clause is past, the infinitive points ahead.
            outer = governing_verb(above)
            return outer is None or not _is_past(outer)
        if verb.dep_ == "xcomp":
            return _is_future(above)
        return False
    # "is expected to meet" parsed with "expected" as the verb and "meet" as xcomp
    if lemma(verb) in _FUTURE_GOVERNORS and any(c.dep_ == "xcomp" for c in verb.children):
        return verb.tag_ == "VBN" or lemma(verb) in ("due", "set")
    return False


def _is_past(verb: Token) -> bool:
    if "Past" in verb.morph.get("Tense", []) and verb.tag_ != "VBN":
        return True
    auxes = _aux_children(verb)
    for aux in auxes:
        if "Past" in aux.morph.get("Tense", []) or aux.tag_ == "VBD":
            return True
    if verb.tag_ == "VBN":
        # perfect ("has met") or a participle modifying a noun ("the truce reached in May")
        if any(lemma(a) == "have" for a in auxes):
            return True
        if not auxes and verb.dep_ in ("acl", "relcl", "amod", "advcl", "conj"):
            if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
                return _is_past(verb.head)
            return True
    return verb.tag_ == "VBD"


def clause_tense(token: Token) -> Tense:
    """Tense of the clause ``token`` sits in (see the module docstring for the rules)."""
    verb = token if token.pos_ in ("VERB", "AUX") else governing_verb(token)
    if verb is None:
        return Tense.PRESENT
    if _is_future(verb):
        return Tense.FUTURE
    if _is_past(verb):
        return Tense.PAST
    # a verb joined to a future or past verb shares its tense: "will fly and meet on Sunday"
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and verb.tag_ in ("VB", "VBN"):
        return clause_tense(verb.head)
    # a gerund or bare verb with no auxiliary of its own ("since taking office in January",
    # "after meeting leaders on Sunday, Trump will fly", "will help shape the summit on
    # Thursday") takes the tense of the clause above it; "since" + gerund is past.
    if verb.tag_ in ("VBG", "VB") and not _aux_children(verb) and verb.dep_ in _INHERITING:
        if verb.dep_ == "pcomp" and verb.head.lower_ == "since":
            return Tense.PAST
        above = governing_verb(verb)
        if above is not None:
            return clause_tense(above)
    return Tense.PRESENT


def is_progressive(token: Token) -> bool:
    """True when ``token``'s clause is a present progressive ("is hosting", "are meeting")."""
    verb = token if token.pos_ in ("VERB", "AUX") else governing_verb(token)
    if verb is None or verb.tag_ != "VBG":
        return False
    return any(lemma(a) == "be" and "Pres" in a.morph.get("Tense", []) for a in _aux_children(verb))
