"""Reproducible runs: solve a scenario file into a result folder with `run.json`, alone or in a batch.

`run.json` records what is needed to reproduce a result and verify its inputs
(planner/io/run_json.py). `read_run` reads a result folder back instead of solving
again, while it is up to date with the scenario's files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.errors import InputErrors
from models.loading import load_scenario
from models.previous import read_previous
from models.records import Scenario
from planner.check.checker import check_dir
from planner.engine.eligibility import prepare
from planner.engine.solve import explain_plan, solve
from planner.io.run_json import RunOptions as RunOptions  # solve_into's and read_run's options
from planner.io.run_json import as_written, run_inputs, run_record
from planner.io.run_json import up_to_date as up_to_date  # read_run's condition
from planner.progress import Progress
from planner.result.formats import formatted
from planner.result.output import MARKER, OutputRefused, output_folder, safe_name
from planner.result.plan import Plan
from planner.result.reread import plan_from_folder


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
    inputs = run_inputs(scenario, options)
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


def trusted(folder: Path, scenario: Path, options: RunOptions = RunOptions()) -> bool:
    """Whether `folder` is, byte for byte, what a solve of `scenario` wrote: it is `up_to_date`, and its
    files besides run.json are exactly those run.json hashes, unchanged. Such a folder holds a plan the
    checker passed before it was written (`solve_into`); one edited by hand, or written before run.json
    hashed its outputs, is not trusted (`read_run` checks it instead)."""
    return up_to_date(folder, scenario, options) and as_written(folder)


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
    written = as_written(folder)  # up to date, so: trusted
    if data is None:
        data = load_scenario(scenario)
        if options.previous is not None:
            data = data.replace(previous=read_previous(options.previous))
    try:
        plan = plan_from_folder(prepare(data), folder)
        if written:
            return plan
        same = all(
            (folder / name).read_text(encoding="utf-8-sig") == text  # a BOM is no part of the plan
            for name, text in plan.files().items()
            if name != MARKER
        )
    except (OSError, ValueError, KeyError):
        return None
    return plan if same and not check_dir(data, folder) else None


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
