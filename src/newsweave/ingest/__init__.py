"""Ingest: turn files (text, HTML, JSON lines, RSS/Atom) into :class:`~newsweave.model.Article`.

One module per format (:mod:`.text`, :mod:`.extract` for HTML, :mod:`.jsonl`, :mod:`.feed`);
:mod:`.decode` turns bytes into text, :mod:`.detect` finds language and dateline, and
:mod:`.reader` accounts for every input as ingested, duplicate or rejected.
"""

from newsweave.ingest.article import IngestOptions, content_hash, make_article, normalise_text
from newsweave.ingest.detect import detect_dateline, detect_language
from newsweave.ingest.paths import expand_paths
from newsweave.ingest.reader import read_inputs, read_path

__all__ = [
    "IngestOptions",
    "content_hash",
    "detect_dateline",
    "detect_language",
    "expand_paths",
    "make_article",
    "normalise_text",
    "read_inputs",
    "read_path",
]
