"""Multi-outlet stories from ../shared/data for the discrepancy precision benchmark.

Three corpora, each read into newsweave articles the same way every time (so article ids and
character offsets are stable and labels can point into them):
- Timeline17: articles of several outlets published on the same day (a sample of days per
  topic), text detokenised line by line (bench/_common.py), cut at a line end after
  ``T17_MAX_CHARS``; the publication ``date`` is the header date.
- ECB+: every document, sentences detokenised one per line (a leading URL line dropped).
- PolNeAR (train + dev): the article text as shipped, with ``metadata.tsv`` publisher and date.

Stories are made by newsweave itself (``newsweave.cluster.cluster`` over the day's or the
topic's annotated articles; for PolNeAR over articles published within three days of each
other whose titles and leads share words), then frozen as corpus document ids in
``bench/discrepancy_labels/stories.jsonl`` so that later runs rebuild the same stories even if
the clustering changes. Only stories of at least two articles from two sources are kept.

spaCy parses and article vectors are cached under ``/tmp/newsweave-discrepancy-bench`` (the
annotators run again on every call, so changes to them are measured); sentence vectors of the
fuse step are cached there too.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import detokenize
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, Article, DateOrigin

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LABELS = Path(__file__).resolve().parent / "discrepancy_labels"
CACHE = Path("/tmp/newsweave-discrepancy-bench")
T17_MAX_CHARS = 6000
T17_DAYS_PER_TOPIC = 14
# Days added later, round by round (seed, days per topic): each round draws from the days
# no earlier round took, so the stories frozen from earlier rounds stay what they were.
T17_EXTRA_ROUNDS = ((18, 22), (19, 24), (20, 40))
T17_MAX_PER_DAY = 10
MAX_STORY = 14


@dataclass(frozen=True, slots=True)
class Doc:
    """One corpus document as newsweave reads it."""

    corpus: str  # "timeline17" | "ecbplus" | "polnear"
    doc_id: str  # the corpus's own id (Timeline17 ``id``, ECB+ ``doc_id``, PolNeAR filename)
    group: str  # where stories are looked for: a day of a topic, an ECB+ topic, a PolNeAR window
    article: Article


def _t17_text(raw: str) -> str:
    lines = [detokenize(line.split())[0] for line in raw.split("\n")]
    out: list[str] = []
    size = 0
    for line in lines:
        if not line:
            continue
        if size + len(line) > T17_MAX_CHARS and out:
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def _t17_by_day() -> dict[tuple[str, str], list[dict]]:
    by_day: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with (DATA / "timeline17" / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if len(row["text"].strip()) >= 200:
                by_day[(row["topic"], row["date"])].append(row)
    return by_day


def _t17_doc(row: dict, topic: str, day: str) -> Doc:
    article = make_article(
        _t17_text(row["text"]),
        source=row["source"],
        path=row["id"],
        published=datetime.fromisoformat(row["date"]).replace(tzinfo=UTC),
        date_origin=DateOrigin.HEADER,
        language="en",
        dateline="",
    )
    return Doc("timeline17", row["id"], f"t17:{topic}:{day}", article)


def _t17_days(by_day: dict[tuple[str, str], list[dict]]) -> dict[str, list[str]]:
    """Per topic, the days on which at least two outlets published."""
    topics = sorted({t for t, _ in by_day})
    return {
        topic: sorted(d for t, d in by_day if t == topic and len(_sources(by_day[(t, d)])) >= 2)
        for topic in topics
    }


def timeline17_docs(extra: bool = False) -> list[Doc]:
    """The sampled days (``T17_DAYS_PER_TOPIC`` per topic, seed 17); with ``extra``, the days
    of ``T17_EXTRA_ROUNDS`` too; at most ``T17_MAX_PER_DAY`` articles a day either way."""
    by_day = _t17_by_day()
    rng = random.Random(17)
    docs: list[Doc] = []
    first: set[tuple[str, str]] = set()
    for topic, days in _t17_days(by_day).items():
        for day in sorted(rng.sample(days, min(T17_DAYS_PER_TOPIC, len(days)))):
            first.add((topic, day))
            rows = sorted(by_day[(topic, day)], key=lambda r: r["id"])
            if len(rows) > T17_MAX_PER_DAY:
                rows = sorted(rng.sample(rows, T17_MAX_PER_DAY), key=lambda r: r["id"])
            docs += [_t17_doc(row, topic, day) for row in rows]
    if not extra:
        return docs
    for seed, count in T17_EXTRA_ROUNDS:
        more = random.Random(seed)
        for topic, days in _t17_days(by_day).items():
            rest = [d for d in days if (topic, d) not in first]
            for day in sorted(more.sample(rest, min(count, len(rest)))):
                first.add((topic, day))
                rows = sorted(by_day[(topic, day)], key=lambda r: r["id"])
                if len(rows) > T17_MAX_PER_DAY:
                    rows = sorted(more.sample(rows, T17_MAX_PER_DAY), key=lambda r: r["id"])
                docs += [_t17_doc(row, topic, day) for row in rows]
    return docs


def timeline17_every_doc() -> list[Doc]:
    """Every Timeline17 article (frozen stories are read back from these)."""
    return [
        _t17_doc(row, topic, day)
        for (topic, day), rows in sorted(_t17_by_day().items())
        for row in rows
    ]


def _sources(rows: Sequence[dict]) -> set[str]:
    return {r["source"] for r in rows}


def _is_url(sentence: str) -> bool:
    s = sentence.strip().lower()
    return s.startswith(("http", "www.")) or (" " not in s and "/" in s)


def ecbplus_docs() -> list[Doc]:
    docs: list[Doc] = []
    with (DATA / "ecbplus" / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            sentences = [s["text"] for s in row["sentences"]]
            if sentences and _is_url(sentences[0]):
                sentences = sentences[1:]
            text = "\n".join(detokenize(s.split())[0] for s in sentences if s.strip())
            if len(text) < 200:
                continue
            article = make_article(text, source=row["doc_id"], path=row["doc_id"], language="en")
            docs.append(Doc("ecbplus", row["doc_id"], f"ecb:{row['topic']}", article))
    return docs


def _polnear_rows() -> list[dict]:
    rows: list[dict] = []
    with (DATA / "polnear" / "metadata.tsv").open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            if row.get("compartment") not in ("train", "dev"):
                continue
            path = DATA / "polnear" / row["compartment"] / "text" / f"{row['filename']}.txt"
            if path.exists() and re.match(r"\d{4}-\d\d-\d\d$", row.get("publication_date", "")):
                row["path"] = str(path)
                rows.append(row)
    return rows


_WORD = re.compile(r"[A-Za-z][a-z]{3,}")
_STOP = frozenset(
    "that this with from have said will would their they about were been more after what when "
    "which there also than into just over only could other some them then these while trump "
    "clinton hillary donald campaign president presidential people percent news".split()
)


def _keywords(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} - _STOP


def polnear_docs() -> list[Doc]:
    """PolNeAR articles that share an event with another publisher's article within 3 days:
    titles and leads with at least 4 content words in common (a cheap filter before newsweave
    clusters them)."""
    rows = _polnear_rows()
    texts = {r["filename"]: Path(r["path"]).read_text(encoding="utf-8") for r in rows}
    days = {r["filename"]: datetime.fromisoformat(r["publication_date"]) for r in rows}
    keys = {r["filename"]: _keywords(r["title"] + " " + texts[r["filename"]][:600]) for r in rows}
    partner: dict[str, set[str]] = defaultdict(set)
    for a in rows:
        for b in rows:
            fa, fb = a["filename"], b["filename"]
            if fa >= fb or a["publisher"] == b["publisher"]:
                continue
            if abs((days[fa] - days[fb]).days) <= 3 and len(keys[fa] & keys[fb]) >= 6:
                partner[fa].add(fb)
                partner[fb].add(fa)
    # Windows of linked articles: connected components of the partner graph.
    seen: set[str] = set()
    docs: list[Doc] = []
    by_name = {r["filename"]: r for r in rows}
    for start in sorted(partner):
        if start in seen:
            continue
        component, stack = [], [start]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            component.append(name)
            stack.extend(partner[name] - seen)
        group = f"pol:{min(component)}"
        for name in sorted(component):
            row = by_name[name]
            article = make_article(
                texts[name],
                title=row["title"],
                source=row["publisher"],
                path=name,
                published=days[name].replace(hour=12, tzinfo=UTC),
                date_origin=DateOrigin.HEADER,
                language="en",
                dateline="",
            )
            docs.append(Doc("polnear", name, group, article))
    return docs


def all_docs(extra: bool = False) -> list[Doc]:
    return timeline17_docs(extra) + ecbplus_docs() + polnear_docs()


# --- annotation cache ----------------------------------------------------------------------


def annotated(docs: Sequence[Doc]) -> dict[str, AnnotatedArticle]:
    """Annotated articles by article id.

    The spaCy parse and the article vector are cached (the slow parts); the annotators run
    again on every call from the cached parse, so a change to them is measured at once.
    """
    from dataclasses import replace

    import numpy as np
    from spacy.tokens import Doc as SpacyDoc

    from newsweave.annotate.embed import embed_articles
    from newsweave.annotate.models import load_nlp
    from newsweave.annotate.pipeline import DEEP_PARSE, annotate_doc, deep_docs

    store = CACHE / f"parses-{DEEP_PARSE}"
    store.mkdir(parents=True, exist_ok=True)
    nlp = load_nlp()
    unique = {d.article.article_id: d.article for d in docs}
    todo = [a for aid, a in unique.items() if not (store / f"{aid}.npy").exists()]
    if todo:
        print(f"# parsing {len(todo)} articles (cached in {store})", flush=True)
    for start in range(0, len(todo), 32):
        batch = todo[start : start + 32]
        for doc, article in zip(deep_docs(a.text for a in batch), batch, strict=True):
            (store / f"{article.article_id}.spacy").write_bytes(doc.to_bytes(exclude=["user_data"]))
        for article, vec in zip(batch, embed_articles(batch), strict=True):
            np.save(store / f"{article.article_id}.npy", vec)
        print(f"#   {min(start + 32, len(todo))}/{len(todo)}", flush=True)
    # The annotations themselves, cached under a hash of the annotators' source code.
    import newsweave.annotate as annotate_pkg

    sources = sorted(Path(annotate_pkg.__file__).parent.glob("*.py"))
    version = hashlib.sha1(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]
    done = CACHE / f"annotated-{DEEP_PARSE}-{version}"
    done.mkdir(exist_ok=True)
    out: dict[str, AnnotatedArticle] = {}
    for aid, article in unique.items():
        path = done / f"{aid}.pkl"
        if path.exists():
            out[aid] = pickle.loads(path.read_bytes())
            continue
        doc = SpacyDoc(nlp.vocab).from_bytes((store / f"{aid}.spacy").read_bytes())
        item = replace(annotate_doc(doc, article), embedding=np.load(store / f"{aid}.npy"))
        path.write_bytes(pickle.dumps(item))
        out[aid] = item
    return _with_sentence_vectors(out, done)


def _with_sentence_vectors(
    items: dict[str, AnnotatedArticle], done: Path
) -> dict[str, AnnotatedArticle]:
    """The sentence vectors the full pipeline stores for fuse (cached next to the items)."""
    from dataclasses import replace

    import numpy as np

    try:
        from newsweave.annotate.pipeline import with_sentence_vectors
    except ImportError:  # a detector from before sentence vectors were stored
        return items
    todo = [i for aid, i in items.items() if not (done / f"{aid}.sv.npy").exists()]
    for start in range(0, len(todo), 64):
        for item in with_sentence_vectors(todo[start : start + 64]):
            np.save(done / f"{item.article_id}.sv.npy", item.sentence_vectors)
    return {
        aid: replace(i, sentence_vectors=np.load(done / f"{aid}.sv.npy"))
        for aid, i in items.items()
    }


class VectorCache:
    """Sentence vectors of the fuse step, memoised on disk by text (re-scoring in seconds)."""

    def __init__(self) -> None:
        self.path = CACHE / "sentence_vectors.pkl"
        self.vectors: dict[str, object] = (
            pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        )
        self.dirty = False

    def install(self) -> None:
        import numpy as np

        import newsweave.annotate.embed as embed

        original = embed.embed_texts

        def cached(texts: list[str], *args: object, **kwargs: object) -> np.ndarray:
            todo = [t for t in dict.fromkeys(texts) if t not in self.vectors]
            if todo:
                for text, vec in zip(todo, original(todo, *args, **kwargs), strict=True):
                    self.vectors[text] = vec
                self.dirty = True
            return np.stack([self.vectors[t] for t in texts])

        embed.embed_texts = cached  # type: ignore[assignment]

    def save(self) -> None:
        if self.dirty:
            self.path.write_bytes(pickle.dumps(self.vectors))
            self.dirty = False


# --- stories -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchStory:
    key: str  # stable: corpus group + first document id
    corpus: str
    docs: tuple[Doc, ...]

    @property
    def held_out(self) -> bool:
        """One story in four is held out from tuning (by a hash of its key)."""
        return int(hashlib.sha1(self.key.encode()).hexdigest(), 16) % 4 == 0


def group_stories(docs: Sequence[Doc], items: dict[str, AnnotatedArticle]) -> list[BenchStory]:
    """Stories by newsweave's own clustering, one corpus group at a time."""
    from newsweave.cluster import cluster

    by_group: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_group[doc.group].append(doc)
    out: list[BenchStory] = []
    for group, members in by_group.items():
        unique = list({d.article.article_id: d for d in members}.values())
        if len(unique) < 2:
            continue
        by_id = {d.article.article_id: d for d in unique}
        for story in cluster([items[d.article.article_id] for d in unique]):
            chosen = [by_id[a] for a in story.article_ids][:MAX_STORY]
            if len(chosen) < 2 or len({d.article.source for d in chosen}) < 2:
                continue
            key = f"{group}:{chosen[0].doc_id}"
            out.append(BenchStory(key, chosen[0].corpus, tuple(chosen)))
    return out


def group_of(row: dict) -> str:
    return row.get("group") or row["story"][: -len(row["docs"][0]) - 1]


def freeze(stories: Sequence[BenchStory], extend: bool = False) -> None:
    """Write the stories; with ``extend``, keep the frozen ones and add stories only of corpus
    groups that have none yet (the labels of frozen stories stay valid)."""
    LABELS.mkdir(exist_ok=True)
    path = LABELS / "stories.jsonl"
    rows = list(frozen_stories()) if extend and path.exists() else []
    known = {group_of(r) for r in rows}
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        for s in stories:
            group = s.key[: -len(s.docs[0].doc_id) - 1]
            if group in known:
                continue
            row = {
                "story": s.key,
                "group": group,
                "corpus": s.corpus,
                "docs": [d.doc_id for d in s.docs],
                "article_ids": [d.article.article_id for d in s.docs],
            }
            fh.write(json.dumps(row) + "\n")


def frozen_stories() -> Iterator[dict]:
    with (LABELS / "stories.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def load_stories() -> list[BenchStory]:
    """The frozen stories, their documents read again from ../shared/data."""
    rows = list(frozen_stories())
    wanted = {r["corpus"] for r in rows}
    docs: dict[tuple[str, str], Doc] = {}
    readers = {"timeline17": timeline17_every_doc, "ecbplus": ecbplus_docs, "polnear": polnear_docs}
    for corpus in sorted(wanted):
        for doc in readers[corpus]():
            docs[(corpus, doc.doc_id)] = doc
    out: list[BenchStory] = []
    for r in rows:
        members = tuple(docs[(r["corpus"], d)] for d in r["docs"])
        ids = [d.article.article_id for d in members]
        if ids != r["article_ids"]:
            raise SystemExit(
                f"story {r['story']}: the corpus text no longer gives the frozen article ids; "
                "the corpus reader changed (labels point into its text): restore it"
            )
        out.append(BenchStory(r["story"], r["corpus"], members))
    return out
