"""The command line, run in-process (models stay loaded) and once as a real program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import main

from .conftest import EXAMPLES, REPO


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, nlp: object, embedder: object) -> Path:
    path = tmp_path_factory.mktemp("store") / "news.sqlite"
    result = CliRunner().invoke(main, ["ingest", "--db", str(path), str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "13 inputs: 11 ingested, 0 duplicate, 2 rejected; 2 stories"
    )
    return path


def test_reingest_adds_nothing(db: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert "11 duplicate" in result.output and "0 ingested" in result.output


def test_stories_lists_both_stories(db: Path) -> None:
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert sorted(r["articles"] for r in rows) == [1, 10]
    strike = max(rows, key=lambda r: r["articles"])
    assert strike["first"].startswith("2026-03-1") and strike["last"].startswith("2026-03-14")
    assert "Estoria Press Agency" in strike["sources"]
    table = CliRunner().invoke(main, ["stories", "--db", str(db)])
    assert strike["story_id"] in table.output


def test_brief_of_a_stored_story(db: Path) -> None:
    rows = json.loads(
        CliRunner().invoke(main, ["stories", "--db", str(db), "--format", "json"]).output
    )
    story_id = max(rows, key=lambda r: r["articles"])["story_id"]
    for _ in range(2):  # the second call is served from the brief cache
        result = CliRunner().invoke(
            main, ["brief", "--db", str(db), "--story", story_id, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        brief = json.loads(result.output)["briefs"][0]
        assert brief["story_id"] == story_id
        assert len(brief["articles"]) == 10
        assert set(brief) >= {
            "headline",
            "summary",
            "facts",
            "entities",
            "quotes",
            "timeline",
            "discrepancies",
            "articles",
        }


def test_unknown_story_is_a_clear_error(db: Path) -> None:
    result = CliRunner().invoke(main, ["brief", "--db", str(db), "--story", "s-nope"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "newsweave stories" in result.output
    assert "Traceback" not in result.output


def test_brief_writes_html(tmp_path: Path, nlp: object, embedder: object) -> None:
    out = tmp_path / "brief.html"
    text = EXAMPLES / "text" / "courier-crane-inquiry.txt"
    result = CliRunner().invoke(main, ["brief", str(text), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Crane collapse inquiry" in page


def test_ingest_of_nothing_readable_fails(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "junk.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "s.sqlite"), str(tmp_path)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "junk.txt" in result.output
    assert "0 ingested" in result.output


def test_brief_needs_paths_or_story() -> None:
    result = CliRunner().invoke(main, ["brief"])
    assert result.exit_code == 2
    assert "either PATHS" in result.output


def test_info_shows_the_store(db: Path) -> None:
    result = CliRunner().invoke(main, ["info", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert str(db) in result.output and "articles: 11" in result.output


def test_db_from_environment(db: Path) -> None:
    result = CliRunner().invoke(main, ["info"], env={"NEWSWEAVE_DB": str(db)})
    assert result.exit_code == 0 and str(db) in result.output


@pytest.mark.parametrize(
    "args", [["info"], ["stories"], ["stories", "--format", "json"], ["brief", "--story", "s-1"]]
)
def test_read_only_commands_never_create_a_store(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "no" / "such" / "dir" / "x.sqlite"
    result = CliRunner().invoke(main, [*args, "--db", str(path)])
    assert result.exit_code == 1
    assert f"no store at {path}" in result.output and "newsweave ingest" in result.output
    assert not (tmp_path / "no").exists()


def test_read_only_commands_on_the_default_store_create_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSWEAVE_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    result = CliRunner().invoke(main, ["info"])
    assert result.exit_code == 1 and "no store at" in result.output
    assert not (tmp_path / "xdg").exists()


@pytest.mark.parametrize(
    ("target", "problem"),
    [("missing/out.md", "does not exist"), (".", "is a directory")],
)
def test_bad_output_path_is_refused_before_any_work(
    tmp_path: Path, target: str, problem: str
) -> None:
    # A corpus that would take a while to analyse: the refusal must come first and fast.
    result = CliRunner().invoke(main, ["brief", str(EXAMPLES), "-o", str(tmp_path / target)])
    assert result.exit_code == 2
    assert "Invalid value for '-o'" in result.output and problem in result.output, result.output
    assert "inputs:" not in result.output  # no analysis ran


def test_the_tests_never_see_the_users_home() -> None:
    home = Path(os.environ["HOME"])
    assert home != Path(os.path.expanduser("~" + os.environ.get("USER", "root")))
    assert "pytest" in str(home) or "tmp" in str(home)
    assert Path(os.environ["NEWSWEAVE_DB"]).is_relative_to(Path(home).parents[1])


def test_every_command_has_help_and_is_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help, f"command {name} has no help text"
        assert f"newsweave {name}" in readme, f"README does not mention 'newsweave {name}'"


def test_the_installed_program_runs() -> None:
    exe = Path(sys.executable).with_name("newsweave")
    result = subprocess.run(
        [str(exe), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert result.returncode == 0
    for name in ("brief", "ingest", "stories", "info"):
        assert name in result.stdout


def test_help_loads_no_model_library() -> None:
    # What --help imports decides how fast it answers (the models' libraries take seconds).
    code = (
        "import sys; from newsweave.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'torch', 'numpy', 'sentence_transformers', 'sqlite3')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout


def test_schema_describes_the_brief_json(db: Path) -> None:
    from newsweave.brief.schema import BriefsOut

    shown = CliRunner().invoke(main, ["schema"])
    assert shown.exit_code == 0, shown.output
    schema = json.loads(shown.output)
    assert schema["properties"]["briefs"]["type"] == "array"
    assert "BriefOut" in schema["$defs"] and "DiscrepancyOut" in schema["$defs"]
    rows = json.loads(
        CliRunner().invoke(main, ["stories", "--db", str(db), "--format", "json"]).output
    )
    for row in rows:
        result = CliRunner().invoke(
            main, ["brief", "--db", str(db), "--story", row["story_id"], "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        BriefsOut.model_validate_json(result.output)  # every field documented, none missing
