"""`--previous` on the command line and `previous` in the TOML (SPEC 9): re-planning the demo.

Every test works on a copy of scenarios/ in tmp_path and states the property it checks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def planner(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of scenarios/ with the demo's plan solved into base/."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    done = planner("solve", tmp_path / "scenarios" / "demo.toml", "--out", tmp_path / "base", "--quiet")
    assert done.exit_code == 0, done.output
    return tmp_path


def test_replan_writes_changes_and_passes_the_checker(demo: Path) -> None:
    """Property: solve --previous writes changes.csv and summary.json changes, and `planner check
    --previous` finds the plan honours the contract, changes.csv included."""
    scenario = demo / "scenarios" / "wide_window.toml"
    done = planner("solve", scenario, "--out", demo / "re", "--previous", demo / "base", "--quiet")
    assert done.exit_code == 0, done.output
    changes = pd.read_csv(demo / "re" / "changes.csv", dtype=str)
    assert list(changes.columns) == ["order", "line", "lot", "before", "now"]
    summary = json.loads((demo / "re" / "summary.json").read_text())
    moved = sum(abs(int(n) - int(b)) for b, n in zip(changes["before"], changes["now"]))
    assert summary["changes"]["units_moved"] == moved
    assert summary["changes"]["lines_changed"] == len(set(zip(changes["order"], changes["line"])))
    checked = planner("check", scenario, demo / "re", "--previous", demo / "base")
    assert checked.exit_code == 0, checked.output
    run = json.loads((demo / "re" / "run.json").read_text())
    assert any(name.endswith("allocations.csv") and "base" in name for name in run["inputs"])


def test_the_checker_finds_a_changes_table_that_lies(demo: Path) -> None:
    """Property: the checker recomputes changes.csv from the previous plan and the new one."""
    scenario = demo / "scenarios" / "wide_window.toml"
    assert (
        planner("solve", scenario, "--out", demo / "re", "--previous", demo / "base", "--quiet").exit_code
        == 0
    )
    path = demo / "re" / "changes.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    checked = planner("check", scenario, demo / "re", "--previous", demo / "base")
    assert checked.exit_code == 1
    assert "changes" in checked.output


@pytest.mark.parametrize("command", ["solve", "run"])
def test_a_previous_folder_that_is_no_result_is_an_input_error(demo: Path, command: str) -> None:
    """Property: PREV without run.json is refused with exit 2, naming it; nothing is written."""
    (demo / "notaresult").mkdir()
    (demo / "notaresult" / "allocations.csv").write_text("order,line,lot,quantity,source\n")
    done = planner(
        command, demo / "scenarios" / "demo.toml", "--out", demo / "re", "--previous", demo / "notaresult"
    )
    assert done.exit_code == 2
    assert "notaresult" in done.output
    assert not (demo / "re").exists() or not any((demo / "re").iterdir())


def test_a_bad_previous_row_is_an_input_error_naming_file_and_row(demo: Path) -> None:
    """Property: a previous allocations row with a quantity that is no number: exit 2, file and row."""
    path = demo / "base" / "allocations.csv"
    lines = path.read_text().splitlines()
    cells = lines[2].split(",")
    cells[6] = "many"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    done = planner(
        "solve", demo / "scenarios" / "demo.toml", "--out", demo / "re", "--previous", demo / "base"
    )
    assert done.exit_code == 2
    assert "allocations.csv, row 3" in done.output
    assert not (demo / "re").exists()


def test_previous_in_the_toml_is_relative_to_the_file(demo: Path) -> None:
    """Property: `previous = "PATH"` in a scenario file re-plans from PATH, read relative to that file."""
    toml = demo / "scenarios" / "replan.toml"
    toml.write_text('extends = "cancel_do.toml"\nprevious = "../base"\n')
    done = planner("solve", toml, "--out", demo / "re", "--quiet")
    assert done.exit_code == 0, done.output
    assert (demo / "re" / "changes.csv").is_file()


def test_compare_with_previous_lists_stock_moved_between_lots(demo: Path) -> None:
    """Property: compare --previous PREV takes PREV as the base, re-plans each scenario from it and
    lists in lot_changes.csv every (line, lot) whose quantity changed, with its warehouse."""
    done = planner(
        "compare", demo / "scenarios" / "wide_window.toml", "--previous", demo / "base", "--out", demo / "cmp"
    )
    assert done.exit_code == 0, done.output
    lots = pd.read_csv(demo / "cmp" / "lot_changes.csv", dtype=str)
    assert list(lots.columns)[:6] == ["scenario", "order", "line", "lot", "item", "warehouse"]
    changes = planner(
        "solve",
        demo / "scenarios" / "wide_window.toml",
        "--out",
        demo / "re",
        "--previous",
        demo / "base",
        "--quiet",
    )
    assert changes.exit_code == 0
    expected = pd.read_csv(demo / "re" / "changes.csv", dtype=str)
    assert sorted(zip(lots["order"], lots["line"], lots["lot"])) == sorted(
        zip(expected["order"], expected["line"], expected["lot"])
    )
    assert "moved between lots" in done.output
