"""The deep pass of one long article holds a window of tokens at a time, not the article.

The entity recogniser keeps ~18 kB for every token it reads at once, the parser about as much:
a 178,000-character Timeline17 article read in pieces of 10,000 tokens peaked at +185 MB in
the recogniser alone (+200 MB for the whole deep pass of it in a worker). Measured here in a
fresh process, as a worker of the pool runs it: the models loaded and warmed up, then the peak
resident memory while one long real article (the first ~60,000 characters, ~12,700 tokens, of
the longest Timeline17 article) goes through ``annotate_chunk``. Before the windows: +192 and
+196 MB (two runs); with them: +46 and +46 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import shared_path

from newsweave.annotate.deepparse import WINDOW_TOKENS, deep_pipeline

PEAK_MB = 100
CHARS = 60_000

_MEASURE = r"""
import ctypes, json, os, sys, threading, time
from datetime import datetime, timezone

from newsweave.annotate.pipeline import DEEP, AnnotateOptions
from newsweave.engines.local import annotate_chunk, warm_up
from newsweave.ingest import make_article

text = open(sys.argv[1], encoding="utf-8").read()
when = datetime(2011, 2, 1, tzinfo=timezone.utc)
article = make_article(text, published=when)
warm_up()
warm = "Ministers met in Cairo on Sunday. “We agree,” said Ali Hassan, the minister. 5% more."
annotate_chunk([make_article(warm, published=when)], AnnotateOptions(), DEEP)
ctypes.CDLL("libc.so.6").malloc_trim(0)
page = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page


base = peak = rss()
done = False


def sample():
    global peak
    while not done:
        peak = max(peak, rss())
        time.sleep(0.001)


thread = threading.Thread(target=sample)
thread.start()
(item,) = annotate_chunk([article], AnnotateOptions(), DEEP)
done = True
thread.join()
print(json.dumps({"peak_mb": (peak - base) / 1e6, "entities": len(item.entities),
                  "sentences": len(item.sentences), "errors": list(item.errors)}))
"""


def _long_article() -> str:
    """The first ~:data:`CHARS` characters of the longest Timeline17 article, cut at a line."""
    path = shared_path("data", "timeline17", "articles.jsonl")
    with path.open(encoding="utf-8") as lines:
        text: str = max((json.loads(line)["text"] for line in lines), key=len)
    return text[: text.rfind("\n", 0, CHARS)]


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc (Linux)")
def test_a_long_article_is_annotated_within_a_bounded_peak(tmp_path: Path) -> None:
    text = _long_article()
    assert len(deep_pipeline().tokenizer(text)) > 5 * WINDOW_TOKENS  # many windows long
    source = tmp_path / "article.txt"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["errors"] == []
    assert found["sentences"] > 300 and found["entities"] > 300  # it was annotated
    assert found["peak_mb"] < PEAK_MB, found


def test_the_windows_find_what_one_read_of_the_whole_text_finds() -> None:
    """Sentence starts and names of the long article, read a window at a time by the deep
    pass, are those of spaCy's sentence and entity recognisers reading the whole text at once
    (before the windows, pieces of 10,000 tokens lost their sentence starts: a name could
    cross one, "H5N1 -LRB- Bird")."""
    from spacy.attrs import SENT_START

    from newsweave.annotate import deepparse
    from newsweave.annotate.models import load_nlp

    text = _long_article()
    nlp, deep = load_nlp(), deep_pipeline()
    whole = nlp.get_pipe("ner")(nlp.get_pipe("senter")(deep.tokenizer(text)))
    parts = dict(deep.pipeline)
    windowed = parts[deepparse._NER](parts[deepparse._SENTER](deep.tokenizer(text)))
    assert len(whole) > 5 * WINDOW_TOKENS
    assert (whole.to_array([SENT_START]) == windowed.to_array([SENT_START])).all()
    found = [(e.start, e.end, e.label_) for e in windowed.ents]
    assert found == [(e.start, e.end, e.label_) for e in whole.ents]
    assert len(found) > 300
