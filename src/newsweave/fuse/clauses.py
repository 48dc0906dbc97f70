"""Cut a sentence down to what a reader needs, still verbatim: a sub-span of the sentence.

The sentence splitter keeps what the page glued to a sentence: a sub-heading ("TALKING POINTS
The three officials ..."), a heading line above it ("Talking points\\nTrump arrived ..."), a
reader prompt after it ("... on Friday. Read more:"). :func:`clean` drops those. A timeline
entry states one dated event, so :func:`clause_around` keeps the clause that carries the date
("In August, the US and China agreed to a truce until November 10" rather than the sentence
that goes on about earlier tariffs).

Every function returns a :class:`Sentence` whose span lies inside the input's span and whose
text is exactly the article's characters there, so a trimmed text is still a citation.
All patterns are linear (no nested quantifiers) and run on one sentence at a time.
"""

from __future__ import annotations

import re

from newsweave.model import Sentence, Span

# A run of capitalised heading words at the start, before a capitalised sentence start:
# "TALKING POINTS The three officials", "DELICATE BALANCE Josh Lipsky".
# One capitalised word is usually an acronym ("US Treasury Secretary"): two or more.
_CAPS_HEADING = re.compile(r"^(?:[A-Z][A-Z'’&-]{2,}\s+){2,5}(?=[A-Z][a-z])")
# Reader prompts and page furniture after the sentence proper. (?<!\s): a match starts
# where a run of spaces does, not at each of its spaces (quadratic on a run of them).
_PROMPT = re.compile(
    r"(?<!\s)\s+(?:Read more|Click here|Sign up|Subscribe|Related:|Watch:|Listen:|Advertisement)\b",
    re.IGNORECASE,
)
# Where a clause ends inside a sentence: a semicolon, a spaced dash, or a comma before a
# conjunction or relative word that opens a new clause.
_BOUNDARY = re.compile(
    r";\s+|\s[–—-]\s|,\s+(?=(?:but|while|whereas|although|though|as|and|which|who|where|"
    r"before|after|after which|according to|lifting|raising|marking|prompting|bringing)\s)"
)
# A clause that opens like this leans on the one before ("which started on Saturday").
_LEANING = re.compile(r"(?:which|who|whom|whose|where|when|that|\w+ed|\w+ing)\b")
_MIN_WORDS = 6


def _sub(sentence: Sentence, start: int, end: int) -> Sentence:
    """The part ``[start, end)`` of the sentence text, whitespace trimmed, as a sentence."""
    text = sentence.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    span = Span(sentence.span.article_id, sentence.span.start + start, sentence.span.start + end)
    return Sentence(span, text[start:end])


def clean(sentence: Sentence) -> Sentence:
    """The sentence without a heading line, a capitalised sub-heading or a reader prompt.

    Example:
        >>> s = Sentence(Span("a", 0, 31), "TALKING POINTS The talks ended.")
        >>> clean(s).text
        'The talks ended.'
    """
    text = sentence.text
    start, end = 0, len(text)
    # A heading on its own line above the sentence: keep the last line that is a sentence.
    lines = text.split("\n")
    if len(lines) > 1:
        offset = 0
        for line in lines:
            if len(line.split()) >= _MIN_WORDS or line is lines[-1]:
                start = offset
                break
            offset += len(line) + 1
    heading = _CAPS_HEADING.match(text, start)
    if heading and len(text[heading.end() : end].split()) >= _MIN_WORDS:
        start = heading.end()
    prompt = _PROMPT.search(text, start)
    if prompt and len(text[start : prompt.start()].split()) >= _MIN_WORDS:
        end = prompt.start()
    if (start, end) == (0, len(text)):
        return sentence
    return _sub(sentence, start, end)


def clause_around(sentence: Sentence, span: Span, min_words: int = _MIN_WORDS) -> Sentence:
    """The clause of ``sentence`` that holds ``span`` (at least ``min_words`` words).

    The sentence is first :func:`clean`-ed; a clause shorter than ``min_words`` takes its
    neighbours in, the one before first (a main clause usually comes first).

    Example:
        >>> text = "In May the truce was agreed; prices rose sharply in the weeks after."
        >>> clause_around(Sentence(Span("a", 0, len(text)), text), Span("a", 0, 6)).text
        'In May the truce was agreed'
    """
    base = clean(sentence)
    rel_start = span.start - base.span.start
    rel_end = span.end - base.span.start
    if rel_start < 0 or rel_end > len(base.text):
        return base
    cuts = [0]
    for m in _BOUNDARY.finditer(base.text):
        cuts.append(m.start())
        cuts.append(m.end())
    cuts.append(len(base.text))
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    if len(pieces) == 1:
        return base
    # the pieces the time expression touches, then grown until long enough
    first = next((i for i, (_, e) in enumerate(pieces) if e > rel_start), 0)
    last = next((i for i, (_, e) in enumerate(pieces) if e >= rel_end), len(pieces) - 1)
    last = max(first, last)

    def words(a: int, b: int) -> int:
        return len(base.text[pieces[a][0] : pieces[b][1]].split())

    # a clause that opens with a relative or a participle ("which started on Saturday",
    # "reached after the talks in May") belongs to the one before it
    if first > 0 and _LEANING.match(base.text, pieces[first][0]):
        first -= 1
    while words(first, last) < min_words and (first > 0 or last < len(pieces) - 1):
        if first > 0:
            first -= 1
        else:
            last += 1
    return _sub(base, pieces[first][0], pieces[last][1])
