"""HTML to article text and metadata, with trafilatura (main text) and htmldate (dates).

The markup is parsed here and the parsed tree is what the libraries get: neither is ever
handed a string that could be taken for a URL (both would download it). When extraction finds
no article, the reason is measured on the page ("page is 91% link text").
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsweave.ingest.article import IngestOptions, finish, normalise_text, rejected
from newsweave.ingest.clean import remove_boilerplate
from newsweave.ingest.dates import parse_date
from newsweave.model import DateOrigin, IngestOutcome

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": False,  # the extensive search turns "© 2023" into 2023-01-01
    "outputformat": _DATE_FORMAT,
}
_PAGE = re.compile(r"<(html|body)\b", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "head")
# A page mostly of links is navigation (``ingest.navigation_share``; this is its default).
NAVIGATION_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Extracted:
    """The main text of a page and what its metadata said."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: datetime | None = None


def _parse(markup: str) -> Any:
    """An lxml tree of the markup (a fragment is wrapped in a page), or None."""
    from trafilatura.utils import load_html

    if _PAGE.search(markup, 0, 100_000) is None:
        markup = f"<html><body><article>{markup}</article></body></html>"
    try:
        return load_html(markup)
    except (ValueError, TypeError):
        return None


def _extract(tree: Any, *, favor_recall: bool) -> dict[str, Any] | None:
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=favor_recall,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    except (ValueError, TypeError, AttributeError, IndexError):
        return None
    if document is None:
        return None
    as_dict: dict[str, Any] = document.as_dict()  # type: ignore[union-attr]
    return as_dict


def _fallback_date(markup: str) -> datetime | None:
    """htmldate on the page metadata, for pages where trafilatura found no date."""
    import htmldate

    tree = _parse(markup)
    if tree is None:
        return None
    try:
        found = htmldate.find_date(
            tree, extensive_search=False, original_date=False, outputformat=_DATE_FORMAT
        )
    except (ValueError, TypeError):
        return None
    return parse_date(found)


def measure_page(markup: str, navigation_share: float = NAVIGATION_SHARE) -> str:
    """Why a page gave no article text, in measured terms a person can check."""
    tree = _parse(markup)
    if tree is None:
        return "not parseable as HTML"
    for element in list(tree.iter(*_INVISIBLE)):
        if element.getparent() is not None:
            element.drop_tree()
    visible = " ".join(tree.text_content().split())
    if not visible:
        return NO_VISIBLE_TEXT
    links = sum(len(" ".join(a.text_content().split())) for a in tree.iter("a"))
    share = links / len(visible)
    if share >= navigation_share:
        return f"page is mostly navigation: {round(100 * min(share, 1.0))}% of its text is links"
    return f"the page has {len(visible)} characters of visible text but no article body"


def _link_share(text: str, markup: str) -> float:
    """Share of the extracted text that is lines repeating a link of the page (menus, lists)."""
    tree = _parse(markup)
    if tree is None or not text:
        return 0.0
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    in_links = sum(len(line) for line in text.split("\n") if " ".join(line.split()) in links)
    return in_links / len(text)


def _without_title(text: str, title: str | None) -> str:
    """The text without a first line that repeats the title (extractors keep the <h1>)."""
    if title:
        first, _, rest = text.partition("\n")
        if " ".join(first.split()).casefold() == " ".join(title.split()).casefold():
            return rest
    return text


# libxml2 stops parsing 256 levels deep and keeps only what came before (unclosed <div> or
# <font> tags nest for ever; old layouts nest tables): a page whose tree reaches that depth
# was cut. It is read again without its layout and inline tags, then, if still cut, without
# every tag but those that hold the text, its metadata and what is never shown.
_PARSER_DEPTH = 256
_LAYOUT_TAGS = re.compile(
    r"</?(?:div|span|font|center|section|b|i|u|em|strong|small|big|tt)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_KEPT_TAGS = (
    "html|head|body|title|meta|base|link|script|style|noscript|template|svg|math|iframe|object"
    "|select|option|textarea|button|nav|header|footer|aside|article|main|p|br|h[1-6]|a|time"
)
_NESTING_TAGS = re.compile(
    rf"</?(?!(?:{_KEPT_TAGS})[\s/>])[a-z][\w:.-]*(?:\s[^<>]*)?/?>", re.IGNORECASE
)
_TAG = re.compile(r"<[^<>]*>")
NO_VISIBLE_TEXT = "the page has no visible text"


def extract_html(
    markup: str, min_chars: int = 0, navigation_share: float = NAVIGATION_SHARE
) -> Extracted | str:
    """The article in ``markup``, or the reason (measured) why there is none.

    Tries trafilatura's default (precise) extraction, then its recall mode when that kept less
    than ``min_chars``; promo lines trafilatura leaves ("Advertisement", "Read more: …") are
    removed afterwards. A page nested too deep for the parser (its text is gone from the
    tree but not from the markup) is read again without its layout tags, then without every
    tag that only nests.
    """
    found, cut = _extract_html(markup, min_chars, navigation_share)
    if not cut and not (found == NO_VISIBLE_TEXT and len(_TAG.sub(" ", markup).split()) >= 3):
        return found
    for tags in (_LAYOUT_TAGS, _NESTING_TAGS):
        flat, cut = _extract_html(tags.sub(" ", markup), min_chars, navigation_share)
        if not cut:  # the whole page read: its article, or the measured reason
            return flat
    return flat if isinstance(flat, Extracted) else found


def _cut(tree: Any) -> bool:
    """Whether the parser stopped at its depth limit: what it kept ends that deep."""
    depth, element = 0, tree
    while depth < _PARSER_DEPTH and len(element):
        element, depth = element[-1], depth + 1
    return depth >= _PARSER_DEPTH - 1


def _extract_html(
    markup: str, min_chars: int, navigation_share: float
) -> tuple[Extracted | str, bool]:
    """What :func:`extract_html` says of ``markup`` as it is, and whether its tree was cut."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = _parse(markup)
        if tree is None:
            return "not parseable as HTML", False
        cut = _cut(tree)
        found = _extract(tree, favor_recall=False)
        text = _clean(found)
        if len(text) < max(min_chars, 1):
            retry = _parse(markup)
            found_again = _extract(retry, favor_recall=True) if retry is not None else None
            if len(_clean(found_again)) > len(text):
                found, text = found_again, _clean(found_again)
        if not text or found is None or _link_share(text, markup) >= navigation_share:
            return measure_page(markup, navigation_share), cut
        title = found.get("title") or None
        published = parse_date(found.get("date")) or _fallback_date(markup)
    extracted = Extracted(
        text=normalise_text(_without_title(text, title)),
        title=title,
        source=found.get("sitename") or found.get("hostname") or None,
        url=found.get("url") or None,
        published=published,
    )
    return extracted, cut


def _clean(found: dict[str, Any] | None) -> str:
    if not found or not isinstance(found.get("text"), str):
        return ""
    return normalise_text(remove_boilerplate(found["text"]))


def read_html(markup: str, path: Path, where: str, options: IngestOptions) -> list[IngestOutcome]:
    """One article from the decoded contents of an HTML file."""
    result = extract_html(markup, options.min_chars, options.navigation_share)
    if isinstance(result, str):
        return [rejected(where, f"no article text found ({result})")]
    if len(result.text) < options.min_chars:
        measured = measure_page(markup, options.navigation_share)
        return [
            rejected(
                where,
                f"no article text found (only {len(result.text)} characters of main text, "
                f"fewer than {options.min_chars}; {measured})",
            )
        ]
    return [
        finish(
            where,
            result.text,
            options,
            path=str(path),
            input_format="html",
            title=result.title,
            source=result.source,
            url=result.url,
            published=result.published,
            date_origin=DateOrigin.METADATA if result.published else DateOrigin.UNKNOWN,
        )
    ]
