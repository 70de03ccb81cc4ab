"""Reading a result folder instead of solving again (planner.io.runs.read_run, planner.result.reread).

The property that matters: a plan read back from the folder `solve` wrote is that plan, table for
table and byte for byte; and a folder is read only while it is up to date with the scenario's files
(run.json's hashes), its options and the planner's version, and while its tables are the plan's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.errors import InputErrors
from models.loading import load_scenario
from models.records import Scenario
from planner.engine.eligibility import prepare
from planner.engine.solve import solve
from planner.io import runs
from planner.io.generate import generate, write_scenario
from planner.io.runs import RunOptions, read_run, solve_into, trusted, up_to_date
from planner.result.plan import Plan
from planner.result.reread import plan_from_folder
from tests.strategies import kit_scenarios, pinned_scenarios, scenarios

ROOT = Path(__file__).resolve().parents[3]
SCENARIOS = ROOT / "scenarios"
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def _tables(plan: Plan) -> dict[str, str]:
    """The files a plan writes, run.json aside (it records when and how, not what)."""
    return {name: text for name, text in plan.files().items() if name != "run.json"}


SCENARIO_OWN = RunOptions()


def _solved(scenario: Path, out: Path, options: RunOptions = SCENARIO_OWN) -> Plan:
    plan, _ = solve_into(scenario, lambda _: out, options)
    return plan


@given(scenarios())
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_plan_read_back_from_its_files_is_that_plan(scenario: Scenario) -> None:
    """For random scenarios (kits, alternates, reservations, nonstock, supply to come, company), the
    plan rebuilt from the tables solve wrote writes exactly those tables again."""
    plan = solve(scenario)
    with tempfile.TemporaryDirectory() as folder:
        for name, text in plan.files().items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        again = plan_from_folder(prepare(scenario), Path(folder))
    assert _tables(again) == _tables(plan)
    assert again.tiers == plan.tiers


@given(st.one_of(pinned_scenarios(), pinned_scenarios(kit_scenarios(), out_of_ratio=True)))
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_pinned_plan_read_back_from_its_files_is_that_plan(scenario: Scenario) -> None:
    """The same under random pins, those that force lines to complete (a pinned tier solved first)
    and kit pins out of kit ratio (a make-up line) included: the plan rebuilt from its tables writes
    exactly those tables again (pins the engine refuses are left out)."""
    try:
        plan = solve(scenario)
    except InputErrors:
        return
    with tempfile.TemporaryDirectory() as folder:
        for name, text in plan.files().items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        again = plan_from_folder(prepare(scenario), Path(folder))
    assert _tables(again) == _tables(plan)
    assert again.tiers == plan.tiers


CASES = [
    *(SCENARIOS / f"{name}.toml" for name in ("demo", "shop_order", "mo_consignment", "wide_window")),
    *sorted(CONFORMANCE.glob("case*")),
]


@pytest.mark.parametrize("scenario", CASES, ids=lambda p: p.stem if p.suffix else p.name)
def test_an_up_to_date_folder_is_read_not_solved(scenario: Path, tmp_path: Path) -> None:
    """`planner solve`'s folder of a bundled or conformance scenario is up to date and reads as the plan
    solving gives (status, solver, tiers and every table)."""
    solved = _solved(scenario, tmp_path / "out")
    assert up_to_date(tmp_path / "out", scenario)
    read = read_run(tmp_path / "out", scenario)
    assert read is not None
    assert _tables(read) == _tables(solved)
    assert (read.status, read.solver, read.tiers) == (solved.status, solved.solver, solved.tiers)


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled scenarios and the demo's result folder solved from it."""
    folder = Path(shutil.copytree(SCENARIOS, tmp_path / "scenarios"))
    _solved(folder / "demo.toml", tmp_path / "out")
    return folder, tmp_path / "out"


def test_a_changed_input_file_makes_the_folder_stale(demo: tuple[Path, Path]) -> None:
    """One byte more in one of the scenario's tables: no longer up to date, and not read."""
    folder, out = demo
    lots = folder / "demo" / "lots.csv"
    lots.write_text(lots.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not up_to_date(out, folder / "demo.toml")
    assert read_run(out, folder / "demo.toml") is None


def test_other_options_or_another_version_make_the_folder_stale(tmp_path: Path) -> None:
    """A greedy run does not stand for the scenario's own solver, nor a run of another planner version;
    the workers used do not matter (the plan is the same); another scenario's folder is not this one's."""
    demo = SCENARIOS / "demo.toml"
    _solved(demo, tmp_path / "greedy", RunOptions(solver="greedy"))
    assert not up_to_date(tmp_path / "greedy", demo)
    assert up_to_date(tmp_path / "greedy", demo, RunOptions(solver="greedy"))
    _solved(demo, tmp_path / "two", RunOptions(workers=2))
    assert up_to_date(tmp_path / "two", demo)
    assert not up_to_date(tmp_path / "two", SCENARIOS / "early_cables.toml")
    record = json.loads((tmp_path / "two" / "run.json").read_text(encoding="utf-8"))
    (tmp_path / "two" / "run.json").write_text(json.dumps(record | {"planner_version": "0.0.1"}))
    assert not up_to_date(tmp_path / "two", demo)
    assert not up_to_date(tmp_path / "missing", demo)


def test_a_folder_whose_tables_were_edited_is_not_read(demo: tuple[Path, Path]) -> None:
    """Inputs unchanged but lines.csv edited (one allocated total), or allocations.csv cut short, or
    run.json not JSON: the folder is not read (solving again is the answer)."""
    folder, out = demo
    scenario = folder / "demo.toml"
    lines = out / "lines.csv"
    original = lines.read_text(encoding="utf-8")
    lines.write_text(original.replace("SO-1001,1,RES-10K,400,400", "SO-1001,1,RES-10K,400,399"))
    assert original != lines.read_text(encoding="utf-8")
    assert up_to_date(out, scenario)
    assert read_run(out, scenario) is None
    lines.write_text(original, encoding="utf-8")
    allocations = out / "allocations.csv"
    allocations.write_text("\n".join(allocations.read_text(encoding="utf-8").splitlines()[:-2]) + "\n")
    assert read_run(out, scenario) is None
    (out / "run.json").write_text("{", encoding="utf-8")
    assert not up_to_date(out, scenario)


def test_a_generated_folder_scenario_reads_back(tmp_path: Path) -> None:
    """A generated scenario with every feature (a folder: scenario.toml and its tables) reads back."""
    write_scenario(generate(lines=300, seed=5), tmp_path / "gen", name="gen")
    solved = _solved(tmp_path / "gen", tmp_path / "out")
    read = read_run(tmp_path / "out", tmp_path / "gen")
    assert read is not None
    assert _tables(read) == _tables(solved)
    assert load_scenario(tmp_path / "gen").name == read.scenario_name


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_json_records_the_hash_of_every_output(demo: tuple[Path, Path]) -> None:
    """run.json names every other file of the folder with the SHA-256 of its bytes as written."""
    _, out = demo
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    written = {p.name: _sha256(p) for p in out.iterdir() if p.name != "run.json"}
    assert {"allocations.csv", "lines.csv", "items.csv", "summary.json"} <= set(written)
    assert record["outputs"] == written


def test_a_folder_written_with_plan_xlsx_and_a_bom_is_hashed_as_written_and_trusted(tmp_path: Path) -> None:
    """run.json hashes the bytes each output was written as (a CSV's BOM, plan.xlsx's bytes), so a
    folder written with --format xlsx --excel-csv is trusted as it stands."""
    folder = Path(shutil.copytree(SCENARIOS, tmp_path / "scenarios"))
    options = RunOptions(format="xlsx", excel_csv=True)
    _solved(folder / "demo.toml", tmp_path / "out", options)
    out = tmp_path / "out"
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (out / "lines.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert record["outputs"] == {p.name: _sha256(p) for p in out.iterdir() if p.name != "run.json"}
    assert "plan.xlsx" in record["outputs"]
    assert trusted(out, folder / "demo.toml", options)


def test_a_folder_as_written_is_trusted_and_one_edited_by_hand_is_not(demo: tuple[Path, Path]) -> None:
    """A folder as `solve` wrote it is trusted (its inputs and every output hash as run.json records);
    one byte changed in any output, an output removed or a file added, and it is not (until restored)."""
    folder, out = demo
    scenario = folder / "demo.toml"
    assert trusted(out, scenario)
    for name in ("lines.csv", "allocations.csv", "summary.json", "explain.csv"):
        path = out / name
        original = path.read_bytes()
        path.write_bytes(original.replace(b"1", b"2", 1))
        assert not trusted(out, scenario), name
        path.write_bytes(original)
        assert trusted(out, scenario)
    items = (out / "items.csv").read_bytes()
    (out / "items.csv").unlink()
    assert not trusted(out, scenario)
    (out / "items.csv").write_bytes(items)
    (out / "changes.csv").write_text("order,line,lot,before,now\n", encoding="utf-8")
    assert not trusted(out, scenario)
    (out / "changes.csv").unlink()
    lots = folder / "demo" / "lots.csv"
    lots.write_text(lots.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not trusted(out, scenario)


def test_a_trusted_folder_is_read_without_checking_it_again(
    demo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker passed the plan before solve wrote it: a trusted folder is read back without running
    it again (nor writing the tables again to compare), and is the plan the folder holds."""
    folder, out = demo
    scenario = folder / "demo.toml"

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a trusted folder was checked again")

    monkeypatch.setattr(runs, "check_dir", refuse)
    read = read_run(out, scenario)
    assert read is not None
    assert _tables(read) == {name: (out / name).read_text(encoding="utf-8") for name in _tables(read)}
