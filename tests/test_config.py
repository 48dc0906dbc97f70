"""The settings tree: layers (defaults < TOML < environment < --set), checks, and its effect on
the brief and the brief cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main
from newsweave.config import (
    Settings,
    brief_settings_hash,
    load_settings,
    settings_to_toml,
)
from newsweave.errors import OptionError

from .conftest import EXAMPLES


def test_layers_later_wins(tmp_path: Path) -> None:
    toml = tmp_path / "settings.toml"
    toml.write_text("[brief]\nmax_facts = 5\nmax_summary = 6\n[fuse.align]\nlink = 0.5\n")
    env = {"NEWSWEAVE_BRIEF__MAX_SUMMARY": "4", "NEWSWEAVE_DB": "/not/a/setting"}
    settings = load_settings(toml, None, ["brief.max_summary=2"], environ=env)
    assert settings.brief.max_facts == 5  # from the file
    assert settings.fuse.align.link == 0.5  # from the file, a nested section
    assert settings.brief.max_summary == 2  # --set beats the environment and the file
    assert load_settings(toml, None, [], environ=env).brief.max_summary == 4
    assert load_settings(None, None, [], environ={}) == Settings()


def test_a_file_beside_the_store_is_read(tmp_path: Path) -> None:
    (tmp_path / "newsweave.toml").write_text("[cluster]\nthreshold = 0.6\n")
    assert load_settings(None, tmp_path, [], environ={}).cluster.threshold == 0.6
    assert load_settings(None, tmp_path / "elsewhere", [], environ={}) == Settings()


def test_an_optional_limit_can_be_set() -> None:
    assert Settings().fuse.timeline.max_days is None
    assert load_settings(None, None, ["fuse.timeline.max_days=12"], {}).fuse.timeline.max_days == 12
    with pytest.raises(OptionError, match="must be a whole number"):
        load_settings(None, None, ["fuse.timeline.max_days=soon"], {})


def test_printed_settings_read_back(tmp_path: Path) -> None:
    changed = load_settings(None, None, ["fuse.timeline.max_entries=7", "engine.kind=dask"], {})
    path = tmp_path / "out.toml"
    path.write_text(settings_to_toml(changed))
    assert load_settings(path, None, [], environ={}) == changed


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("fuse.align.lnk=0.3", "valid keys under 'fuse.align': link, fuzzy_link"),
        ("colour=blue", "Unknown setting 'colour'"),
        ("brief.max_summary=many", "'brief.max_summary' setting (from --set"),
        ("brief.max_summary=2.5", "must be a whole number"),
        ("cluster.threshold=1.5", "must be a number in [0, 1]; got 1.5"),
        ("cluster.threshold=nan", "must be a finite number"),
        ("fuse=1", "is a section, not a value"),
        ("brief.max_facts.x=1", "is a value and has no key 'x'"),
        ("engine.kind=spark", "must be one of local, dask"),
        ("serve.port=70000", "must be in 0..65535"),
        ("no-equals-sign", "--set takes KEY=VALUE"),
    ],
)
def test_bad_settings_say_what_and_where(override: str, message: str) -> None:
    with pytest.raises(OptionError) as caught:
        load_settings(None, None, [override], environ={})
    assert message in str(caught.value)


def test_bad_files_say_where(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[brief\nmax_facts = 1\n")
    with pytest.raises(OptionError, match="is not valid TOML"):
        load_settings(broken, None, [], environ={})
    with pytest.raises(OptionError, match="does not exist"):
        load_settings(tmp_path / "missing.toml", None, [], environ={})
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[fetch]\ncontent_types = "text/html"\n')
    with pytest.raises(OptionError, match=r"fetch.content_types.*in .*wrong.toml"):
        load_settings(wrong, None, [], environ={})


def test_the_cache_key_follows_the_settings_that_shape_a_brief() -> None:
    base = Settings()
    assert brief_settings_hash(base) == brief_settings_hash(Settings())
    shaping = load_settings(None, None, ["fuse.discrepancies.tolerance=0.05"], {})
    assert brief_settings_hash(shaping) != brief_settings_hash(base)
    other = load_settings(None, None, ["cluster.threshold=0.6", "serve.port=9000"], {})
    assert brief_settings_hash(other) == brief_settings_hash(base)


def test_config_command_shows_every_layer(tmp_path: Path) -> None:
    db = tmp_path / "store" / "news.sqlite"
    db.parent.mkdir()
    (db.parent / "newsweave.toml").write_text("[brief]\nmax_facts = 3\n")
    result = CliRunner().invoke(
        main,
        ["--set", "fuse.timeline.max_per_day=1", "config", "--db", str(db), "--format", "json"],
        env={"NEWSWEAVE_CLUSTER__WINDOW_DAYS": "3"},
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["brief"]["max_facts"] == 3
    assert shown["fuse"]["timeline"]["max_per_day"] == 1
    assert shown["cluster"]["window_days"] == 3.0
    assert not db.exists()  # printing settings creates no store
    bad = CliRunner().invoke(main, ["--set", "brief.nope=1", "config", "--db", str(db)])
    assert bad.exit_code == 1 and "Error: Unknown setting 'brief.nope'" in bad.output


@pytest.mark.slow
def test_a_setting_changes_the_brief_and_invalidates_the_cache(
    tmp_path: Path,
    nlp: object,
    embedder: object,
) -> None:
    db = tmp_path / "news.sqlite"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--db", str(db), str(EXAMPLES)]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["stories", "--db", str(db), "--format", "json"]).output)
    story_id = max(rows, key=lambda r: r["articles"])["story_id"]

    def facts(*args: str) -> int:
        result = runner.invoke(
            main, [*args, "brief", "--db", str(db), "--story", story_id, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        return len(json.loads(result.output)["briefs"][0]["facts"])

    default = facts()
    assert default > 2
    two = ("--set", "brief.max_facts=2", "--set", "brief.max_single_source=0")
    assert facts(*two) == 2  # not the cached default brief
    (tmp_path / "limit.toml").write_text("[brief]\nmax_facts = 1\nmax_single_source = 0\n")
    assert facts("--config", str(tmp_path / "limit.toml")) == 1
    assert facts() == default  # the default brief again, from the cache
