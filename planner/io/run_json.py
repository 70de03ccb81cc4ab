"""run.json: what a run records, and whether a result folder is still what a run wrote.

`run_record` is the content of run.json: the SHA-256 of every input file and output, the project's
and the solvers' versions, the options and the time each phase took. `up_to_date` and
`solved_from` read it back against the scenario's files as they are now.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.loading import scenario_inputs
from planner.result.formats import Format
from planner.result.output import MARKER

if TYPE_CHECKING:
    from planner.result.plan import Plan


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


def run_inputs(scenario: Path, options: RunOptions) -> list[Path]:
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
        return bool(recorded == now and record.get("inputs") == _hashes(run_inputs(scenario, options)))
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
        return record.get("inputs") == _hashes(run_inputs(scenario, options)) and as_written(folder)
    except (OSError, ValueError):
        return False


def _solve_record(folder: Path) -> dict[str, Any] | None:
    """The folder's run.json, when a solve of this planner version wrote it."""
    record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    if not isinstance(record, dict) or record.get("written_by") != "solve":
        return None
    return record if record.get("planner_version") == metadata.version("allocation-planner") else None


def as_written(folder: Path) -> bool:
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


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
