"""Reproducible runs: solve a scenario file into a result folder with `run.json`, alone or in a batch.

`run.json` records what is needed to reproduce a result and verify its inputs:
the SHA-256 of every input file, the project's and the solvers' versions, the
options and the time each phase took. `read_run` reads a result folder back
instead of solving again, while it is up to date with the scenario's files.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from models.errors import InputErrors
from models.loading import load_scenario, scenario_inputs
from models.previous import read_previous
from models.records import Scenario
from planner.check.checker import check_dir
from planner.engine.eligibility import prepare
from planner.engine.solve import explain_plan, solve
from planner.progress import Progress
from planner.result.formats import Format, formatted
from planner.result.output import MARKER, OutputRefused, output_folder, safe_name
from planner.result.plan import Plan
from planner.result.reread import plan_from_folder


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to solve (planner.engine.solve.solve's options), as run.json records them."""

    solver: str | None = None
    """None: the scenario's own."""
    time_limit: float | None = None
    """Seconds; None: the scenario's own."""
    workers: int = 1
    scheduler: str | None = None
    previous: Path | None = None
    """A result folder to re-plan from (SPEC 9); None: the scenario's own `previous`, if any."""
    explain: bool = False
    """Also write first_in_tier and extra_stock for every short line into explain.csv (SPEC 10)."""
    format: Format = "csv"
    """"xlsx": also write plan.xlsx beside the CSVs (planner.result.xlsx)."""
    excel_csv: bool = False
    """Write the CSVs with a BOM first, so Excel opens them as UTF-8."""


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """One scenario of a batch: its result folder and plan, or why it failed."""

    scenario: Path
    name: str
    out_dir: Path | None
    plan: Plan | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.plan is not None


def solve_into(
    scenario: Path,
    folder_for: Callable[[Scenario], Path],
    options: RunOptions = RunOptions(),
    progress: Progress | None = None,
    force: bool = False,
) -> tuple[Plan, Path]:
    """Load, solve and write one scenario with its run.json into `folder_for(scenario)`.

    The folder is claimed (SPEC 11) before solving. Raises PlannerError: InputErrors for
    bad input, OutputRefused or OutputBusy for a folder that may not be written now, and
    the engine's errors when solving fails.
    """
    t0 = time.monotonic()
    if progress is not None:
        progress.phase("load")
    data = load_scenario(scenario)
    if options.previous is not None:
        data = data.replace(previous=read_previous(options.previous))
    folder = folder_for(data)
    t1 = time.monotonic()
    inputs = _inputs(scenario, options)
    with output_folder(folder, protect=inputs, force=force) as claim:
        plan = solve(
            data,
            solver=options.solver,
            time_limit=options.time_limit,
            progress=progress,
            workers=options.workers,
            scheduler=options.scheduler,
        )
        if options.explain:
            plan = explain_plan(plan, options.solver, options.time_limit)
        t2 = time.monotonic()
        files = formatted(plan.files(), options.format, options.excel_csv)
        record = run_record(scenario, plan, options, {"load": t1 - t0, "solve": t2 - t1}, inputs, files)
        if progress is not None:
            progress.phase("write")
        claim.write(files | {MARKER: json.dumps(record, indent=2) + "\n"})
    return plan, claim.path


def _inputs(scenario: Path, options: RunOptions) -> list[Path]:
    """The files a run reads: the scenario's, and the allocations of a previous plan given as an option."""
    inputs = scenario_inputs(scenario)
    if options.previous is not None:
        inputs.append((options.previous / "allocations.csv").resolve())
    return inputs


def run_record(
    scenario: Path,
    plan: Plan,
    options: RunOptions,
    timings: dict[str, float],
    inputs: list[Path],
    outputs: Mapping[str, str | bytes],
) -> dict[str, Any]:
    """The content of run.json, hashing `inputs` (the files the run read) and `outputs` (name -> text
    or bytes, as written beside it: the plan the checker passed); options.previous only when given, so
    other runs' records stay as they were."""
    return {
        "written_by": "solve",
        "scenario": plan.scenario_name,
        "scenario_file": str(scenario),
        "inputs": _hashes(inputs),
        "outputs": {
            name: hashlib.sha256(content.encode("utf-8") if isinstance(content, str) else content).hexdigest()
            for name, content in sorted(outputs.items())
            if name != MARKER
        },
        "planner_version": metadata.version("allocation-planner"),
        "python": platform.python_version(),
        "solver": plan.solver,
        "solver_versions": {pkg: _version(pkg) for pkg in ("ortools", "pulp")},
        "options": _options(options),
        "status": plan.status,
        "timings": {phase: round(seconds, 3) for phase, seconds in timings.items()},
    }


def _hashes(inputs: list[Path]) -> dict[str, str]:
    """SHA-256 of each input, named relative to the folder holding them all."""
    base = Path(os.path.commonpath([p.parent for p in inputs]))
    return {str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}


def _options(options: RunOptions) -> dict[str, Any]:
    """The options as run.json records them: `previous`, `explain`, `format` and `excel_csv` only when
    given, so other runs' records stay as they were."""
    given = asdict(options)
    for name, default in (("previous", None), ("explain", False), ("format", "csv"), ("excel_csv", False)):
        if given[name] == default:
            del given[name]
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in given.items()}


SAME_PLAN_OPTIONS = ("workers", "scheduler", "format", "excel_csv")
"""Options that never change the plan (planner.engine.workers; the formats it is written in), so a run
under others still stands."""


def up_to_date(folder: Path, scenario: Path, options: RunOptions = RunOptions()) -> bool:
    """Whether `folder` holds a run of `scenario` that solving it again with `options` would repeat:
    its run.json was written by a solve of this planner version, under the same options (those of
    SAME_PLAN_OPTIONS aside), and hashes exactly the files the scenario reads now, unchanged."""
    try:
        record = _solve_record(folder)
        if record is None:
            return False
        recorded = dict(record.get("options") or {})
        now = _options(options)
        for name in SAME_PLAN_OPTIONS:
            recorded.pop(name, None)
            now.pop(name, None)
        return bool(recorded == now and record.get("inputs") == _hashes(_inputs(scenario, options)))
    except (OSError, ValueError):
        return False


def solved_from(folder: Path, scenario: Path) -> bool:
    """Whether `folder` is, byte for byte, what a solve of this planner version wrote from the files
    `scenario` reads now, under any options (a previous plan given as one is among its inputs): that
    solve loaded and validated exactly these bytes, so they are valid, and the folder's tables are
    its plan of them."""
    try:
        record = _solve_record(folder)
        if record is None:
            return False
        previous = dict(record.get("options") or {}).get("previous")
        options = RunOptions(previous=Path(previous) if isinstance(previous, str) else None)
        return record.get("inputs") == _hashes(_inputs(scenario, options)) and _as_written(folder)
    except (OSError, ValueError):
        return False


def _solve_record(folder: Path) -> dict[str, Any] | None:
    """The folder's run.json, when a solve of this planner version wrote it."""
    record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    if not isinstance(record, dict) or record.get("written_by") != "solve":
        return None
    return record if record.get("planner_version") == metadata.version("allocation-planner") else None


def trusted(folder: Path, scenario: Path, options: RunOptions = RunOptions()) -> bool:
    """Whether `folder` is, byte for byte, what a solve of `scenario` wrote: it is `up_to_date`, and its
    files besides run.json are exactly those run.json hashes, unchanged. Such a folder holds a plan the
    checker passed before it was written (`solve_into`); one edited by hand, or written before run.json
    hashed its outputs, is not trusted (`read_run` checks it instead)."""
    return up_to_date(folder, scenario, options) and _as_written(folder)


def _as_written(folder: Path) -> bool:
    """Whether the files of `folder` besides run.json are exactly those its run.json hashes."""
    try:
        recorded = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("outputs")
        present = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir()
            if p.name != MARKER and not p.name.startswith(".")
        }
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(recorded, dict) and bool(recorded) and recorded == present


def read_run(
    folder: Path, scenario: Path, options: RunOptions = RunOptions(), data: Scenario | None = None
) -> Plan | None:
    """The plan in `folder`, read instead of solved, or None (solve again). A `trusted` folder is read
    as it is; another that is `up_to_date` is read when the plan rebuilt from its tables writes them
    again byte for byte and the independent checker passes them. `data`: the scenario at `scenario`
    as loaded already (re-planned from options.previous, if given); None: loaded here. Raises
    InputErrors if the scenario does not load."""
    if not up_to_date(folder, scenario, options):
        return None
    as_written = _as_written(folder)  # up to date, so: trusted
    if data is None:
        data = load_scenario(scenario)
        if options.previous is not None:
            data = data.replace(previous=read_previous(options.previous))
    try:
        plan = plan_from_folder(prepare(data), folder)
        if as_written:
            return plan
        same = all(
            (folder / name).read_text(encoding="utf-8-sig") == text  # a BOM is no part of the plan
            for name, text in plan.files().items()
            if name != MARKER
        )
    except (OSError, ValueError, KeyError):
        return None
    return plan if same and not check_dir(data, folder) else None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def run_folder_name(data: Scenario, path: Path) -> str:
    """The folder `run_batch` writes scenario `path` into, under its output folder: the scenario's name
    made a safe file name (the file's stem if that leaves nothing)."""
    return safe_name(data.name, fallback=safe_name(path.stem, "scenario"))


def run_batch(
    scenarios: list[Path],
    out_dir: Path,
    options: RunOptions = RunOptions(),
    on_done: Callable[[RunOutcome], None] | None = None,
    force: bool = False,
) -> list[RunOutcome]:
    """Solve every scenario into `out_dir/<name>/`; a failure is recorded and the others go on.

    `<name>` is the scenario's name made a safe file name; two scenarios of one
    folder name are an error for the second.
    """
    outcomes: list[RunOutcome] = []
    taken: dict[str, Path] = {}

    def folder_for(path: Path) -> Callable[[Scenario], Path]:
        def folder(data: Scenario) -> Path:
            name = run_folder_name(data, path)
            if name in taken:
                raise OutputRefused(
                    f"scenario '{data.name}' would be written to {name}/, as {taken[name]} was"
                )
            return out_dir / name

        return folder

    for path in scenarios:
        try:
            plan, folder = solve_into(path, folder_for(path), options, force=force)
            taken[folder.name] = path
            outcome = RunOutcome(path, plan.scenario_name, folder, plan)
        except InputErrors as exc:
            outcome = RunOutcome(
                path, path.stem, None, None, f"{len(exc.errors)} input error(s): {exc.errors[0]}"
            )
        except Exception as exc:  # one scenario's failure must not stop the batch
            outcome = RunOutcome(
                path, path.stem, None, None, f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"
            )
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)
    return outcomes
