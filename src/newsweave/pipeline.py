"""The whole path, ingest -> annotate -> cluster -> fuse -> brief, for the CLI, API and tests.

Two ways in: :func:`analyze` works on the given inputs alone and touches no store;
:func:`ingest` adds inputs to a store and re-forms its stories, after which
:func:`stored_brief` gives a story's brief (cached until the story changes).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from newsweave import __version__
from newsweave.annotate.pipeline import CHEAP, DEEP, annotate, deepened, lead_view
from newsweave.brief.build import build_brief
from newsweave.cluster import (
    OnlineClusterer,
    arrival_order,
    known_date,
    open_clusterer,
)
from newsweave.codec import BRIEF_JSON_VERSION, brief_from_dict, brief_to_dict
from newsweave.config import Settings, brief_settings_hash
from newsweave.engines import Engine, LocalEngine
from newsweave.errors import NotFoundError
from newsweave.fuse import fuse
from newsweave.ingest import read_inputs
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Brief,
    Depth,
    IngestOutcome,
    IngestStatus,
    Story,
)
from newsweave.store import Store
from newsweave.store.memory import MemoryStore

logger = logging.getLogger("newsweave.pipeline")

Progress = Callable[[str, int, int | None], None]
"""progress(stage, advanced_by, total_or_None): called as work advances."""


PipelineOptions = Settings
"""The options of the whole path are the settings tree (:mod:`newsweave.config`)."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What became of every input of one run."""

    outcomes: tuple[IngestOutcome, ...]
    stories: int
    failed_briefs: tuple[str, ...] = ()
    """One line per story whose brief could not be built (a bug, logged with its traceback);
    the other stories' briefs are complete."""

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(o.status.value for o in self.outcomes)
        return {s.value: counted.get(s.value, 0) for s in IngestStatus}

    @property
    def annotation_errors(self) -> int:
        """Articles kept with part of their annotations missing: an annotator failed on
        them or they passed a limit (see ``IngestOutcome.annotation_errors``)."""
        return sum(1 for o in self.outcomes if o.annotation_errors)

    def summary_line(self) -> str:
        c = self.counts
        failed = self.annotation_errors
        errors = f" ({failed} annotated only in part)" if failed else ""
        return (
            f"{len(self.outcomes)} inputs: {c['ingested']} ingested{errors}, "
            f"{c['duplicate']} duplicate, {c['rejected']} rejected; {self.stories} stories"
        )


def with_annotation_errors(
    outcomes: Sequence[IngestOutcome], items: Iterable[AnnotatedArticle]
) -> list[IngestOutcome]:
    """``outcomes`` with the annotation errors of the articles in ``items`` attached."""
    failed = {i.article_id: i.errors for i in items if i.errors}
    if not failed:
        return list(outcomes)
    out: list[IngestOutcome] = []
    for outcome in outcomes:
        errors = failed.get(outcome.article.article_id) if outcome.article is not None else None
        if errors and outcome.status == IngestStatus.INGESTED:
            note = "annotated only in part: " + "; ".join(errors)
            reason = f"{outcome.reason}; {note}" if outcome.reason else note
            outcome = replace(outcome, annotation_errors=errors, reason=reason)
        out.append(outcome)
    return out


def _noop(stage: str, advanced: int, total: int | None) -> None:
    return None


def read_articles(
    paths: Iterable[str | Path], options: PipelineOptions, progress: Progress = _noop
) -> tuple[list[Article], list[IngestOutcome]]:
    outcomes: list[IngestOutcome] = []
    articles: list[Article] = []
    for outcome in read_inputs(paths, options.ingest):
        outcomes.append(outcome)
        if outcome.status == IngestStatus.INGESTED and outcome.article is not None:
            articles.append(outcome.article)
        progress("read", 1, None)
    return articles, outcomes


def annotate_articles(
    articles: Sequence[Article], options: PipelineOptions, progress: Progress = _noop
) -> list[AnnotatedArticle]:
    """The cheap pass over ``articles``: what story assignment needs."""
    total = len(articles)
    return annotate(articles, options.annotate, lambda n: progress("annotate", n, total), CHEAP)


def deepen(
    items: Sequence[AnnotatedArticle],
    options: PipelineOptions,
    progress: Progress = _noop,
    engine: Engine | None = None,
    save: Callable[[list[AnnotatedArticle]], None] | None = None,
) -> list[AnnotatedArticle]:
    """``items`` after the deep pass, same order; items already deep are returned as they are.

    ``engine`` runs the pass (default: this process); ``save`` receives each finished chunk
    (the store keeps it, so no article is ever deepened twice).
    """
    todo = [i for i in items if i.depth == Depth.LEAD]
    if not todo:
        return list(items)
    done: dict[str, AnnotatedArticle] = {}
    shallow = {i.article_id: i for i in todo}
    with _engine(engine) as runner:
        for chunk in runner.annotate([i.article for i in todo], options.annotate, DEEP):
            deep = [deepened(shallow[d.article_id], d) for d in chunk]
            if save is not None:
                save(deep)
            done.update((d.article_id, d) for d in deep)
            progress("deep", len(chunk), len(todo))
    return [done.get(i.article_id, i) for i in items]


@contextmanager
def _engine(engine: Engine | None) -> Iterator[Engine]:
    """``engine``, or a local one that this call starts and closes (the caller closes its own)."""
    if engine is not None:
        yield engine
        return
    with LocalEngine() as own:
        yield own


def brief_stories(
    items: Sequence[AnnotatedArticle],
    stories: Sequence[Story],
    options: PipelineOptions,
    progress: Progress = _noop,
) -> list[Brief]:
    by_id = {i.article_id: i for i in items}
    briefs: list[Brief] = []
    for story in stories:
        members = [by_id[a] for a in story.article_ids if a in by_id]
        briefs.append(build_brief(fuse(story, members, options.fuse), options.brief))
        progress("brief", 1, len(stories))
    return briefs


def analyze_with_report(
    paths: Iterable[str | Path],
    options: PipelineOptions | None = None,
    progress: Progress = _noop,
) -> tuple[list[Brief], IngestReport]:
    """Briefs for the stories in ``paths``, and what became of each input.

    The inputs take the path of :func:`ingest` into an in-memory store that is dropped
    afterwards, so briefing a folder gives the stories and briefs that ingesting it into an
    empty store and asking for each story's brief gives. Nothing is written to disk.
    """
    opts = options or PipelineOptions()
    _, outcomes = read_articles(paths, opts, progress)
    with MemoryStore() as store:
        report = ingest_outcomes(outcomes, store, opts, progress)
        stories = store.stories()
        briefs: list[Brief] = []
        failed: list[str] = []
        for story in stories:
            try:
                briefs.append(stored_brief(store, story.story_id, opts))
            except Exception as exc:  # a bug in one story's analysis costs only that story
                logger.exception("the brief of story %s could not be built", story.story_id)
                failed.append(
                    f"story {story.story_id} ({len(story.article_ids)} articles): its brief "
                    f"could not be built ({type(exc).__name__}: {exc}); this is a bug, please "
                    "report it with the inputs"
                )
            progress("brief", 1, len(stories))
    return briefs, replace(report, failed_briefs=tuple(failed))


def analyze(paths: Iterable[str | Path], options: PipelineOptions | None = None) -> list[Brief]:
    """Read ``paths`` (files, folders, globs), group them into stories and brief each story.

    Example:
        >>> briefs = analyze(["examples/"])  # doctest: +SKIP
        >>> briefs[0].headline  # doctest: +SKIP
    """
    return analyze_with_report(paths, options)[0]


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    options: PipelineOptions | None = None,
    progress: Progress = _noop,
    engine: Engine | None = None,
) -> IngestReport:
    """Add ``paths`` to ``store`` (an article already stored is a duplicate) and assign the
    new articles to stories, online: each joins an active story or opens one, in
    :func:`~newsweave.cluster.arrival_order`; stored stories keep their ids.

    Each chunk of articles (``annotate.batch_size``) is stored in one transaction, each
    article whole or not at all, so an interrupted run keeps the chunks it finished and a
    re-run adds only the rest (articles stored but not yet in a story are
    picked up by the next run). ``engine`` runs the annotate stage (default: in this
    process; see :func:`newsweave.engines.get_engine`); the caller closes it.
    """
    opts = options or PipelineOptions()
    _, outcomes = read_articles(paths, opts, progress)
    return ingest_outcomes(outcomes, store, opts, progress, engine)


def ingest_outcomes(
    outcomes: Sequence[IngestOutcome],
    store: Store,
    options: PipelineOptions | None = None,
    progress: Progress = _noop,
    engine: Engine | None = None,
) -> IngestReport:
    """Store the articles of outcomes read elsewhere (the HTTP API, the feed watcher), log
    every outcome and assign the new articles to stories: the second half of :func:`ingest`."""
    opts = options or PipelineOptions()
    fresh: list[Article] = []
    slots: list[int] = []  # where each fresh article's outcome sits in ``final``
    final: list[IngestOutcome] = []
    fresh_ids: dict[str, str] = {}  # article id -> content hash, of this run's fresh articles
    fresh_hashes: dict[str, str] = {}  # and back
    for outcome in outcomes:
        article = outcome.article
        if outcome.status == IngestStatus.INGESTED and article is not None:
            known = store.find_hash(article.content_hash)
            if known is not None:
                outcome = IngestOutcome(
                    outcome.where, IngestStatus.DUPLICATE, None, known, "already in the store"
                )
            else:
                first = fresh_hashes.get(article.content_hash)
                if first is None:  # (a second copy in this run is stored as the first)
                    article = _own_id(store, article, fresh_ids)
                    fresh_ids[article.article_id] = article.content_hash
                    fresh_hashes[article.content_hash] = article.article_id
                elif first != article.article_id:
                    article = replace(article, article_id=first)
                outcome = replace(outcome, article=article)
                slots.append(len(final))
                fresh.append(article)
        final.append(outcome)
    added: list[AnnotatedArticle] = []
    done = 0
    with _engine(engine) as runner:
        for items in runner.annotate(fresh, opts.annotate, CHEAP):
            # One transaction per chunk: a killed run loses at most the chunk in flight.
            for item, stored in zip(items, store.add_many(items), strict=True):
                slot = slots[done]
                done += 1
                if stored:
                    added.append(item)
                    continue
                # Report what the store did, not what this run tried: an article that another
                # ingest (or an earlier input of this one) stored first is a duplicate here.
                final[slot] = IngestOutcome(
                    final[slot].where,
                    IngestStatus.DUPLICATE,
                    None,
                    store.find_hash(item.article.content_hash),
                    "stored meanwhile by another ingest",
                )
            progress("annotate", len(items), len(fresh))
        in_stories = sum(len(story.article_ids) for story in store.stories())
        if store.stateless_stories() or store.article_count() - in_stories > len(added):
            # Stories from before incremental clustering, or articles an interrupted run left
            # outside any story: form them all again, once.
            touched = [s.story_id for s in restory(store, opts)]
        else:
            touched = assign_stories(store, added, opts)
        deep = deepen_stories(store, touched, opts, progress, runner)
    # The log says what became of each input in this run, deep-pass failures included.
    final = with_annotation_errors(final, [*added, *deep])
    for outcome in final:
        store.log_outcome(outcome)
    return IngestReport(tuple(final), int(store.info()["stories"]))


def _id_taken(store: Store, article_id: str) -> bool:
    try:
        store.get(article_id)
    except NotFoundError:
        return False
    return True


def _own_id(store: Store, article: Article, fresh_ids: dict[str, str]) -> Article:
    """``article``, with an id of its own when another text holds its id already.

    An article's id is 64 bits of its content hash: at 10⁹ articles two texts share one with
    a chance of a few percent. The second gets an id derived from its hash and an attempt
    number, never the first one's (which would fail its batch or merge two texts)."""
    attempt = 0
    candidate = article.article_id
    while candidate in fresh_ids or _id_taken(store, candidate):
        attempt += 1
        salted = f"{article.content_hash}\x00{attempt}".encode()
        candidate = hashlib.blake2b(salted, digest_size=8).hexdigest()
    if attempt:
        logger.warning(
            "article id %s is taken by another text (a hash collision: please report it); "
            "the article is stored as %s",
            article.article_id,
            candidate,
        )
        article = replace(article, article_id=candidate)
    return article


def _sources(items: Sequence[AnnotatedArticle]) -> int:
    return len({i.article.source or i.article.url or i.article_id for i in items})


def deepen_stories(
    store: Store,
    story_ids: Sequence[str],
    options: PipelineOptions | None = None,
    progress: Progress = _noop,
    engine: Engine | None = None,
    min_sources: int = 2,
) -> list[AnnotatedArticle]:
    """Run the deep pass on the cheap-only articles of the stories with ``min_sources`` or more
    sources, store the results and date undated articles from their stories; return the
    articles deepened."""
    opts = options or PipelineOptions()
    todo: list[AnnotatedArticle] = []
    deepened_stories: list[str] = []
    for story_id in dict.fromkeys(story_ids):
        members = store.articles(list(store.story(story_id).article_ids))
        shallow = [i for i in members if i.depth == Depth.LEAD]
        if shallow and _sources(members) >= min_sources:
            todo.extend(shallow)
            deepened_stories.append(story_id)
    if not todo:
        return []
    deep = deepen(todo, opts, progress, engine, store.update_annotations)
    _date_from_stories(store, deepened_stories)
    return deep


def assign_stories(
    store: Store, items: Sequence[AnnotatedArticle], options: PipelineOptions | None = None
) -> list[str]:
    """Assign stored ``items`` to the store's stories online and return the touched story ids.

    Loads only the active stories (and their saved ANN index when it matches), writes the
    assignments and merges in order with few transactions, saves the states of the stories
    that changed, and dates the new undated articles from their stories (only stories that
    received one are read back).
    """
    opts = options or PipelineOptions()
    window = timedelta(days=opts.cluster.window_days)
    path = store.story_index_path()
    clusterer = open_clusterer(
        store.active_stories(window),
        opts.cluster,
        path,
        taken=store.story_id_taken,
        closed=lambda: store.closed_stories(window, opts.cluster.closed_candidates),
    )
    pairs: list[tuple[str, str]] = []
    touched: dict[str, None] = {}
    undated: dict[str, None] = {}  # stories that got an article with no stated date
    order = arrival_order(items, opts.cluster)
    for item, assignment in zip(order, clusterer.add_all(order), strict=True):
        if assignment.merged:
            store.assign(pairs)
            pairs = []
            for gone in assignment.merged:
                store.merge_stories(assignment.story_id, gone)
                touched.pop(gone, None)
                if gone in undated:
                    del undated[gone]
                    undated[assignment.story_id] = None
        pairs.append((item.article_id, assignment.story_id))
        touched[assignment.story_id] = None
        if known_date(item) is None:
            undated[assignment.story_id] = None
    store.assign(pairs, clusterer.states(clusterer.changed))
    _report_collisions(clusterer)
    _save_index(clusterer, path)
    _date_from_stories(store, [s for s in undated if s in touched])
    return list(touched)


def _report_collisions(clusterer: OnlineClusterer) -> None:
    for story_id, article_id in clusterer.collisions:
        logger.warning(
            "story id %s was already taken by another story; the story founded by article "
            "%s got a derived id instead (a hash collision: please report it)",
            story_id,
            article_id,
        )


def _save_index(clusterer: OnlineClusterer, path: Path | None) -> None:
    index = clusterer.index
    if path is not None and index is not None:
        try:
            index.save(path)
        except Exception as exc:  # usearch raises RuntimeError; the stories are committed
            logger.warning(
                "could not save the story index cache %s (%s: %s); the stories are stored, "
                "and the next run rebuilds the index from the store",
                path,
                type(exc).__name__,
                exc,
            )


def _date_from_stories(store: Store, story_ids: Sequence[str]) -> None:
    """Infer the publication dates of undated articles from their stories."""
    from newsweave.fuse.dates import infer_dates

    for story_id in story_ids:
        members = store.articles(list(store.story(story_id).article_ids))
        for before, after in zip(members, infer_dates(members), strict=True):
            if after.article.published != before.article.published:
                store.update_article(after.article)


def restory(store: Store, options: PipelineOptions | None = None) -> list[Story]:
    """Form every stored article's story again, online in arrival order, and save the
    stories, their states and the ANN index, with inferred dates."""
    opts = options or PipelineOptions()
    # Stories are formed from the cheap pass's evidence, whatever later passes added.
    items = [lead_view(i) for i in store.articles()]
    before = store.stories()
    clusterer = OnlineClusterer(opts.cluster)
    clusterer.add_all(arrival_order(items, opts.cluster))
    _report_collisions(clusterer)
    stories = clusterer.stories([i.article_id for i in items])
    store.replace_stories(stories)
    store.assign([], clusterer.states(s.story_id for s in stories))
    # Ids handed out before (links, notes, 48-bit ids of older stores) keep working: each
    # old story leads to the new story of its founding article.
    home = {a: s.story_id for s in stories for a in s.article_ids}
    kept = {s.story_id for s in stories}
    store.redirect_stories(
        [
            (old.story_id, home[old.article_ids[0]])
            for old in before
            if old.story_id not in kept and old.article_ids and old.article_ids[0] in home
        ]
    )
    _save_index(clusterer, store.story_index_path())
    _date_from_stories(store, [s.story_id for s in stories])
    return stories


def story_fingerprint(items: Sequence[AnnotatedArticle], settings: Settings | None = None) -> str:
    """The brief cache key of a story: the code version, the settings that shape a brief and
    each member's content and date."""
    shaping = brief_settings_hash(settings or Settings())
    # The JSON version too: a cached brief must have today's shape (citations with text).
    digest = hashlib.sha256(f"newsweave {__version__} json {BRIEF_JSON_VERSION} {shaping}".encode())
    for item in items:
        digest.update(item.article.content_hash.encode())
        published = item.article.published.isoformat() if item.article.published else "-"
        digest.update(published.encode())
    return digest.hexdigest()[:32]


def stored_brief(store: Store, story_id: str, options: PipelineOptions | None = None) -> Brief:
    """The brief of a stored story, from the cache when its articles have not changed."""
    opts = options or PipelineOptions()
    story = store.story(story_id)
    items = store.articles(list(story.article_ids))
    # The brief asks for the deep pass of any member that has only the cheap one (once: the
    # store keeps it).
    items = deepen(items, opts, save=store.update_annotations)
    fingerprint = story_fingerprint(items, opts)
    texts = {i.article_id: i.article.text for i in items}
    cached = store.cached_brief(story_id, fingerprint)
    if cached is not None:
        brief = brief_from_dict(cached)
        from dataclasses import replace

        return replace(brief, texts=texts)
    brief = build_brief(fuse(story, items, opts.fuse), opts.brief)
    store.save_brief(story_id, fingerprint, brief_to_dict(brief))
    return brief
