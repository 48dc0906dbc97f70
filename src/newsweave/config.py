"""One settings tree for every stage, and where its values come from.

Each stage keeps its own frozen options object (``ClusterOptions``, ``AlignOptions``, …);
:class:`Settings` holds one of each under a dotted name (``cluster.threshold``,
``fuse.align.link``). Values are layered, later ones winning:

1. the defaults written in the options classes;
2. a TOML file: ``--config FILE``, else ``newsweave.toml`` beside the store;
3. environment variables ``NEWSWEAVE_<SECTION>__<KEY>`` (``NEWSWEAVE_BRIEF__MAX_SUMMARY=4``);
4. ``--set key=value`` on the command line (``--set fuse.align.link=0.5``).

Every value is checked against the type of its default, and each options class checks its
own ranges, so a bad value is refused with its key, its origin and what would be valid.
``newsweave config`` prints the effective tree.

Example:
    >>> settings = load_settings(overrides=["brief.max_summary=4"])
    >>> settings.brief.max_summary
    4
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tomllib
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from newsweave.annotate.pipeline import AnnotateOptions
from newsweave.brief.build import BriefOptions
from newsweave.cluster.evidence import ClusterOptions
from newsweave.errors import OptionError
from newsweave.fetch import FetchOptions
from newsweave.fuse import FuseOptions
from newsweave.ingest import IngestOptions

__all__ = [
    "CONFIG_NAME",
    "EngineSettings",
    "FuseOptions",
    "ServeSettings",
    "Settings",
    "WatchSettings",
    "brief_settings_hash",
    "load_settings",
    "settings_to_dict",
    "settings_to_toml",
]

CONFIG_NAME = "newsweave.toml"
"""The settings file read from the store's folder when no ``--config`` is given."""

MAX_PARALLEL_FEEDS = 32
"""The most feeds ``watch`` fetches at once: each is a thread and an open connection."""

ENV_PREFIX = "NEWSWEAVE_"
ENV_SEPARATOR = "__"


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """Args:
    every: seconds between polls of a healthy feed.
    retry_base: the first retry delay after a failure; it doubles per failure in a row...
    max_backoff: ...up to this many seconds.
    parallel: feeds fetched at once (never two requests at once to one host).
    """

    every: float = 300.0
    retry_base: float = 60.0
    max_backoff: float = 3600.0
    parallel: int = 4

    def __post_init__(self) -> None:
        for name in ("every", "retry_base", "max_backoff"):
            if getattr(self, name) <= 0:
                raise OptionError(
                    f"The 'watch.{name}' setting must be a positive number of seconds; "
                    f"got {getattr(self, name)}."
                )
        if not 1 <= self.parallel <= MAX_PARALLEL_FEEDS:
            raise OptionError(
                f"The 'watch.parallel' setting (feeds fetched at once) must be a whole number "
                f"from 1 to {MAX_PARALLEL_FEEDS}; got {self.parallel}."
            )


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """Args:
    host: address the HTTP server listens on.
    port: its port (0 picks a free one).
    open_reads: let clients on other machines read without the token.
    allow_private: let submitted URLs point to private, loopback or link-local addresses.
    max_body: largest request body in bytes.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    open_reads: bool = False
    allow_private: bool = False
    max_body: int = 2_000_000

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise OptionError(f"The 'serve.port' setting must be in 0..65535; got {self.port}.")
        if self.max_body < 1_000:
            raise OptionError(
                f"The 'serve.max_body' setting must be at least 1000 bytes; got {self.max_body}."
            )


ENGINES = ("local", "dask")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Args:
    kind: where annotation runs: ``local`` (this process) or ``dask``.
    scheduler: Dask scheduler address (``tcp://host:8786``); empty starts a local cluster.
    workers: worker processes (Dask) or spaCy processes (local); 0 chooses for you.
    """

    kind: str = "local"
    scheduler: str = ""
    workers: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise OptionError(
                f"The 'engine.kind' setting must be one of {', '.join(ENGINES)}; got {self.kind!r}."
            )
        if self.workers < 0:
            raise OptionError(
                f"The 'engine.workers' setting must be 0 or more; got {self.workers}."
            )


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of newsweave, one section per stage (see the module docstring)."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    annotate: AnnotateOptions = field(default_factory=AnnotateOptions)
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    fuse: FuseOptions = field(default_factory=FuseOptions)
    brief: BriefOptions = field(default_factory=BriefOptions)
    fetch: FetchOptions = field(default_factory=FetchOptions)
    watch: WatchSettings = field(default_factory=WatchSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    engine: EngineSettings = field(default_factory=EngineSettings)


T = TypeVar("T")


def _keys(obj: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(obj)]


def _coerce(current: Any, value: Any, key: str, origin: str) -> Any:
    """``value`` as the type of ``current`` (the default's type), or an OptionError."""

    def refuse(kind: str) -> OptionError:
        return OptionError(f"The {key!r} setting ({origin}) must be {kind}; got {value!r}.")

    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
        raise refuse("true or false")
    if isinstance(current, int):
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise refuse("a whole number, 0 or more")
            return value
        raise refuse("a whole number")
    if isinstance(current, float):
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if not math.isfinite(number) or number < 0:
                raise refuse("a finite number, 0 or more")
            return number
        raise refuse("a number")
    if isinstance(current, str):
        if isinstance(value, str):
            return value
        raise refuse("a string")
    if isinstance(current, tuple):
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise refuse("a list of strings")
    raise refuse(f"a {type(current).__name__}")  # pragma: no cover - no such setting today


def _apply(obj: T, path: list[str], value: Any, prefix: str, origin: str) -> T:
    """``obj`` with the setting at ``path`` replaced; every level and value checked."""
    name, rest = path[0], path[1:]
    key = f"{prefix}{name}"
    valid = _keys(obj)
    if name not in valid:
        where = f"under {prefix[:-1]!r}" if prefix else "at the top level"
        raise OptionError(
            f"Unknown setting {key!r} ({origin}); valid keys {where}: {', '.join(valid)}."
        )
    current = getattr(obj, name)
    if current is None:  # an optional limit that is off by default: coerce as its declared type
        current = _zero_of(type(obj), name)
    if dataclasses.is_dataclass(current):
        if not rest:
            raise OptionError(
                f"{key!r} ({origin}) is a section, not a value; its keys: "
                f"{', '.join(_keys(current))}."
            )
        new = _apply(current, rest, value, f"{key}.", origin)
    else:
        if rest:
            raise OptionError(f"{key!r} ({origin}) is a value and has no key {rest[0]!r}.")
        new = _coerce(current, value, key, origin)
    try:
        return dataclasses.replace(obj, **{name: new})  # type: ignore[type-var]
    except OptionError as exc:
        if origin in str(exc):
            raise  # a nested section already said where
        raise OptionError(f"{key} ({origin}): {exc}") from exc


def _zero_of(cls: type, name: str) -> Any:
    """A value of the declared type of an optional field (``int | None`` gives 0)."""
    hint = typing.get_type_hints(cls)[name]
    for arg in typing.get_args(hint) or (hint,):
        if arg in (bool, int, float, str):
            return arg()
    raise OptionError(f"The {name!r} setting cannot be set from a file or the command line.")


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _parse_value(text: str) -> Any:
    """A ``--set`` or environment value read as TOML (``0.5``, ``true``, ``["a"]``), else as a
    bare string (``kind=dask``)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def read_toml(path: Path) -> dict[str, Any]:
    """The settings table of a TOML file, or an OptionError that says where it is broken."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise OptionError(f"settings file {path} does not exist; check the --config path") from exc
    except OSError as exc:
        raise OptionError(f"cannot read the settings file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"the settings file {path} is not valid TOML: {exc}") from exc


def env_overrides(environ: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(key, raw value, variable) for every ``NEWSWEAVE_<SECTION>__<KEY>`` variable."""
    found: list[tuple[str, str, str]] = []
    for variable in sorted(environ):
        if not variable.startswith(ENV_PREFIX) or ENV_SEPARATOR not in variable:
            continue
        key = variable[len(ENV_PREFIX) :].lower().replace(ENV_SEPARATOR, ".")
        found.append((key, environ[variable], variable))
    return found


def load_settings(
    config: Path | None = None,
    store_dir: Path | None = None,
    overrides: Iterable[str] = (),
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The effective settings: defaults < TOML file < environment < ``overrides``.

    Args:
        config: a TOML file to read (it must exist); without it ``newsweave.toml`` in
            ``store_dir`` is read when present.
        store_dir: the folder of the store in use.
        overrides: ``key=value`` strings, as given to ``--set``.
        environ: the environment to read (default: ``os.environ``).

    Raises:
        OptionError: an unknown key, a value of the wrong type or out of range, an unreadable
            or invalid file; the message names the key and where it came from.
    """
    settings = Settings()
    path = config
    if path is None and store_dir is not None and (store_dir / CONFIG_NAME).is_file():
        path = store_dir / CONFIG_NAME
    if path is not None:
        for key, value in _flatten(read_toml(path)):
            settings = _apply(settings, key.split("."), value, "", f"in {path}")
    for key, raw, variable in env_overrides(os.environ if environ is None else environ):
        settings = _apply(settings, key.split("."), _parse_value(raw), "", f"from ${variable}")
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise OptionError(
                f"--set takes KEY=VALUE (e.g. --set brief.max_summary=4); got {item!r}."
            )
        settings = _apply(
            settings, key.strip().split("."), _parse_value(raw.strip()), "", f"from --set {item}"
        )
    return settings


def settings_to_dict(obj: Any) -> dict[str, Any]:
    """A settings tree (or one section) as plain nested dicts of TOML values."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None:
            continue  # an optional limit left off: TOML has no null, absent means off
        if dataclasses.is_dataclass(value):
            out[f.name] = settings_to_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def settings_to_toml(settings: Settings) -> str:
    """The settings tree as a TOML document that :func:`load_settings` reads back."""
    import tomli_w

    return tomli_w.dumps(settings_to_dict(settings))


def brief_settings_hash(settings: Settings) -> str:
    """A short hash of the settings that shape a brief (fuse and brief): part of the brief
    cache key, so a brief built with other settings is never served from the cache."""
    shaping = {"fuse": settings_to_dict(settings.fuse), "brief": settings_to_dict(settings.brief)}
    text = json.dumps(shaping, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
