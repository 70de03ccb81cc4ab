"""Finding scenario files for the dashboard (planner.app.scenarios)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from planner.app.scenarios import (
    FOLDER_VARIABLE,
    RESULTS_VARIABLE,
    description,
    fingerprint,
    results_folder,
    scenario_files,
    scenario_folder,
)

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


def test_the_folder_comes_from_args_then_the_environment_then_the_default() -> None:
    """`--scenarios DIR` wins, then $PLANNER_SCENARIOS, then the default; other arguments are ignored."""
    default = Path("default")
    env = {FOLDER_VARIABLE: "from_env"}
    assert scenario_folder(["-q", "tests", "--scenarios", "given"], env, default) == Path("given")
    assert scenario_folder(["-q", "tests"], env, default) == Path("from_env")
    assert scenario_folder(["tests", "--scenarios"], {}, default) == default


def test_the_results_folder_comes_from_args_then_the_environment_or_is_none() -> None:
    """`--results DIR` wins, then $PLANNER_RESULTS; without either no folder is read (None)."""
    env = {RESULTS_VARIABLE: "from_env"}
    args = ["--scenarios", "s", "--results", "given"]
    assert results_folder(args, env) == Path("given")
    assert results_folder(["--scenarios", "s"], env) == Path("from_env")
    assert results_folder(["--scenarios", "s"], {}) is None


def test_scenario_files_are_the_toml_files_and_scenario_folders(tmp_path: Path) -> None:
    """Every *.toml and every sub-folder holding scenario.toml, by name; not CSV files or other folders."""
    folder = Path(shutil.copytree(SCENARIOS, tmp_path / "s"))
    (folder / "zeta").mkdir()
    (folder / "zeta" / "scenario.toml").write_text('extends = "../demo.toml"\n')
    names = [p.name for p in scenario_files(folder)]
    assert names == sorted(names)
    assert {"demo.toml", "rush_beta.toml", "zeta"} <= set(names)
    assert "demo" not in names
    assert scenario_files(tmp_path / "missing") == []


def test_fingerprint_changes_when_any_input_changes(tmp_path: Path) -> None:
    """Touching a table the scenario reads through `extends` changes the fingerprint; nothing else does."""
    folder = Path(shutil.copytree(SCENARIOS, tmp_path / "s"))
    before = fingerprint(folder / "rush_beta.toml")
    assert before == fingerprint(folder / "rush_beta.toml")
    lots = folder / "demo" / "lots.csv"
    os.utime(lots, ns=(lots.stat().st_atime_ns, lots.stat().st_mtime_ns + 1_000_000))
    assert fingerprint(folder / "rush_beta.toml") != before


def test_description_is_the_files_opening_comment() -> None:
    """The comment lines a scenario opens with, joined; none gives ''."""
    assert description(SCENARIOS / "rush_beta.toml").startswith("What if Beta's order SO-1002 becomes a rush")
    assert description(SCENARIOS / "missing.toml") == ""
