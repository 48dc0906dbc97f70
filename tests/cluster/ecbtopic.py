"""One ECB+ topic read as a reader gives it to newsweave: JSONL records (a first sentence
that is a URL as the url) annotated by the real cheap pass (tests skip without ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import shared_path

from newsweave.model import AnnotatedArticle
from newsweave.pipeline import PipelineOptions, annotate_articles, read_articles


def detokenized(sentences: list[str]) -> str:
    text = "\n".join(sentences).replace("``", '"').replace("''", '"')
    for mark in (" ,", " .", " ;", " :", " 's", " n't", " )", " ?", " !"):
        text = text.replace(mark, mark[1:])
    return text


def read_topic(topic: int, folder: Path) -> tuple[list[AnnotatedArticle], dict[str, str]]:
    """The topic's articles, annotated, and the event ("ecb" or "ecbplus") of each id."""
    source = shared_path("data", "ecbplus", "documents.jsonl")
    records: list[dict[str, str]] = []
    events: list[str] = []
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            if doc["topic"] != topic:
                continue
            sentences = [s["text"] for s in doc["sentences"]]
            record = {}
            if sentences and sentences[0].replace(" ", "").startswith("http"):
                record["url"] = sentences.pop(0).replace(" ", "")
            record["text"] = detokenized(sentences)[:4000]
            records.append(record)
            events.append(doc["subtopic"])
    path = folder / "topic.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    opts = PipelineOptions()
    articles, _ = read_articles([str(path)], opts)
    assert len(articles) == len(records)
    event_of = {a.article_id: e for a, e in zip(articles, events, strict=True)}
    return annotate_articles(articles, opts), event_of
