"""`planner solve --explain` and `planner explain` (SPEC 10) on the demo: the words of SPEC 10's
example, and a folder that is not a result of the scenario refused with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from planner.cli import main

DEMO = Path(__file__).resolve().parents[1] / "scenarios" / "demo.toml"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explain") / "plan"
    result = invoke("solve", DEMO, "--out", out, "--explain", "--quiet")
    assert result.exit_code == 0, result.stderr
    return out


def test_solve_explain_writes_the_counterfactuals_and_says_so(demo_plan: Path) -> None:
    """With --explain, explain.csv has first_in_tier and extra_stock rows and run.json records it."""
    kinds = {
        row.split(",")[2] for row in (demo_plan / "explain.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    assert {"first_in_tier", "extra_stock", "held_by", "rule", "relax"} <= kinds
    assert json.loads((demo_plan / "run.json").read_text(encoding="utf-8"))["options"]["explain"] is True


def test_solve_explain_re_planned_from_a_previous_plan(demo_plan: Path, tmp_path: Path) -> None:
    """--explain with --previous writes the plan, its changes.csv and the counterfactuals (the
    explained plan was checked without its changes table, and refused)."""
    out = tmp_path / "again"
    result = invoke("solve", DEMO, "--out", out, "--previous", demo_plan, "--explain", "--quiet")
    assert result.exit_code == 0, result.stdout
    assert (out / "changes.csv").is_file()
    assert "first_in_tier" in (out / "explain.csv").read_text(encoding="utf-8")


def test_explain_says_spec_10s_example_in_words(demo_plan: Path) -> None:
    """SO-1006/1 (a full line of 30 ENCL-SMALL, 20 free): why, who holds its stock (SO-1004/1, an
    earlier tier), what it could have first in its tier and what more would fill it."""
    result = invoke("explain", DEMO, demo_plan, "--line", "SO-1006/1")
    assert result.exit_code == 0, result.stderr
    text = result.stdout.replace("\n", " ")
    assert "SO-1006/1 (ENCL-SMALL, tier 7): 30 asked, 0 given." in text
    assert "it must ship whole and 20 are free" in text
    assert "ENC-NY-1: 20 held by SO-1004/1 (earlier tier)" in text
    assert "First in its tier it could have 20." in text
    assert "it needs 10 more of ENCL-SMALL" in text


def test_explain_without_lines_explains_every_short_line(demo_plan: Path) -> None:
    """By default every line that takes part and is not full, and no other."""
    result = invoke("explain", DEMO, demo_plan)
    assert result.exit_code == 0, result.stderr
    named = {part.split(" ")[0] for part in result.stdout.split("\n") if part and not part.startswith(" ")}
    assert named == {"DO-2001/1", "DO-2001/2", "MO-3001/1", "MO-3001/3", "SO-1006/1", "SO-1009/1"}


def test_explain_refuses_a_folder_of_another_scenario(demo_plan: Path, tmp_path: Path) -> None:
    """A result of another scenario, a folder that is no result, and an unknown line: exit 2."""
    other = DEMO.parent / "rush_beta.toml"
    out = tmp_path / "other"
    assert invoke("solve", other, "--out", out, "--quiet").exit_code == 0
    assert invoke("explain", DEMO, out).exit_code == 2
    (tmp_path / "empty").mkdir()
    assert invoke("explain", DEMO, tmp_path / "empty").exit_code == 2
    refused = invoke("explain", DEMO, demo_plan, "--line", "SO-9999/1")
    assert refused.exit_code == 2
    assert "SO-9999/1" in refused.stderr
