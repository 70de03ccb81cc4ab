"""`planner explain --line` reads only the part of the scenario around its lines when the result
folder says a solve of this planner version validated exactly these input bytes (planner/io/runs.py,
`solved_from`). An input edited after the solve, or a folder written by another planner version, is
validated in full again, and its errors are reported as `planner validate` reports them (exit 2);
and the part gives the same words as the whole scenario."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from models.errors import InputErrors
from models.loading import load_scenario
from planner.app.explain import explain_lines, in_words
from planner.cli import main
from planner.io.run_json import solved_from

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled scenarios and the demo's result folder solved from it."""
    folder = Path(shutil.copytree(SCENARIOS, tmp_path / "scenarios"))
    out = tmp_path / "out"
    assert invoke("solve", folder / "demo.toml", "--out", out, "--quiet").exit_code == 0
    return folder / "demo.toml", out


def _duplicate_a_lot(scenario: Path) -> list[str]:
    """lots.csv with its first lot written twice (an error only the checks across tables find), and
    the errors loading it reports."""
    lots = scenario.parent / "demo" / "lots.csv"
    rows = lots.read_text(encoding="utf-8").splitlines()
    lots.write_text("\n".join([*rows, rows[1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputErrors) as raised:
        load_scenario(scenario)
    return [str(e) for e in raised.value.errors]


def test_a_folder_just_solved_is_solved_from_its_inputs(demo: tuple[Path, Path]) -> None:
    """The solve's own folder, with the scenario's files unchanged, is read on its part."""
    scenario, out = demo
    assert solved_from(out, scenario)


def test_an_input_edited_after_the_solve_is_validated_in_full(demo: tuple[Path, Path]) -> None:
    """A lot written twice into lots.csv after the solve: `explain --line` reports it as loading does
    (table, row, column) and exits 2."""
    scenario, out = demo
    errors = _duplicate_a_lot(scenario)
    assert not solved_from(out, scenario)
    result = invoke("explain", scenario, out, "--line", "SO-1006/1")
    assert result.exit_code == 2
    assert errors
    assert all(error in result.stderr for error in errors)


def test_a_folder_of_another_planner_version_is_validated_in_full(demo: tuple[Path, Path]) -> None:
    """run.json hashing the edited inputs but written by another planner version: not trusted, the
    inputs are validated and the duplicate reported."""
    scenario, out = demo
    errors = _duplicate_a_lot(scenario)
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    lots = scenario.parent / "demo" / "lots.csv"
    record["inputs"]["demo/lots.csv"] = hashlib.sha256(lots.read_bytes()).hexdigest()
    record["planner_version"] = "0.0.0"
    (out / "run.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    assert not solved_from(out, scenario)
    result = invoke("explain", scenario, out, "--line", "SO-1006/1")
    assert result.exit_code == 2
    assert errors
    assert all(error in result.stderr for error in errors)


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.toml")))
def test_each_line_explained_from_its_part_reads_as_from_the_whole_scenario(
    name: str, tmp_path: Path
) -> None:
    """Every line of every bundled scenario, alone and all together with --line: the words are those
    `explain_lines` gives on the whole scenario loaded and validated."""
    scenario, out = SCENARIOS / name, tmp_path / "out"
    assert invoke("solve", scenario, "--out", out, "--quiet").exit_code == 0
    assert solved_from(out, scenario)
    whole = load_scenario(scenario)
    keys = [line.key for line in whole.lines]
    expected = [in_words(e) for e in explain_lines(whole, out, keys)]
    for key, words in zip(keys, expected, strict=True):
        result = invoke("explain", scenario, out, "--line", "/".join(key))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == words + "\n"
    together = invoke("explain", scenario, out, *[a for key in keys for a in ("--line", "/".join(key))])
    assert together.stdout == "".join(words + "\n" for words in expected)
