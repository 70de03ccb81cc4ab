"""The conventions of a Python command line: warnings through logging (one line each, repeats
counted, `-q` silences them), progress named by phase, one line per phase when stderr is not a
terminal, and `--json` on solve, check, run and compare.

click's CliRunner gives the command a stderr that is not a terminal, as a nightly batch's log is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.test_cli import invoke, write_scenario

UNKNOWN_COLUMN: dict[str, str | None] = {
    "lots.csv": """\
        lot,item,warehouse,owner,quantity,allocated,planned_issue,pnp,status,received,expires,colour
        A1,X,NY,,10,,,,,2026-01-05,,red
        A2,X,CA,,10,,,,,2026-02-05,,blue
        B1,Y,NY,ACME,8,1,,true,available,,2027-03-01,
        """
}
"""The good scenario's lots with a column the contract does not know."""

IGNORED: dict[str, str | None] = {
    "reservations.csv": """\
        order,line,lot,quantity
        S,2,A1,1
        S,2,B1,1
        S,1,B1,1
        """
}
"""Three reservations that cannot be honoured: S/2 may only use CA (A1 is in NY), B1 holds another
item than S's lines ask for."""


def test_an_unknown_column_is_one_warning_line_without_python_source(tmp_path: Path) -> None:
    """The unknown column is named once, as `warning: ...` on stderr, with no Python warning text
    (no file path, no `UserWarning`, no source line)."""
    scenario = write_scenario(tmp_path / "s", UNKNOWN_COLUMN)
    result = invoke("solve", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    warned = [ln for ln in result.stderr.splitlines() if "colour" in ln]
    assert warned == ["warning: lots.csv: unknown column 'colour' is ignored"]
    assert "UserWarning" not in result.stderr
    assert ".py" not in result.stderr


def test_quiet_silences_warnings_and_progress_but_not_errors(tmp_path: Path) -> None:
    """`planner -q solve` prints nothing at all on success, warnings included; an input error is
    still printed, with exit 2."""
    scenario = write_scenario(tmp_path / "s", UNKNOWN_COLUMN)
    result = invoke("-q", "solve", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", "")
    bad = write_scenario(tmp_path / "bad", {"lots.csv": None})
    failed = invoke("-q", "solve", bad, "--out", tmp_path / "out2")
    assert failed.exit_code == 2
    assert "lots.csv" in failed.stderr


def test_ignored_reservations_are_one_warning_and_each_with_verbose(tmp_path: Path) -> None:
    """Three ignored reservations: one warning line naming the first and counting the others, not
    three lines on stdout; with -v, one warning line each."""
    scenario = write_scenario(tmp_path / "s", IGNORED)
    result = invoke("solve", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "reservation ignored" not in result.stdout
    lines = [ln for ln in result.stderr.splitlines() if "reservation ignored" in ln]
    assert len(lines) == 1
    assert lines[0].startswith("warning: reservation ignored: ")
    assert "and 2 more" in lines[0]
    verbose = invoke("-v", "solve", scenario, "--out", tmp_path / "out")
    each = [ln for ln in verbose.stderr.splitlines() if ln.startswith("warning: reservation ignored: ")]
    assert len(each) == 3
    assert len(set(each)) == 3


def test_progress_is_one_line_per_phase_in_order_when_not_on_a_terminal(tmp_path: Path) -> None:
    """Without a terminal, stderr gets one line as each phase begins, in the pipeline's order, and
    the optimise phase's steps counted as component tiers: no bar, no `0/?`."""
    scenario = write_scenario(tmp_path / "s")
    result = invoke("solve", scenario, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    phases = [ln.split(" s  ", 1)[1] for ln in result.stderr.splitlines() if " s  " in ln]
    steps = [p for p in phases if ":" in p]
    assert [p for p in phases if ":" not in p] == [
        "load",
        "eligibility",
        "greedy",
        "optimise",
        "assign",
        "report and check",
        "write",
    ]
    assert len(steps) == 1
    assert steps[0].startswith("optimise: ")
    assert steps[0].endswith(" component tiers")
    assert "0/?" not in result.stderr


def test_solve_json_prints_summary_json(tmp_path: Path) -> None:
    """`solve --json` prints what it wrote to summary.json, and nothing else on stdout."""
    scenario = write_scenario(tmp_path / "s")
    out = tmp_path / "out"
    result = invoke("solve", scenario, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_check_json_lists_the_violations_and_exits_by_them(tmp_path: Path) -> None:
    """`check --json` prints {"violations": []} and exits 0 for a good plan; for a tampered plan it
    lists each violation with its rule and exits 1."""
    scenario = write_scenario(tmp_path / "s")
    out = tmp_path / "out"
    assert invoke("solve", scenario, "--out", out).exit_code == 0
    good = invoke("check", scenario, out, "--json")
    assert (good.exit_code, json.loads(good.stdout)) == (0, {"violations": []})
    allocations = out / "allocations.csv"
    allocations.write_text(allocations.read_text(encoding="utf-8").replace(",10,", ",11,"), encoding="utf-8")
    bad = invoke("check", scenario, out, "--json")
    assert bad.exit_code == 1
    violations = json.loads(bad.stdout)["violations"]
    assert violations
    assert all(set(v) == {"rule", "message"} for v in violations)


def test_run_json_gives_each_scenario_its_summary_or_error(tmp_path: Path) -> None:
    """`run --json`: one record per scenario in the order given, a solved one with its folder and
    summary.json's content, a failed one with its error and no summary; exit 1 because one failed."""
    good = write_scenario(tmp_path / "good") / "scenario.toml"
    bad = write_scenario(tmp_path / "bad", {"lots.csv": None}, toml='name = "bad"\ntoday = "2026-11-20"\n')
    out = tmp_path / "batch"
    result = invoke("run", good, bad / "scenario.toml", "--out", out, "--json")
    assert result.exit_code == 1
    solved, failed = json.loads(result.stdout)
    assert solved["scenario"] == "cli-test"
    summary = json.loads((Path(solved["folder"]) / "summary.json").read_text(encoding="utf-8"))
    assert solved["summary"] == summary
    assert solved["error"] is None
    assert "lots.csv" in failed["error"]
    assert "summary" not in failed


def test_compare_json_prints_the_kpi_rows(tmp_path: Path) -> None:
    """`compare --json` prints kpis.csv's rows as records, one per scenario, base first."""
    scenario = write_scenario(tmp_path / "s") / "scenario.toml"
    out = tmp_path / "cmp"
    result = invoke("compare", scenario, scenario, "--out", out, "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    assert rows[0] == rows[1]
    assert (out / "kpis.csv").read_text(encoding="utf-8").count("\n") == 3


def test_shell_completion_as_the_readme_says() -> None:
    """`_PLANNER_COMPLETE=bash_source planner` (the README's line) prints a bash completion function
    for `planner`, and completing `planner so` offers `solve`."""
    script = Path(sys.executable).with_name("planner")
    source = subprocess.run(
        [script], env={**os.environ, "_PLANNER_COMPLETE": "bash_source"}, capture_output=True, text=True
    )
    assert source.returncode == 0
    assert "_planner_completion()" in source.stdout
    env = {**os.environ, "_PLANNER_COMPLETE": "bash_complete", "COMP_WORDS": "planner so", "COMP_CWORD": "1"}
    offered = subprocess.run([script], env=env, capture_output=True, text=True)
    assert "plain,solve" in offered.stdout.splitlines()


@pytest.mark.parametrize("module", ["planner", "planner.cli"])
def test_python_dash_m_runs_the_command_line(module: str, tmp_path: Path) -> None:
    """`python -m planner` and `python -m planner.cli` are the `planner` command: they print the
    version, and validate the demo with its exit code (2 for a scenario with errors)."""
    run = [sys.executable, "-m", module]
    version = subprocess.run([*run, "-V"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().endswith(f"version {metadata.version('allocation-planner')}")
    demo = Path(__file__).resolve().parents[1] / "scenarios" / "demo.toml"
    valid = subprocess.run([*run, "validate", str(demo)], capture_output=True, text=True, cwd=tmp_path)
    assert valid.returncode == 0, valid.stderr
    assert "valid" in valid.stdout
    (tmp_path / "bad.toml").write_text('today = "not a date"\n', encoding="utf-8")
    bad = subprocess.run(
        [*run, "validate", str(tmp_path / "bad.toml")], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode == 2
