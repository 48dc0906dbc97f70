"""Direct quotations with their speaker and cue, read from one parsed article.

Quote marks are paired on the raw text first (the parser does not know which ``"`` opens and
which closes), then the dependency parse of the sentence around the marks supplies the cue
(a verb of saying, or "according to") and its subject, the speaker. Speakers are given as
names: titles are dropped, a bare surname becomes the fullest name the article gives that
person, and "he"/"she" become the person they refer to; a speaker that is not a person
("a Treasury spokesperson") is kept as written.

Offsets are article offsets: ``doc`` must be the parse of the whole ``Article.text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsweave.annotate.doccache import cached, doc_text, lemma
from newsweave.model import Quote, Span

if TYPE_CHECKING:  # spaCy is imported when a model loads, not before
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

__all__ = ["SPEECH_VERBS", "TITLES", "extract_quotes", "quote_spans"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SPEECH_VERBS = _words(
    "say tell add ask note state warn write describe insist argue explain claim announce reply "
    "respond remark comment declare assert acknowledge admit concede confirm deny stress "
    "emphasize emphasise suggest predict promise vow urge recall report tweet post testify "
    "express complain caution observe answer continue conclude quip joke boast contend "
    "maintain reiterate repeat call brand dub demand shout yell wonder scold plead"
)
"""Lemmas of verbs that introduce what someone said (PolNeAR cues, news usage)."""

TITLES = _words(
    "president vice secretary treasury representative trade premier minister prime senator "
    "sen. sen rep. rep gov. gov governor mayor mr. mr mrs. mrs ms. ms dr. dr chairman "
    "chairwoman chair ambassador spokesman spokeswoman spokesperson general gen. gen lt. lt "
    "col. col sgt. sgt retired judge justice attorney director chief ceo us u.s. state "
    "commerce foreign defense defence leader speaker candidate nominee former house white "
    "congressman congresswoman rev. rev sir lord lady king queen prince princess "
    "commissioner minister envoy adviser advisor deputy assistant acting first lady"
)
"""Words that precede a name as a title and are not part of it ("Treasury Secretary")."""

_OPEN_BEFORE = set(" \t\n\r([{—–-/\u00a0“‘")
_CLOSE_AFTER = set(" \t\n\r.,;:!?)]}—–-/\u00a0”’")
_TRAILING = " \t\n\r,;:\u00a0"
_TITLE_LOWER = _words("a an the of and or in on at to for by with from vs. vs")
_PRONOUNS = {"he": "PERSON", "she": "PERSON", "it": "ORG"}
_OBJECT_CUES = frozenset({"tell", "describe", "call", "brand", "dub", "ask", "warn", "urge"})


@dataclass(frozen=True, slots=True)
class _Marks:
    """One paired quotation: the opening and closing mark and the words between them."""

    open_pos: int
    close_pos: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Context:
    """What every quotation of one article is read against."""

    doc: Doc
    inside: frozenset[int]  # tokens inside any quotation
    sents: tuple[SpacySpan, ...]  # spaCy sentences, cut again at line breaks
    sent_of: tuple[int, ...]  # token index -> index in ``sents``
    surnames: frozenset[str]  # last words of the article's PERSON names, lower case


@dataclass(frozen=True, slots=True)
class _Cue:
    tokens: tuple[Token, ...]
    speaker: Token | None
    sentence: int  # index of the sentence the cue is in


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str
    span: tuple[int, int]


def extract_quotes(doc: Doc, article_id: str) -> list[Quote]:
    """Direct quotations in ``doc``, in text order.

    Args:
        doc: the spaCy parse (``load_nlp()``) of the whole article text.
        article_id: the id every returned span carries.

    Returns:
        One :class:`Quote` per quotation, its span without the quote marks. Short scare quotes
        ("a “productive meeting”"), titles and quoted words no one is said to have said are
        left out. ``speaker`` is None where no speaker could be found.

    Example:
        >>> from newsweave.annotate.models import load_nlp  # doctest: +SKIP
        >>> doc = load_nlp()('"We will win," Jane Roe said.')  # doctest: +SKIP
        >>> extract_quotes(doc, "a1")[0].speaker  # doctest: +SKIP
        'Jane Roe'
    """
    marks = [m for m in _pair_marks(doc_text(doc)) if doc.char_span(m.start, m.end, "expand")]
    ctx = _context(doc, marks)
    found: list[tuple[_Marks, _Cue | None, _Speaker | None]] = []
    for m in marks:
        cue = _find_cue(ctx, m)
        if not _keep(ctx, m, cue):
            continue
        found.append((m, cue, _speaker(ctx, cue) if cue else None))
    found = _inherit(ctx, found)
    return [_quote(doc, article_id, m, cue, speaker) for m, cue, speaker in found]


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Every paired quotation of ``text``, marks included: :func:`extract_quotes` reads the
    parse of the sentences around these (the cue's, and up to five before it for a pronoun)."""
    return [(m.open_pos, m.close_pos + 1) for m in _pair_marks(text)]


def _context(doc: Doc, marks: list[_Marks]) -> _Context:
    """Sentences cut at line breaks too: the parser runs a quote's paragraph into the next."""
    sents: list[SpacySpan] = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.i + 1 < sent.end and ("\n" in tok.whitespace_ or "\n" in tok.text):
                sents.append(doc[start : tok.i + 1])
                start = tok.i + 1
        sents.append(doc[start : sent.end])
    sent_of = [0] * len(doc)
    for k, sent in enumerate(sents):
        for i in range(sent.start, sent.end):
            sent_of[i] = k
    return _Context(
        doc=doc,
        inside=frozenset(t.i for m in marks for t in _tokens(doc, m.start, m.end)),
        sents=tuple(sents),
        sent_of=tuple(sent_of),
        surnames=frozenset(e[-1].lower_ for e in doc.ents if e.label_ == "PERSON"),
    )


# --- pairing quote marks -----------------------------------------------------------------


def _pair_marks(text: str) -> list[_Marks]:
    text = _mask_double_apostrophes(text)
    doubles = _pair_doubles(text)
    taken = [(m.open_pos, m.close_pos) for m in doubles]
    singles = [
        m
        for m in _pair_singles(text)
        if not any(a <= m.open_pos <= b or a <= m.close_pos <= b for a, b in taken)
    ]
    return sorted(doubles + singles, key=lambda m: m.open_pos)


def _mask_double_apostrophes(text: str) -> str:
    """Read '' (old wire and NYT copy) as a double quote mark, keeping every offset: the mark
    goes on the side of the quoted words (' "If' opens, '." ' closes)."""
    if "''" not in text:
        return text
    out = list(text)
    pos = text.find("''")
    while pos != -1:
        after = text[pos + 2] if pos + 2 < len(text) else " "
        out[pos : pos + 2] = (
            [" ", '"'] if not after.isspace() and after not in ".,;:" else ['"', " "]
        )
        pos = text.find("''", pos + 2)
    return "".join(out)


def _role(text: str, pos: int) -> str:
    """'open', 'close' or 'either' for the quote mark at ``pos``, from the characters around it."""
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    can_open = before in _OPEN_BEFORE and not after.isspace()
    can_close = after in _CLOSE_AFTER and not before.isspace()
    if text[pos] == "“" and not (can_close and not can_open):
        return "open"
    if text[pos] == "”" and not (can_open and not can_close):
        return "close"
    if can_open and not can_close:
        return "open"
    if can_close and not can_open:
        return "close"
    return "either"


def _pair_doubles(text: str) -> list[_Marks]:
    """Pair “ ” and " marks; a paragraph left open and reopened by the next one continues."""
    out: list[_Marks] = []
    open_pos: int | None = None
    segment = 0  # where the current paragraph of the open quotation starts
    for pos, ch in enumerate(text):
        if ch not in '“”"':
            continue
        role = _role(text, pos)
        if open_pos is not None and "\n" in text[segment:pos]:
            first_break = text.index("\n", segment)
            reopened = role != "close" and not text[first_break:pos].strip()
            if reopened:
                segment = pos
                continue
            open_pos = None  # an unclosed quotation: bail out rather than guess
        if open_pos is None:
            if role != "close":
                open_pos, segment = pos, pos
        elif role == "open":
            open_pos, segment = pos, pos
        else:
            out.extend(_content(text, open_pos, pos))
            open_pos = None
    return out


def _pair_singles(text: str) -> list[_Marks]:
    """Pair ‘ ’ and ' marks that are clearly quotation marks, not apostrophes (we’re, Trump’s)."""
    out: list[_Marks] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        before = text[pos - 1] if pos > 0 else " "
        after = text[pos + 1] if pos + 1 < len(text) else " "
        if ch in "‘'" and before in _OPEN_BEFORE | {'"'} and after.isalpha():
            close = _single_close(text, pos + 1)
            if close is not None:
                out.extend(_content(text, pos, close))
                pos = close
        pos += 1
    return out


def _single_close(text: str, start: int) -> int | None:
    for pos in range(start, len(text)):
        ch = text[pos]
        if ch == "\n":
            return None
        if ch in "’'":
            before = text[pos - 1]
            after = text[pos + 1] if pos + 1 < len(text) else " "
            if not before.isspace() and (after in _CLOSE_AFTER or after == '"'):
                return pos
    return None


def _content(text: str, open_pos: int, close_pos: int) -> list[_Marks]:
    start, end = open_pos + 1, close_pos
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAILING:
        end -= 1
    return [_Marks(open_pos, close_pos, start, end)] if end > start else []


# --- cue and speaker ---------------------------------------------------------------------


def _tokens(doc: Doc, start: int, end: int) -> SpacySpan:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span if span is not None else doc[0:0]


def _find_cue(ctx: _Context, m: _Marks) -> _Cue | None:
    """The cue of ``m``: in the sentence of the closing mark (after it), then of the opening
    mark (before it); a sentence ending in a colon just before the quote, or one right after
    it that starts with "he said", counts too."""
    doc = ctx.doc
    quote = _tokens(doc, m.start, m.end)
    if not len(quote):
        return None
    open_i = _tokens(doc, m.open_pos, m.open_pos + 1)[0].i
    close_i = _tokens(doc, m.close_pos, m.close_pos + 1)[0].i
    k_open, k_close = ctx.sent_of[open_i], ctx.sent_of[close_i]
    close_sent, open_sent = ctx.sents[k_close], ctx.sents[k_open]
    searches = [(k_close, close_sent.start if k_open == k_close else close_i, close_sent.end)]
    if k_open != k_close:
        searches.append((k_open, open_sent.start, open_i))
    if k_open > 0 and doc_text(doc)[max(0, m.open_pos - 8) : m.open_pos].rstrip().endswith(":"):
        searches.append((k_open - 1, ctx.sents[k_open - 1].start, ctx.sents[k_open - 1].end))
    if k_close + 1 < len(ctx.sents) and close_sent.end - close_i <= 2:
        nxt = ctx.sents[k_close + 1]
        if "\n" not in doc_text(doc)[m.close_pos : nxt.start_char]:
            searches.append((k_close + 1, nxt.start, min(nxt.start + 4, nxt.end)))
    qset = set(range(quote.start, quote.end))
    for k, lo, hi in searches:
        cue = _best_cue(ctx, ctx.sents[k], lo, hi, qset, open_i)
        if cue is not None:
            return _Cue(cue[0], cue[1], k)
    return _dash_cue(ctx, close_i)


def _dash_cue(ctx: _Context, close_i: int) -> _Cue | None:
    """A name after a dash that follows the closing mark: "“…” ― Jane Roe"."""
    doc = ctx.doc
    i = close_i + 1
    while i < len(doc) and doc[i].is_space and "\n" not in doc[i].text:
        i += 1
    if i + 1 >= len(doc) or doc[i].text not in ("―", "—", "–", "-", "--"):
        return None
    j = i + 1
    while j < len(doc) and doc[j].is_space and "\n" not in doc[j].text:
        j += 1
    if j >= len(doc) or not (doc[j].pos_ == "PROPN" or doc[j].ent_type_ == "PERSON"):
        return None
    end = j
    while end + 1 < len(doc) and (doc[end + 1].pos_ == "PROPN" or doc[end + 1].ent_iob_ == "I"):
        end += 1
    return _Cue((doc[i],), doc[end], ctx.sent_of[i])


def _best_cue(
    ctx: _Context, sent: SpacySpan, lo: int, hi: int, qset: set[int], open_i: int
) -> tuple[tuple[Token, ...], Token | None] | None:
    """The cue right before the opening mark ("X said: “…"), else the one that governs the
    quotation in the parse, else the nearest one."""
    doc = ctx.doc
    right_before = {open_i - 1}
    if open_i >= 2 and doc[open_i - 1].is_punct:
        right_before.add(open_i - 2)
    heads = [t for t in sent if t.i in qset and (t.head.i not in qset or t.head.i == t.i)]
    best: tuple[tuple[int, int], tuple[tuple[Token, ...], Token | None]] | None = None
    for tok in doc[lo:hi]:
        if tok.i in ctx.inside:
            continue
        found = _cue_at(tok, ctx.inside)
        if found is None:
            continue
        dominates = any(tok in h.ancestors for h in heads)
        distance = min(abs(tok.i - i) for i in qset)
        if tok.i in right_before:
            rank = (-1, 0)
        else:
            rank = (0, len(list(tok.subtree))) if dominates else (1, distance)
        if best is None or rank < best[0]:
            best = (rank, found)
    return best[1] if best else None


def _cue_at(tok: Token, inside: frozenset[int]) -> tuple[tuple[Token, ...], Token | None] | None:
    """The cue words and the speaker's head token if ``tok`` starts a cue."""
    if tok.lower_ == "according":
        for to in tok.children:
            if to.lower_ == "to":
                objs = [c for c in to.children if c.dep_ == "pobj" and c.i not in inside]
                if objs:
                    return (tok, to), objs[0]
        return None
    if tok.pos_ != "VERB" or lemma(tok) not in SPEECH_VERBS:
        return None
    if lemma(tok) in {"call", "brand", "dub", "continue", "repeat"} and not any(
        c.dep_ in ("dobj", "oprd", "ccomp", "xcomp") for c in tok.children
    ):
        return None
    return _cue_words(tok), _subject(tok, inside) or _next_to(tok, inside)


def _cue_words(verb: Token) -> tuple[Token, ...]:
    """The verb with what makes it a cue phrase: "told reporters", "describing them as"."""
    words = [verb]
    doc = verb.doc
    nxt = verb.i + 1
    if nxt < len(doc) and doc[nxt].dep_ == "prt" and doc[nxt].head == verb:
        words.append(doc[nxt])
        nxt += 1
    if lemma(verb) in _OBJECT_CUES and nxt < len(doc):
        obj = doc[nxt]
        if obj.dep_ in ("dobj", "dative") and obj.head == verb and obj.pos_ in ("NOUN", "PRON"):
            words.append(obj)
            nxt += 1
            if nxt < len(doc) and doc[nxt].lower_ == "as" and doc[nxt].head == verb:
                words.append(doc[nxt])
    return tuple(words)


def _subject(verb: Token, inside: frozenset[int]) -> Token | None:
    """The nsubj of ``verb``, or of the verb it hangs from ("…, adding", "who said")."""
    tok = verb
    for _ in range(4):
        subjects = [
            c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") and c.i not in inside
        ]
        if subjects:  # the parser sometimes gives two; the nearer one is the speaker
            child = min(subjects, key=lambda c: abs(c.i - tok.i))
            if child.lower_ in ("who", "that", "which") and tok.dep_ == "relcl":
                return tok.head
            return child
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head  # "a spokesperson describing them as"
        if tok.dep_ not in ("conj", "advcl", "xcomp") or tok.head == tok:
            return None
        tok = tok.head
    return None


def _next_to(verb: Token, inside: frozenset[int]) -> Token | None:
    """The speaker by position where the parse gives the verb no subject: a name or noun
    right before it ("…,” Tulsa police Chief Chuck Jordan said") or right after it
    ("Said Ellis:", "said a spokesman")."""
    doc = verb.doc
    before = doc[verb.i - 1] if verb.i > 0 else None
    if (
        before is not None
        and before.i not in inside
        and (before.pos_ in ("PROPN", "NOUN") or before.ent_type_ == "PERSON")
    ):
        return before
    if lemma(verb) in _OBJECT_CUES:
        return None  # "telling reporters that…": who comes next is the addressee
    for tok in doc[verb.i + 1 : verb.i + 4]:
        if tok.i in inside or tok.is_punct:
            return None
        if tok.pos_ == "PROPN" or tok.ent_type_ == "PERSON":
            end = tok.i
            while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
                end += 1
            return doc[end]
        if tok.pos_ == "NOUN":
            return tok
        if tok.dep_ not in ("det", "amod", "compound", "poss"):
            return None
    return None


def _speaker(ctx: _Context, cue: _Cue) -> _Speaker | None:
    head = cue.speaker
    if head is None:
        return None
    kind = _PRONOUNS.get(head.lower_)
    if kind is not None:
        return _resolve_pronoun(ctx, head, kind)
    if head.pos_ == "PRON":
        return None  # "I", "we", "they", "you": not resolved here
    person = head.ent_type_ == "PERSON" or head.lower_ in ctx.surnames
    if not person and head.pos_ == "NOUN":
        # "The chief rescue officer Ana Molin said": the name is an apposition of the title.
        named = [
            c
            for c in head.rights
            if c.dep_ == "appos"
            and c.pos_ == "PROPN"
            and c.i == head.i + len([x for x in c.lefts if x.dep_ in ("compound", "flat")]) + 1
        ]
        if named:
            head, person = named[0], True
    if person or (head.pos_ == "PROPN" and not head.ent_type_):
        name = _name_tokens(head)
        if name:
            return _Speaker(_full_name(ctx.doc, name), (name[0].idx, _end(name[-1])))
    words = _phrase(head)
    span = (words[0].idx, _end(words[-1]))
    return _Speaker(doc_text(ctx.doc)[span[0] : span[1]], span)


def _end(tok: Token) -> int:
    return tok.idx + len(tok.text)


def _name_tokens(head: Token) -> list[Token]:
    """The name around ``head`` without titles: "Treasury Secretary Scott Bessent" -> 2 tokens."""
    if head.ent_type_ == "PERSON":
        # The entity's tokens up to head, found from head's IOB tags (scanning doc.ents
        # for it made speaker resolution quadratic in the article's entities).
        start = head.i
        while start > 0 and head.doc[start].ent_iob_ == "I":
            start -= 1
        chain = list(head.doc[start : head.i + 1])
    else:
        chain = [head]
        for tok in reversed(list(head.lefts)):
            if tok.dep_ in ("compound", "flat") and tok.i == chain[0].i - 1:
                chain.insert(0, tok)
    chain = _after_break(chain)
    while (
        chain
        and (
            chain[0].lower_ in TITLES
            or chain[0].pos_ == "VERB"  # "Said Ellis:"
            or not chain[0].text[:1].isupper()
            or (
                len(chain) > 1
                and len(chain[0]) > 2
                and chain[0].text.isupper()
                and not chain[1].text.isupper()
            )
        )
    ):  # titles, and a heading the entity swallowed ("DELICATE BALANCE Josh Lipsky")
        chain.pop(0)
    while chain and chain[-1].text in ("’s", "'s", "’", "'"):
        chain.pop()
    return chain


def _after_break(tokens: list[Token]) -> list[Token]:
    """Tokens after the last line break inside them (entities can swallow a heading)."""
    for k in range(len(tokens) - 1, 0, -1):
        if "\n" in tokens[k - 1].whitespace_ or "\n" in tokens[k - 1].text:
            return [t for t in tokens[k:] if not t.is_space]
    return [t for t in tokens if not t.is_space]


def _phrase(head: Token) -> list[Token]:
    """A non-person speaker as written: "a Treasury spokesperson", "the ministry"."""
    keep = {head.i}
    stack = [c for c in head.lefts]
    while stack:
        tok = stack.pop()
        if tok.dep_ in ("det", "poss", "case", "amod", "compound", "nummod", "nmod", "advmod"):
            keep.add(tok.i)
            stack.extend(tok.children)
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "at"):
            sub = list(prep.subtree)
            if len(sub) <= 6:
                keep.update(t.i for t in sub)
    lo, hi = min(keep), max(keep)
    while lo < head.i and head.doc[lo].is_punct:
        lo += 1
    while hi > head.i and (head.doc[hi].is_punct or head.doc[hi].dep_ == "cc"):
        hi -= 1
    return list(head.doc[lo : hi + 1])


def _full_name(doc: Doc, name: list[Token]) -> str:
    """The fullest name the article gives this person: "Greer" -> "Jamieson Greer".

    The longest name among the PERSON entities that end in the same word; of equally long
    ones the first; a name as long as ``name`` itself only when it comes before it. A name
    that does not end in the words of ``name`` is another person's: "Omar Novak" stays
    himself beside an earlier "Anna Novak".
    """
    longest = cached(doc, "quotes.longest_names", _longest_names).get(name[-1].text.lower())
    best = name
    if longest is not None:
        start, cand = longest
        longer = len(cand) > len(name) or (len(cand) == len(name) and start < name[0].i)
        if longer and _lowered(cand[len(cand) - len(name) :]) == _lowered(name):
            best = cand
    return " ".join(doc_text(doc)[best[0].idx : _end(best[-1])].split())


def _lowered(name: list[Token]) -> list[str]:
    return [t.text.lower() for t in name]


def _longest_names(doc: Doc) -> dict[str, tuple[int, list[Token]]]:
    """Per last word of a PERSON entity, the first of its longest names and where it starts:
    computed once per article, so that resolving each speaker costs O(1)."""
    out: dict[str, tuple[int, list[Token]]] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        cand = _name_tokens(ent[-1])
        last = ent[-1].text.lower()
        if cand and (last not in out or len(cand) > len(out[last][1])):
            out[last] = (ent.start, cand)
    return out


def _resolve_pronoun(ctx: _Context, pron: Token, kind: str) -> _Speaker | None:
    """The named mention ``pron`` refers to: the nearest earlier one, subjects first."""
    labels = {"PERSON"} if kind == "PERSON" else {"ORG", "GPE", "NORP"}
    here = ctx.sent_of[pron.i]
    for k in range(here, max(-1, here - 5), -1):
        mentions = _mentions(ctx, ctx.sents[k], labels, before=pron.i)
        if not mentions:
            continue
        subjects = [m for m in mentions if m[-1].dep_ in ("nsubj", "nsubjpass")]
        if subjects:  # the main clause's subject before a subordinate one's
            top = min(len(list(m[-1].ancestors)) for m in subjects)
            subjects = [m for m in subjects if len(list(m[-1].ancestors)) == top]
        chosen = (subjects or mentions)[-1]
        span = (chosen[0].idx, _end(chosen[-1]))
        if kind == "PERSON":
            return _Speaker(_full_name(ctx.doc, chosen), span)
        return _Speaker(doc_text(ctx.doc)[span[0] : span[1]], span)
    return None


def _mentions(ctx: _Context, sent: SpacySpan, labels: set[str], before: int) -> list[list[Token]]:
    """Named mentions with one of ``labels`` in ``sent`` before token ``before``."""
    out: list[list[Token]] = []
    person = "PERSON" in labels
    for ent in sent.ents:
        if ent.start >= before or any(t.i in ctx.inside for t in ent):
            continue
        if ent.label_ in labels:
            words = _name_tokens(ent[-1]) if person else _after_break(list(ent))
        elif person and ent[-1].lower_ in ctx.surnames and ent[-1].pos_ == "PROPN":
            words = [ent[-1]]  # a person the tagger took for an organisation
        else:
            continue
        if words:
            out.append(words)
    if person:
        in_ents = {t.i for e in sent.ents for t in e}
        for tok in sent:
            if (
                tok.i < before
                and tok.i not in in_ents
                and tok.i not in ctx.inside
                and tok.pos_ == "PROPN"
                and tok.lower_ in ctx.surnames
                and tok.dep_ != "compound"
            ):
                out.append([tok])
        out.sort(key=lambda words: words[0].i)
    return out


# --- what counts as a quotation ----------------------------------------------------------


def _keep(ctx: _Context, m: _Marks, cue: _Cue | None) -> bool:
    """Drop scare quotes, titles and quoted phrases no one is said to have said.

    A quotation of one to three words counts only with a cue and when it is not a noun
    phrase's words inside a larger phrase; one without a cue only when it opens its sentence
    and has a verb (a reported sentence whose speaker is named next to it).
    """
    quote = _tokens(ctx.doc, m.start, m.end)
    words = [t for t in quote if not (t.is_punct or t.is_space)]
    if not words or _title_like(words):
        return False
    if len(words) <= 3:
        return cue is not None and not _nominal(quote)
    if cue is not None:
        return True
    open_i = _tokens(ctx.doc, m.open_pos, m.open_pos + 1)[0].i
    before = ctx.doc[ctx.sents[ctx.sent_of[open_i]].start : open_i]
    opens = all(t.is_punct or t.is_space for t in before)
    return opens and any(t.pos_ in ("VERB", "AUX") for t in words)


def _title_like(words: list[Token]) -> bool:
    if len(words) < 2 or words[-1].text in (".", "!", "?"):
        return False
    return all(t.text[:1].isupper() or t.lower_ in _TITLE_LOWER for t in words) and any(
        t.lower_ not in _TITLE_LOWER and t.pos_ != "PRON" for t in words[1:]
    )


def _nominal(quote: SpacySpan) -> bool:
    """A noun phrase's words in quotes inside a larger phrase: "a “productive meeting”"."""
    inner = set(range(quote.start, quote.end))
    for tok in quote:
        if tok.head.i in inner and tok.head != tok:
            continue
        if tok.dep_ in ("compound", "amod", "nmod", "poss") and tok.head.pos_ in (
            "NOUN",
            "PROPN",
        ):
            return True
        if tok.pos_ in ("NOUN", "PROPN") and any(
            c.i not in inner and c.dep_ in ("det", "poss", "amod", "compound") for c in tok.children
        ):
            return True
    return False


def _inherit(
    ctx: _Context, found: list[tuple[_Marks, _Cue | None, _Speaker | None]]
) -> list[tuple[_Marks, _Cue | None, _Speaker | None]]:
    """A quotation without a cue, next to one with a speaker, continues that speaker's words."""

    def sent_at(pos: int) -> int:
        return ctx.sent_of[_tokens(ctx.doc, pos, pos + 1)[0].i]

    out = list(found)
    for k, (m, cue, _) in enumerate(out):
        if cue is not None:
            continue
        for j in (k - 1, k + 1):
            if not 0 <= j < len(out):
                continue
            other, other_cue, other_speaker = out[j]
            if other_cue is None or other_speaker is None:
                continue
            first, second = (other, m) if j < k else (m, other)
            gap = doc_text(ctx.doc)[first.close_pos + 1 : second.open_pos]
            last = sent_at(first.close_pos)
            if j < k:
                last = max(last, other_cue.sentence)
            if gap.count("\n") <= 1 and sent_at(second.open_pos) - last <= 1:
                out[k] = (m, other_cue, other_speaker)
                break
    return out


def _quote(
    doc: Doc, article_id: str, m: _Marks, cue: _Cue | None, speaker: _Speaker | None
) -> Quote:
    cue_text: str | None = None
    cue_span: Span | None = None
    if cue is not None:
        start, end = cue.tokens[0].idx, _end(cue.tokens[-1])
        cue_text, cue_span = doc_text(doc)[start:end], Span(article_id, start, end)
    return Quote(
        span=Span(article_id, m.start, m.end),
        text=doc_text(doc)[m.start : m.end],
        speaker=speaker.name if speaker else None,
        speaker_span=Span(article_id, *speaker.span) if speaker else None,
        cue=cue_text,
        cue_span=cue_span,
    )
