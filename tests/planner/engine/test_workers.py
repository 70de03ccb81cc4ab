"""Solving components in parallel (planner.engine.workers): a local process pool and a Dask cluster give
the same plan, file for file, as solving them one after the other in this process.

The scenario is a generated one of about 1,000 lines (seed 1) with 42 integer components, two of which
need a MIP; the reference is written once per module with workers=1.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.loading import load_scenario
from models.records import Scenario
from planner.cli import main
from planner.engine import workers
from planner.engine.components import Component, components
from planner.engine.eligibility import Prepared, prepare
from planner.engine.ids import LineId, PairId
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario

pytestmark = pytest.mark.slow

TABLES = ("allocations.csv", "lines.csv", "items.csv")


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario")
    write_scenario(generate(1000, 1), folder, "parallel")
    return folder / "scenario.toml"


@pytest.fixture(scope="module")
def scenario(scenario_file: Path) -> Scenario:
    return load_scenario(scenario_file)


@pytest.fixture(scope="module")
def reference(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan solved in this process, written."""
    out = tmp_path_factory.mktemp("reference")
    solve(scenario).write(out)
    return out


def integer_components(prep: Prepared) -> list[Component]:
    return [c for c in components(prep) if c.needs_integers]


def assert_same_files(out: Path, reference: Path) -> None:
    """The three tables byte for byte, and summary.json but for its wall-clock `seconds`."""
    for name in TABLES:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    summaries = [json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (out, reference)]
    for summary in summaries:
        del summary["seconds"]
    assert summaries[0] == summaries[1]


def test_the_scenario_has_several_integer_components_that_need_a_mip(scenario: Scenario) -> None:
    """The premise of the tests below: more components than workers, and MIP solves in more than one."""
    prep = prepare(scenario)
    outcomes = workers.solve_components(prep, integer_components(prep), "highs", None).outcomes
    assert len(outcomes) > 10
    assert sum(1 for o in outcomes if o.solves) > 1


def test_a_process_pool_writes_the_same_files(scenario: Scenario, reference: Path, tmp_path: Path) -> None:
    """workers=2 (a local process pool) writes byte-identical tables and the same summary as workers=1."""
    plan = solve(scenario, workers=2)
    plan.write(tmp_path)
    assert_same_files(tmp_path, reference)
    assert plan.status == "optimal"


def test_a_dask_cluster_writes_the_same_files(scenario: Scenario, reference: Path, tmp_path: Path) -> None:
    """Solved on a Dask LocalCluster of two worker processes, reached by its address, the plan's files
    are those of workers=1; the cluster is closed afterwards."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        plan = solve(scenario, scheduler=cluster.scheduler_address)
    plan.write(tmp_path)
    assert_same_files(tmp_path, reference)
    assert plan.notes == ()


def test_scheduler_local_starts_and_stops_its_own_cluster(
    scenario: Scenario, reference: Path, tmp_path: Path
) -> None:
    """scheduler="local" solves on a LocalCluster of `workers` processes made for the solve: same files."""
    pytest.importorskip("distributed")
    solve(scenario, workers=2, scheduler="local").write(tmp_path)
    assert_same_files(tmp_path, reference)


@pytest.mark.parametrize("why", ["unreachable", "not installed"])
def test_without_dask_the_local_pool_solves_and_a_note_says_so(
    why: str, scenario: Scenario, reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduler that cannot be reached (nothing listens on port 1), or no `distributed` package:
    the components are solved on the local pool, the tables are unchanged and a note names the
    scheduler and why it was not used."""
    monkeypatch.setattr(workers, "CONNECT_TIMEOUT", 0.5)
    if why == "not installed":
        monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    plan = solve(scenario, workers=2, scheduler="tcp://127.0.0.1:1")
    for name, frame in (("allocations.csv", plan.allocations_frame()), ("lines.csv", plan.lines_frame())):
        assert frame.to_csv(index=False, lineterminator="\n").encode() == (reference / name).read_bytes()
    [note] = [n for n in plan.notes if "Dask" in n]
    assert "tcp://127.0.0.1:1" in note
    assert "2 local processes" in note
    assert ("not installed" in note) == (why == "not installed")


def test_outcomes_come_back_in_component_order_with_progress_per_component(scenario: Scenario) -> None:
    """The pool returns each component's outcome at its own index, equal to solving it here; progress
    rises to (tiers in all, tiers in all) once per component."""
    prep = prepare(scenario)
    comps = integer_components(prep)
    here = workers.solve_components(prep, comps, "highs", None).outcomes
    calls: list[tuple[int, int]] = []
    pooled = workers.solve_components(prep, comps, "highs", None, lambda d, t: calls.append((d, t)), 2)
    assert pooled.outcomes == here
    total = sum(len({prep.line_tier[li] for li in c.lines}) for c in comps)
    assert len(calls) == len(comps)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1] == (total, total)
    assert {t for _, t in calls} == {total}


def test_a_deadline_reaches_the_workers_as_seconds_left(scenario: Scenario) -> None:
    """A deadline already past when the components are handed out leaves the pool's MIP parts
    unsolved and unproved, exactly as in this process; with no deadline every component is proved."""
    prep = prepare(scenario)
    comps = integer_components(prep)
    past = time.monotonic() - 1
    here = workers.solve_components(prep, comps, "highs", past).outcomes
    pooled = workers.solve_components(prep, comps, "highs", past, workers=2).outcomes
    assert pooled == here
    assert any(not o.proved for o in pooled)
    assert all(o.solves == 0 for o in pooled)
    assert all(o.proved for o in workers.solve_components(prep, comps, "highs", None, workers=2).outcomes)


def test_pulp_runs_its_own_process_inside_a_pool_worker(scenario: Scenario, reference: Path) -> None:
    """PuLP (CBC in a child process of each pool worker) reaches the same tier totals as workers=1."""
    plan = solve(scenario, solver="pulp", workers=2)
    summary = json.loads((reference / "summary.json").read_text(encoding="utf-8"))
    assert [t.allocated for t in plan.tiers] == [t["allocated"] for t in summary["tiers"]]


def test_tasks_hand_out_the_largest_components_first_each_once() -> None:
    """Share 0 gives one task per component, largest first (ties by index); a share groups the small
    ones until a task holds that many pairs."""
    sizes = [3, 10, 1, 10, 2]
    comps = [Component([LineId(i)], [], [PairId(p) for p in range(n)], [], True) for i, n in enumerate(sizes)]
    assert workers._tasks(comps, 0) == [[1], [3], [0], [4], [2]]
    assert workers._tasks(comps, 5) == [[1], [3], [0, 4], [2]]


def test_workers_must_be_at_least_one(scenario: Scenario) -> None:
    """workers=0 is refused, not taken as "in this process"."""
    prep = prepare(scenario)
    with pytest.raises(ValueError, match="workers"):
        workers.solve_components(prep, integer_components(prep), "highs", None, workers=0)


def test_cli_solve_with_two_workers(scenario_file: Path, reference: Path, tmp_path: Path) -> None:
    """`planner solve --workers 2` writes the same files as solving in one process, and run.json
    records the option."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(scenario_file), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert_same_files(out, reference)
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["options"] == {"solver": None, "time_limit": None, "workers": 2, "scheduler": None}


def test_a_scheduler_address_dask_cannot_read_is_an_error(scenario: Scenario) -> None:
    """An address with an unknown scheme is a mistake to report (ValueError), not a reason to fall back."""
    pytest.importorskip("distributed")
    with pytest.raises(ValueError, match="scheme"):
        solve(scenario, scheduler="foo://host:1")
