"""`planner`: the batch command line, a thin shell over the library.

Exit codes: 0 success, 2 input errors (each on stderr with table, row and
column), 1 anything else (a solver failure, a plan the checker rejects).
click parses arguments (typed options, help text, exit code 2 on misuse);
rich draws the progress bar and the summary table.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.errors import InputErrors
from models.loading import load_scenario, scenario_inputs
from models.records import Scenario
from models.workbook import read_folder_tables, write_workbook, written_by_planner
from planner.app.compare import Result, kpi_table, line_changes
from planner.check import check_dir
from planner.engine.backends import solver_choices
from planner.engine.solve import solve as solve_scenario
from planner.io.generate import Features, write_scenario
from planner.io.generate import generate as generate_tables
from planner.io.importers import ImportResult, import_frepple, import_inventree, write_import
from planner.io.runs import RunOptions, run_batch, solve_into
from planner.result.output import (
    MARKER,
    OutputBusy,
    OutputRefused,
    marker,
    output_folder,
    refuse_file,
    refuse_folder,
)
from planner.result.plan import Plan

if TYPE_CHECKING:
    import pandas as pd

err = Console(stderr=True, soft_wrap=True)  # one diagnostic per line, greppable in batch logs
out = Console(soft_wrap=True)


_WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes solving independent components at once (with --scheduler: of a local cluster or the "
    "fallback pool, 1 = one per core).",
)
_SCHEDULER = click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:port) to solve components on, or 'local' for a local cluster.",
)


_FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace an output that exists and was not written by the planner (never an input or a file).",
)


def _load(path: Path) -> Scenario:
    """Load a scenario, or print every input error and exit 2."""
    try:
        return load_scenario(path)
    except InputErrors as exc:
        _report_input_errors(exc)


def _refused(exc: OutputRefused | OutputBusy) -> NoReturn:
    """A place the planner will not write now: nothing was written (exit 2 for wrong input, 1 when busy)."""
    err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False)
    err.print("nothing was written.")
    sys.exit(2 if isinstance(exc, OutputRefused) else 1)


def _report_input_errors(exc: InputErrors) -> NoReturn:
    for error in exc.errors:
        err.print(f"[red]error[/red] {error}", highlight=False, soft_wrap=True)
    err.print(f"{len(exc.errors)} input error(s): nothing was solved or written.")
    sys.exit(2)


@click.group()
@click.version_option(package_name="allocation-planner")
def main() -> None:
    """Inventory allocation with a proven lexicographic optimum."""


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
def validate(scenario: Path) -> None:
    """Check a scenario's files; report every input error at once."""
    data = _load(scenario)
    out.print(f"{data.name}: {len(data.lines)} lines, {len(data.lots)} lots, {len(data.items)} items: valid")


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Result folder.")
@click.option("--solver", default=None, help=f"{solver_choices().replace('auto', 'auto (default)', 1)}.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None, help="Seconds.")
@_WORKERS
@_SCHEDULER
@_FORCE
@click.option("--quiet", is_flag=True, help="Print nothing on success.")
def solve(
    scenario: Path,
    out_dir: Path,
    solver: str | None,
    time_limit: float | None,
    workers: int,
    scheduler: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """Solve SCENARIO and write allocations, lines, items, summary and run.json to --out."""
    with Progress(
        TextColumn("solving tiers"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task("tiers", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            options = RunOptions(solver, time_limit, workers, scheduler)
            plan, _ = solve_into(scenario, lambda _: out_dir, options, progress, force=force)
        except InputErrors as exc:
            _report_input_errors(exc)
        except (OutputRefused, OutputBusy) as exc:
            _refused(exc)
        except (RuntimeError, ValueError) as exc:
            err.print(f"[red]failed[/red]: {exc}", highlight=False)
            sys.exit(1)
    if not quiet:
        print_summary(plan)
        out.print(f"written to {out_dir}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder of results.")
@click.option("--solver", default=None, help="Solver for every scenario (default: each scenario's own).")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None, help="Seconds each.")
@_WORKERS
@_SCHEDULER
@_FORCE
def run(
    scenarios: tuple[Path, ...],
    out_dir: Path,
    solver: str | None,
    time_limit: float | None,
    workers: int,
    scheduler: str | None,
    force: bool,
) -> None:
    """Solve a batch of scenarios, each into OUT/<name>/; exit 1 if any failed (the others are written)."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        task = bar.add_task("scenarios", total=len(scenarios))
        options = RunOptions(solver, time_limit, workers, scheduler)
        outcomes = run_batch(
            list(scenarios), out_dir, options, on_done=lambda o: bar.advance(task), force=force
        )
    table = Table(title=f"{len(outcomes)} scenario(s) into {out_dir}")
    for column in ("scenario", "status", "solver", "seconds", "fill", "result"):
        table.add_column(column)
    for o in outcomes:
        if o.plan is not None:
            s = o.plan.summary()
            table.add_row(
                o.name,
                s["status"],
                s["solver"],
                f"{s['seconds']:.2f}",
                f"{s['totals']['fill_rate']:.1%}",
                str(o.out_dir),
            )
        else:
            table.add_row(o.name, "[red]failed[/red]", "", "", "", o.error)
    out.print(table)
    if not all(o.ok for o in outcomes):
        sys.exit(1)


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the tables."
)
@click.option("--solver", default=None, help="Solver for scenarios that are solved here.")
@_FORCE
def compare(scenarios: tuple[Path, ...], out_dir: Path, solver: str | None, force: bool) -> None:
    """Compare scenarios (TOML files to solve, or result folders) with the first.

    Writes kpis.csv and line_changes.csv to --out and prints the KPIs side by side.
    """
    if len(scenarios) < 2:
        raise click.UsageError("compare needs a base and at least one other scenario")
    inputs = [p for path in scenarios for p in (scenario_inputs(path) if path.is_file() else [path])]
    try:
        with output_folder(out_dir, protect=inputs, force=force) as claim:
            kpi, changes, results = _compared(scenarios, solver)
            claim.write(
                {
                    "kpis.csv": kpi.to_csv(index=False, lineterminator="\n"),
                    "line_changes.csv": changes.to_csv(index=False, lineterminator="\n"),
                    MARKER: marker("compare", scenarios=[str(p) for p in scenarios]),
                }
            )
    except (OutputRefused, OutputBusy) as exc:
        _refused(exc)
    table = Table(title=f"base: {results[0].name}")
    table.add_column("kpi")
    for r in results:
        table.add_column(r.name, justify="right")
    for column in kpi.columns[1:]:
        if kpi[column].notna().any():
            table.add_row(column, *(_cell(v) for v in kpi[column]))
    out.print(table)
    out.print(f"{len(changes)} line(s) changed; written to {out_dir}")


def _compared(
    scenarios: tuple[Path, ...], solver: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, list[Result]]:
    """The KPI table, the line changes against the first, and the results compared."""
    results = []
    for path in scenarios:
        if path.is_dir() and (path / "summary.json").is_file():
            results.append(Result.read(path))
            continue
        try:
            results.append(Result.of_plan(solve_scenario(load_scenario(path), solver=solver)))
        except InputErrors as exc:
            _report_input_errors(exc)
        except (RuntimeError, ValueError) as exc:
            err.print(f"[red]failed[/red] {path}: {exc}", highlight=False)
            sys.exit(1)
    return kpi_table(results), line_changes(results[0], results[1:]), results


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.1%}" if isinstance(value, float) else str(value)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.argument("result", type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(scenario: Path, result: Path) -> None:
    """Check a result folder against the contract, independently of the optimiser."""
    violations = check_dir(_load(scenario), result)
    for v in violations:
        err.print(f"[red]{v.rule}[/red]: {v.message}", highlight=False)
    if violations:
        err.print(f"{len(violations)} violation(s)")
        sys.exit(1)
    out.print("the plan honours every restriction of the contract")


@main.command()
@click.option("--lines", type=click.IntRange(min=1), required=True, help="About how many order lines.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Scenario folder.")
@click.option("--without", multiple=True, type=click.Choice(Features.names()), help="Switch a feature off.")
@_FORCE
def generate(lines: int, seed: int, out_dir: Path, without: tuple[str, ...], force: bool) -> None:
    """Write a synthetic scenario (scenario.toml and its tables) of about --lines lines."""
    features = Features.only(set(Features.names()) - set(without))
    try:
        write_scenario(generate_tables(lines, seed, features), out_dir, f"synthetic-{lines}-{seed}", force)
    except (OutputRefused, OutputBusy) as exc:
        _refused(exc)
    out.print(f"written to {out_dir}")


# Imports from other systems and Excel workbooks (docs/imports.md).


@main.group(name="import")
def import_() -> None:
    """Write a scenario folder from another system's data export."""


_TODAY = click.DateTime(formats=["%Y-%m-%d"])


@import_.command(name="inventree")
@click.argument("fixture", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Scenario folder.")
@click.option("--today", type=_TODAY, default=None, help="Planning date YYYY-MM-DD (default: today).")
@click.option("--name", default=None, help="Scenario name (default: the folder's name).")
@_FORCE
def import_inventree_command(
    fixture: Path, out_dir: Path, today: datetime | None, name: str | None, force: bool
) -> None:
    """An InvenTree data export (JSON fixture) as a scenario: stock, builds, sales orders."""
    planning_date = today.date() if today else date.today()
    _imported(lambda: import_inventree(fixture, planning_date), fixture, out_dir, name, force)


@import_.command(name="frepple")
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Scenario folder.")
@click.option("--today", type=_TODAY, default=None, help="Planning date (default: the model's currentdate).")
@click.option("--name", default=None, help="Scenario name (default: the folder's name).")
@_FORCE
def import_frepple_command(
    model: Path, out_dir: Path, today: datetime | None, name: str | None, force: bool
) -> None:
    """A frePPLe model (JSON fixture) as a scenario: on-hand buffers, open demands, transfer lanes."""
    _imported(lambda: import_frepple(model, today.date() if today else None), model, out_dir, name, force)


def _imported(
    run_import: Callable[[], ImportResult], source: Path, out_dir: Path, name: str | None, force: bool
) -> None:
    """Run an import, write its folder, print its report; exit 2 if the file cannot be imported."""
    try:
        refuse_folder(out_dir, protect=[source], force=force)
        result = run_import()
        write_import(result, out_dir, name, source.name, source=source, force=force)
    except ValueError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False)
        sys.exit(2)
    except (OutputRefused, OutputBusy) as exc:
        _refused(exc)
    table = Table(title=f"{result.source} import of {source.name} (today {result.today})")
    table.add_column("count")
    table.add_column("n", justify="right")
    for key, n in result.report.items():
        table.add_row(key, str(n))
    out.print(table)
    for note in result.notes:
        out.print(f"note: {note}")
    out.print(f"written to {out_dir} (report: import_report.json there); next: planner solve {out_dir}")


@main.command(name="export-template")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Fill the sheets from this folder of CSV tables (default: an empty template).",
)
@_FORCE
def export_template(out_file: Path, source: Path | None, force: bool) -> None:
    """Write a scenario workbook (.xlsx): one sheet per table and a documentation sheet."""
    if out_file.suffix.lower() != ".xlsx":
        raise click.UsageError("--out must name an .xlsx file")
    try:
        refuse_file(out_file, ours=written_by_planner, force=force)
        tables = read_folder_tables(source) if source is not None else None
    except InputErrors as exc:
        _report_input_errors(exc)
    except OutputRefused as exc:
        _refused(exc)
    write_workbook(out_file, tables)
    out.print(f'written to {out_file}; use it with data = "{out_file.name}" in a scenario file')


def print_summary(plan: Plan, max_tiers: int = 15) -> None:
    """Tiers (first few), totals, status, time and the gain over the ERP-style greedy."""
    summary = plan.summary()
    table = Table(
        title=f"{summary['scenario']}: {summary['status']} ({summary['solver']}, {summary['seconds']:.2f} s)"
    )
    for column in ("tier", "key", "requested", "allocated", "greedy", "bound"):
        table.add_column(column, justify="left" if column == "key" else "right")
    tiers = summary["tiers"]
    for t in tiers[:max_tiers]:
        table.add_row(
            str(t["tier"]),
            " ".join(map(str, t["key"])),
            str(t["requested"]),
            str(t["allocated"]),
            str(t.get("greedy", "")),
            str(t["bound"]),
        )
    if len(tiers) > max_tiers:
        table.add_row("...", f"{len(tiers) - max_tiers} more tiers", "", "", "", "")
    out.print(table)
    totals = summary["totals"]
    out.print(
        f"lines {totals['lines_full']}/{totals['lines']} full, "
        f"allocated {totals['allocated']} of {totals['requested']} (fill {totals['fill_rate']:.1%})"
    )
    first_gain = next((t for t in tiers if "greedy" in t and t["allocated"] != t["greedy"]), None)
    if first_gain is not None:
        out.print(
            f"over the ERP-style greedy: first differing tier {first_gain['tier']} "
            f"({' '.join(map(str, first_gain['key']))}): {first_gain['allocated']} vs {first_gain['greedy']}"
        )
    elif summary["solver"] != "greedy":
        out.print("the ERP-style greedy reaches the same tier totals on this scenario")
    for r in summary["ignored_reservations"]:
        out.print(f"reservation ignored: {r['order']}/{r['line']} lot {r['lot']} ({r['why']})")
    for note in summary["notes"]:
        out.print(f"note: {note}")
