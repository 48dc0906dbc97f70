"""The command line: each command parses its options and calls one library function.

Everything past click is imported inside the commands, so ``newsweave --help`` (and a usage
error) answers at once instead of loading spaCy, torch and the store first.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsweave import __version__
from newsweave.errors import NewsweaveError
from newsweave.terminal import printable

if TYPE_CHECKING:
    from newsweave.config import Settings
    from newsweave.model import Brief, IngestOutcome
    from newsweave.pipeline import IngestReport, Progress
    from newsweave.store import Store

FORMATS = ("md", "json", "html")


class _Bars:
    """Progress bars on a terminal (stderr), silence when piped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, advanced: int, total: int | None) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=stage, unit="art", file=sys.stderr, leave=False)
            self._bars[stage] = bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(advanced)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


@contextmanager
def _progress() -> Iterator[Progress]:
    bars = _Bars(sys.stderr.isatty())
    try:
        yield bars
    finally:
        bars.close()


@contextmanager
def _errors() -> Iterator[None]:
    """Our errors print 'Error: …' and exit 1, without a traceback."""
    try:
        yield
    except NewsweaveError as exc:
        raise click.ClickException(str(exc)) from exc


def _render(briefs: Sequence[Brief], fmt: str) -> str:
    if fmt == "json":
        from newsweave.codec import brief_to_dict

        payload = {"briefs": [brief_to_dict(b) for b in briefs]}
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from newsweave.brief.render_html import render_html

        return render_html(briefs)
    from newsweave.brief.render_md import render_markdown

    return render_markdown(briefs)


def _check_output(output: Path | None) -> None:
    """Refuse an ``-o`` path that cannot be written before any work is done."""
    if output is None:
        return
    target = output.expanduser()
    folder = target.parent
    problem = None
    if target.is_dir():
        problem = "it is a folder; give a file name"
    elif not folder.is_dir():
        problem = f"the folder {folder} does not exist; create it or choose another path"
    elif target.exists() and not os.access(target, os.W_OK):
        problem = "the file is not writable; fix its permissions or choose another path"
    elif not target.exists() and not os.access(folder, os.W_OK):
        problem = f"the folder {folder} is not writable; choose another path"
    if problem:
        raise click.BadParameter(f"cannot write {output}: {problem}", param_hint="'-o'")


def _open_existing(db: Path | None) -> Store:
    """The store for a command that only reads: never created by reading it."""
    from newsweave.store import open_store

    return open_store(db, create=False)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output}", err=True)


def _report_problems(outcomes: Sequence[IngestOutcome]) -> None:
    from newsweave.model import IngestStatus

    for outcome in outcomes:
        if outcome.status == IngestStatus.REJECTED:
            click.echo(printable(f"rejected: {outcome.where}: {outcome.reason}"), err=True)
        elif outcome.status == IngestStatus.INGESTED and outcome.reason:
            # kept, with a note: a placeholder date, or an annotator that failed on it
            click.echo(printable(f"note: {outcome.where}: {outcome.reason}"), err=True)


def _db_option(f: Any) -> Any:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="NEWSWEAVE_DB",
        help="SQLite store to use (default: see 'newsweave info'; env NEWSWEAVE_DB).",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML settings file (default: newsweave.toml beside the store, if present).",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change one setting, e.g. --set fuse.align.link=0.5 (see 'newsweave config').",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, overrides: tuple[str, ...]) -> None:
    """newsweave: many news reports in, one cited account out."""
    ctx.obj = _SettingsSource(config_path, overrides)


@dataclass(frozen=True, slots=True)
class _SettingsSource:
    """Where the settings come from; read by each command once it knows its store."""

    config: Path | None
    overrides: tuple[str, ...]

    def load(self, db: Path | None) -> Settings:
        from newsweave.config import load_settings
        from newsweave.store import store_location

        location = db if db is not None else store_location()
        with _errors():
            return load_settings(self.config, location.parent, self.overrides)


def _settings(db: Path | None) -> Settings:
    source = click.get_current_context().find_object(_SettingsSource)
    return (source or _SettingsSource(None, ())).load(db)


@main.command()
@click.argument("paths", nargs=-1, type=str)
@click.option("--story", "story_id", help="Brief of a stored story (see 'newsweave stories').")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Markdown for the terminal, JSON (stable schema) or a self-contained HTML page.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@_db_option
def brief(
    paths: tuple[str, ...], story_id: str | None, fmt: str, output: Path | None, db: Path | None
) -> None:
    """Group PATHS (files, folders, globs) into stories and print one brief per story.

    Only the given inputs are analysed; the store is not touched. With --story, print the brief
    of a story already in the store instead.
    """
    if bool(paths) == bool(story_id):
        raise click.UsageError("give either PATHS to analyse or --story ID, not both or neither")
    _check_output(output)
    settings = _settings(db)
    from newsweave.pipeline import analyze_with_report, stored_brief

    with _errors(), _progress() as progress:
        if story_id:
            store = _open_existing(db)
            try:
                briefs = [stored_brief(store, story_id, settings)]
            finally:
                store.close()
        else:
            briefs, report = analyze_with_report(paths, settings, progress=progress)
            _report_problems(report.outcomes)
            for line in report.failed_briefs:
                click.echo(printable(f"error: {line}"), err=True)
            click.echo(report.summary_line(), err=True)
            if not briefs:
                raise click.ClickException("no article could be read from the given paths")
        _write(_render(briefs, fmt), output)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=str)
@_db_option
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    help="Where annotation runs: this process (default), or a Dask cluster "
    "(pip install 'newsweave[dask]'); setting engine.kind.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler address (tcp://host:8786); without it a local cluster is started.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Local Dask cluster: worker processes (default: CPU count). Local engine: spaCy "
    "processes.",
)
def ingest(
    paths: tuple[str, ...],
    db: Path | None,
    engine: str | None,
    scheduler: str | None,
    workers: int | None,
) -> None:
    """Add PATHS (files, folders, globs, WARC/ARC archives) to the store and update its stories.

    Re-ingesting the same inputs adds nothing. Prints one line per rejected input and a summary;
    exits non-zero only when nothing could be read.
    """
    from newsweave.engines import get_engine
    from newsweave.pipeline import ingest as run_ingest
    from newsweave.store import open_store

    settings = _settings(db)
    chosen = settings.engine
    with _errors(), _progress() as progress:
        store = open_store(db)
        try:
            with get_engine(
                engine or chosen.kind,
                scheduler or chosen.scheduler or None,
                workers or chosen.workers or None,
            ) as runner:
                report: IngestReport = run_ingest(
                    paths, store, settings, progress=progress, engine=runner
                )
        finally:
            store.close()
    _report_problems(report.outcomes)
    click.echo(report.summary_line())
    counts = report.counts
    if counts["ingested"] == 0 and counts["duplicate"] == 0:
        raise click.ClickException("nothing could be read; see the reasons above")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table for people, JSON for programs.",
)
@_db_option
def stories(fmt: str, db: Path | None) -> None:
    """List the stored stories: id, headline, article count, sources and time span.

    The JSON rows are those of GET /api/stories (lede, independent sources and discrepancies
    are filled in once a story's brief has been built).
    """
    from newsweave.storylist import StoryIndex

    settings = _settings(db)
    with _errors():
        store = _open_existing(db)
        try:
            rows = StoryIndex(store, settings).entries()
        finally:
            store.close()
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no stories yet; add articles with 'newsweave ingest PATH'")
        return
    for r in rows:
        span = "date unknown"
        if r.first and r.last:
            span = r.first.date().isoformat()
            if r.last.date() != r.first.date():
                span += f"..{r.last.date().isoformat()}"
        sources = ", ".join(r.sources[:4]) + (" …" if len(r.sources) > 4 else "")
        count = len(r.article_ids)
        # Headlines and sources (file names, feed titles) come from the input: escaped.
        click.echo(printable(f"{r.story_id}  {count:>3} art  {span:<22}  {r.headline[:70]}"))
        click.echo(printable(f"{'':{len(r.story_id)}}  sources: {sources}"))


@main.command()
@_db_option
def info(db: Path | None) -> None:
    """Show the version, the store's location and what it holds."""
    with _errors():
        store = _open_existing(db)
        try:
            details = store.info()
        finally:
            store.close()
    click.echo(f"newsweave {__version__}")
    for key, value in details.items():
        click.echo(f"{key}: {value}")


@main.command()
@click.option("--host", help="Address to listen on (setting serve.host, 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port to listen on (setting serve.port, 8000)."
)
@click.option(
    "--open-reads",
    is_flag=True,
    default=None,
    help="Let clients on other machines read without the token (loopback always can).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    default=None,
    help="Let submitted URLs point to private, loopback or link-local addresses.",
)
@click.option(
    "--max-body",
    type=click.IntRange(1_000),
    help="Largest request body in bytes (setting serve.max_body, 2000000).",
)
@click.option(
    "--brief-wait",
    type=click.FloatRange(0, 600),
    default=10.0,
    show_default=True,
    help="Seconds a request waits for a brief being built before it gets 202 and progress.",
)
@click.option(
    "--brief-deadline",
    type=click.FloatRange(0.01),
    default=120.0,
    show_default=True,
    help="Seconds a brief build may run before it is stopped (503 until retried later).",
)
@_db_option
def serve(
    host: str | None,
    port: int | None,
    open_reads: bool | None,
    allow_private: bool | None,
    max_body: int | None,
    brief_wait: float,
    brief_deadline: float,
    db: Path | None,
) -> None:
    """Serve the HTTP API and the web page on the store until Ctrl-C.

    Open http://HOST:PORT/ in a browser; the API is described at /docs (OpenAPI at
    /openapi.json). Submitting articles needs NEWSWEAVE_TOKEN set (sent as a Bearer token).
    """
    with _errors():
        from newsweave.api import ApiConfig
        from newsweave.api import serve as run_server
        from newsweave.api.builds import BuildLimits

        settings = _settings(db)
        chosen = settings.serve
        host = host or chosen.host
        port = chosen.port if port is None else port
        config = ApiConfig(
            db=db,
            settings=settings,
            open_reads=chosen.open_reads if open_reads is None else open_reads,
            max_body=max_body or chosen.max_body,
            allow_private=chosen.allow_private if allow_private is None else allow_private,
            builds=BuildLimits(wait_s=brief_wait, deadline_s=brief_deadline),
        )
        click.echo(f"newsweave {__version__}: serving http://{host}:{port}/ (Ctrl-C stops)")
        run_server(host, port, config)


@main.command()
@click.argument("feeds", nargs=-1, required=True, metavar="FEED_URL...")
@click.option("--every", help="Time between polls: 30s, 5m, 1h, ... (setting watch.every, 5m).")
@click.option("--once", is_flag=True, help="Poll each feed once and exit.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Fetch from private, loopback or link-local addresses (your own network).",
)
@_db_option
def watch(
    feeds: tuple[str, ...], every: str | None, once: bool, allow_private: bool, db: Path | None
) -> None:
    """Poll RSS/Atom FEED_URLs, ingest new entries and update the stories, until Ctrl-C.

    An entry with only a link is read from its page. What was seen (entry ids, ETag and
    Last-Modified) is kept in the store, so a restart does not ingest anything twice. A feed
    that cannot be fetched is reported and retried with exponential backoff.
    """
    from dataclasses import replace

    from newsweave.store import open_store
    from newsweave.watch import WatchOptions, parse_interval
    from newsweave.watch import watch as run_watch

    settings = _settings(db)
    with _errors():
        fetch = settings.fetch
        if allow_private:
            fetch = replace(fetch, allow_private=True)
        options = WatchOptions(
            every=parse_interval(every) if every else settings.watch.every,
            once=once,
            retry_base=settings.watch.retry_base,
            max_backoff=settings.watch.max_backoff,
            parallel=settings.watch.parallel,
            fetch=fetch,
            pipeline=settings,
        )
        store = open_store(db)
        try:
            failures = run_watch(list(feeds), store, options)
        finally:
            store.close()
    if once and all(failures.values()):
        raise click.ClickException("no feed could be fetched; see the reasons above")


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of 'newsweave brief --format json' (also in the HTTP API's OpenAPI
    document at /openapi.json)."""
    from newsweave.brief.schema import brief_json_schema

    click.echo(json.dumps(brief_json_schema(), indent=2))


@main.command("config")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["toml", "json"]),
    default="toml",
    show_default=True,
    help="TOML (a file 'newsweave --config' reads back) or JSON.",
)
@_db_option
def config_command(fmt: str, db: Path | None) -> None:
    """Print the effective settings: defaults < TOML file < NEWSWEAVE_<SECTION>__<KEY> < --set.

    Every key printed can be changed in newsweave.toml beside the store, with --config FILE,
    in the environment, or with --set KEY=VALUE.
    """
    from newsweave.config import settings_to_dict, settings_to_toml

    settings = _settings(db)
    if fmt == "json":
        click.echo(json.dumps(settings_to_dict(settings), indent=2))
    else:
        click.echo(settings_to_toml(settings), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
