"""`planner`: the batch command line, a thin shell over the library.

Exit codes: 0 success, 2 input errors (each on stderr with table, row and
column), 1 anything else (a solver failure, a plan the checker rejects).
click parses arguments (typed options, help text, exit code 2 on misuse);
rich draws the progress bar and the summary table.
"""

from __future__ import annotations

import math
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

from models.cells import write_csv_text
from models.errors import InputErrors, PlannerError
from models.loading import MAX_TIME_LIMIT, load_scenario, scenario_inputs
from models.previous import read_previous
from models.records import OBJECTIVE_FIELDS, PreviousPlan, Scenario
from models.workbook import read_folder_tables, write_workbook, written_by_planner
from planner.app.compare import WrittenPlan, kpi_table, line_changes, lot_changes, moved
from planner.app.explain import explain_lines, in_words
from planner.check import check_dir
from planner.engine.backends import solver_choices
from planner.engine.solve import solve as solve_scenario
from planner.io.generate import Features, write_scenario
from planner.io.generate import generate as generate_tables
from planner.io.importers import ImportResult, import_frepple, import_inventree, write_import
from planner.io.runs import RunOptions, run_batch, solve_into
from planner.result.output import (
    MARKER,
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


if TYPE_CHECKING:
    _FloatParam = click.ParamType[float, object]
else:  # click before 8.2 has no generic ParamType
    _FloatParam = click.ParamType


class _Seconds(_FloatParam):
    """A time limit: finite seconds above 0, at most MAX_TIME_LIMIT (nan and inf are usage errors)."""

    name = "seconds"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        # click's FLOAT is typed for its own input; here it gets whatever click passes on.
        number = float(click.FLOAT.convert(value, param, ctx))  # type: ignore[arg-type]
        if not (math.isfinite(number) and 0 < number <= MAX_TIME_LIMIT):
            self.fail(
                f"{value!r} is not a number of seconds above 0 and at most {MAX_TIME_LIMIT:g}", param, ctx
            )
        return number


_SECONDS = _Seconds()


_PREVIOUS = click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PREV",
    help="A result folder to re-plan from: printed and kept lines keep their lots, the rest change as "
    "little as the tiers allow (overrides the scenario's `previous`).",
)

_FORCE = click.option(
    "--force",
    is_flag=True,
    help="Replace an output that exists and was not written by the planner (never an input or a file).",
)


def _plain(text: str) -> str:
    """Rich markup that prints exactly `text` (user data: `[/]`, `[bold]`, `book.xlsx[lines]`).

    rich's own `escape` doubles a final backslash, which is right only just before a tag; no user
    text here is followed by one.
    """
    escaped = escape(text)
    return escaped[:-1] if text.endswith("\\") and not text.endswith("\\\\") else escaped


def _load(path: Path) -> Scenario:
    """Load a scenario, or print every input error and exit 2."""
    try:
        return load_scenario(path)
    except InputErrors as exc:
        _fail(exc)


def _fail(exc: PlannerError) -> NoReturn:
    """Print what went wrong, the user's text as it is, and exit with the error's code.

    Input errors are listed one per line; nothing was solved or written.
    """
    if isinstance(exc, InputErrors):
        for error in exc.errors:
            err.print(f"[red]error[/red] {_plain(str(error))}", highlight=False)
        err.print(f"{len(exc.errors)} input error(s): nothing was solved or written.")
    else:
        label = "error" if exc.exit_code == 2 else "failed"
        err.print(f"[red]{label}[/red] {_plain(str(exc))}", highlight=False)
        err.print("nothing was written.")
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="allocation-planner")
def main() -> None:
    """Inventory allocation with a proven lexicographic optimum.

    Exit codes: 0 done, 1 a fault (a solver failure, a plan the checker rejects, another run
    writing the same folder), 2 wrong input or usage (each problem named with its file, row and
    column; nothing written).
    """


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
def validate(scenario: Path) -> None:
    """Check a scenario's files; report every input error at once."""
    data = _load(scenario)
    out.print(
        f"{_plain(data.name)}: {len(data.lines)} lines, {len(data.lots)} lots, {len(data.items)} items: valid"
    )


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Result folder.")
@click.option("--solver", default=None, help=f"{solver_choices().replace('auto', 'auto (default)', 1)}.")
@click.option("--time-limit", type=_SECONDS, default=None, help="Seconds.")
@_WORKERS
@_SCHEDULER
@_PREVIOUS
@_FORCE
@click.option(
    "--explain",
    "explain",
    is_flag=True,
    help="Also write first_in_tier and extra_stock for every short line into explain.csv.",
)
@click.option("--quiet", is_flag=True, help="Print nothing on success.")
def solve(
    scenario: Path,
    out_dir: Path,
    solver: str | None,
    time_limit: float | None,
    workers: int,
    scheduler: str | None,
    previous: Path | None,
    force: bool,
    explain: bool,
    quiet: bool,
) -> None:
    """Solve SCENARIO and write allocations, lines, items, explain, summary and run.json to --out."""
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
            options = RunOptions(solver, time_limit, workers, scheduler, previous, explain)
            plan, _ = solve_into(scenario, lambda _: out_dir, options, progress, force=force)
        except PlannerError as exc:
            _fail(exc)
    if not quiet:
        print_summary(plan)
        out.print(f"written to {_plain(str(out_dir))}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder of results.")
@click.option("--solver", default=None, help="Solver for every scenario (default: each scenario's own).")
@click.option("--time-limit", type=_SECONDS, default=None, help="Seconds each.")
@_WORKERS
@_SCHEDULER
@_PREVIOUS
@_FORCE
def run(
    scenarios: tuple[Path, ...],
    out_dir: Path,
    solver: str | None,
    time_limit: float | None,
    workers: int,
    scheduler: str | None,
    previous: Path | None,
    force: bool,
) -> None:
    """Solve a batch of scenarios, each into OUT/<name>/; exit 1 if any failed (the others are written).

    With --previous, every scenario is re-planned from that one result folder."""
    if previous is not None:
        try:
            read_previous(previous)  # one bad folder fails the whole batch at once, with exit 2
        except PlannerError as exc:
            _fail(exc)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        task = bar.add_task("scenarios", total=len(scenarios))
        options = RunOptions(solver, time_limit, workers, scheduler, previous)
        outcomes = run_batch(
            list(scenarios), out_dir, options, on_done=lambda o: bar.advance(task), force=force
        )
    table = Table(title=f"{len(outcomes)} scenario(s) into {_plain(str(out_dir))}")
    for column in ("scenario", "status", "solver", "seconds", "fill", "result"):
        table.add_column(column)
    for o in outcomes:
        if o.plan is not None:
            s = o.plan.summary
            table.add_row(
                _plain(o.name),
                str(s.status),
                s.solver,
                f"{s.seconds:.2f}",
                f"{s.totals.fill_rate:.1%}",
                _plain(str(o.out_dir)),
            )
        else:
            table.add_row(_plain(o.name), "[red]failed[/red]", "", "", "", _plain(o.error))
    out.print(table)
    if not all(o.ok for o in outcomes):
        sys.exit(1)


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the tables."
)
@click.option("--solver", default=None, help="Solver for scenarios that are solved here.")
@_PREVIOUS
@_FORCE
def compare(
    scenarios: tuple[Path, ...], out_dir: Path, solver: str | None, previous: Path | None, force: bool
) -> None:
    """Compare scenarios (TOML files to solve, or result folders) with the first.

    With --previous PREV, the base is the previous plan PREV and every scenario file is re-planned
    from it. Writes kpis.csv, line_changes.csv and lot_changes.csv (stock moved between lots and
    warehouses) to --out and prints the KPIs side by side.
    """
    if len(scenarios) < (1 if previous is not None else 2):
        raise click.UsageError("compare needs a base and at least one other scenario")
    inputs = [p for path in scenarios for p in (scenario_inputs(path) if path.is_file() else [path])]
    try:
        prev = read_previous(previous) if previous is not None else None
        with output_folder(
            out_dir, protect=[*inputs, *([previous] if previous else [])], force=force
        ) as claim:
            kpi, changes, results = _compared(scenarios, solver, prev, previous)
            moves = lot_changes(results[0], results[1:])
            claim.write(
                {
                    "kpis.csv": write_csv_text(kpi),
                    "line_changes.csv": write_csv_text(changes),
                    "lot_changes.csv": write_csv_text(moves),
                    MARKER: marker("compare", scenarios=[str(p) for p in scenarios]),
                }
            )
    except PlannerError as exc:
        _fail(exc)
    table = Table(title=f"base: {results[0].name}")
    table.add_column("kpi")
    for r in results:
        table.add_column(_plain(r.name), justify="right")
    for column in kpi.columns[1:]:
        if kpi[column].notna().any():
            table.add_row(column, *(_cell(v) for v in kpi[column]))
    out.print(table)
    for r in results[1:]:
        lots, warehouses = moved(moves, r.name), moved(moves, r.name, "warehouse")
        out.print(f"{escape(r.name)}: {lots} unit(s) moved between lots, {warehouses} between warehouses")
    out.print(f"{len(changes)} line(s) changed; written to {_plain(str(out_dir))}")


def _compared(
    scenarios: tuple[Path, ...],
    solver: str | None,
    previous: PreviousPlan | None = None,
    previous_folder: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[WrittenPlan]]:
    """The KPI table, the line changes against the first, and the results compared (with a previous
    plan: it comes first, and each scenario file is re-planned from it)."""
    results = [WrittenPlan.read(previous_folder)] if previous_folder is not None else []
    for path in scenarios:
        if path.is_dir() and (path / "summary.json").is_file():
            results.append(WrittenPlan.read(path))
            continue
        data = load_scenario(path)
        if previous is not None:
            data = data.replace(previous=previous)
        results.append(WrittenPlan.of_plan(solve_scenario(data, solver=solver)))
    return kpi_table(results), line_changes(results[0], results[1:]), results


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{value:.1%}" if isinstance(value, float) else str(value)


@main.command()
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.argument("result", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_PREVIOUS
def check(scenario: Path, result: Path, previous: Path | None) -> None:
    """Check a result folder against the contract, independently of the optimiser (re-planned
    from a previous plan: also against it, and its changes.csv)."""
    data = _load(scenario)
    if previous is not None:
        try:
            data = data.replace(previous=read_previous(previous))
        except PlannerError as exc:
            _fail(exc)
    violations = check_dir(data, result)
    for v in violations:
        err.print(f"[red]{_plain(v.rule)}[/red]: {_plain(v.message)}", highlight=False)
    if violations:
        err.print(f"{len(violations)} violation(s)")
        sys.exit(1)
    out.print("the plan honours every restriction of the contract")


@main.command("explain")
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.argument("result", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--line",
    "lines",
    multiple=True,
    metavar="ORDER/LINE",
    help="A line to explain (repeatable; default: every line that takes part and is not full).",
)
@click.option("--time-limit", type=_SECONDS, default=None, help="Seconds for each line's MIP.")
def explain_command(scenario: Path, result: Path, lines: tuple[str, ...], time_limit: float | None) -> None:
    """Why each chosen line of the plan in RESULT is short, who holds its stock and what would fill it."""
    data = _load(scenario)
    keys = []
    for text in lines:
        order, slash, number = text.rpartition("/")
        if not slash or not order or not number:
            raise click.BadParameter(f"{text!r} is not ORDER/LINE", param_hint="--line")
        keys.append((order, number))
    try:
        explained = explain_lines(data, result, keys or None, time_limit)
    except PlannerError as exc:
        _fail(exc)
    for e in explained:
        out.print(_plain(in_words(e)), highlight=False)


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
        tables = generate_tables(lines, seed, features)
        write_scenario(tables, out_dir, f"synthetic-{lines}-{seed}", force, features)
    except PlannerError as exc:
        _fail(exc)
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
@click.option(
    "--key",
    "key",
    default=None,
    help="Tier key of the scenario, e.g. priority,ship_date (frePPLe's own order: priority, then due).",
)
@_FORCE
def import_frepple_command(
    model: Path, out_dir: Path, today: datetime | None, name: str | None, key: str | None, force: bool
) -> None:
    """A frePPLe model (JSON fixture) as a scenario: on-hand buffers, confirmed and proposed supply
    still to come, open demands, transfer lanes."""
    objective_key = _objective_key(key)
    _imported(
        lambda: import_frepple(model, today.date() if today else None, objective_key),
        model,
        out_dir,
        name,
        force,
    )


def _objective_key(text: str | None) -> tuple[str, ...] | None:
    """A comma-separated tier key, checked as the scenario file's [objective] key is; exit 2 if wrong."""
    if text is None:
        return None
    fields = tuple(f.strip() for f in text.split(","))
    if not fields or any(f not in OBJECTIVE_FIELDS for f in fields) or len(set(fields)) != len(fields):
        fields_text = ", ".join(OBJECTIVE_FIELDS)
        err.print(
            f"[red]error[/red] --key {escape(text)!r}: give distinct fields among {fields_text},"
            " comma-separated (e.g. priority,ship_date)",
            highlight=False,
        )
        sys.exit(2)
    return fields


def _imported(
    run_import: Callable[[], ImportResult], source: Path, out_dir: Path, name: str | None, force: bool
) -> None:
    """Run an import, write its folder, print its report; exit 2 if the file cannot be imported."""
    try:
        refuse_folder(out_dir, protect=[source], force=force)
        result = run_import()
        write_import(result, out_dir, name, source.name, source=source, force=force)
    except PlannerError as exc:
        _fail(exc)
    table = Table(title=f"{result.source} import of {source.name} (today {result.today})")
    table.add_column("count")
    table.add_column("n", justify="right")
    for key, n in result.report.items():
        table.add_row(_plain(key), str(n))
    out.print(table)
    for note in result.notes:
        out.print(f"note: {_plain(note)}")
    where = _plain(str(out_dir))
    out.print(f"written to {where} (report: import_report.json there); next: planner solve {where}")


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
    except PlannerError as exc:
        _fail(exc)
    write_workbook(out_file, tables)
    out.print(
        f'written to {_plain(str(out_file))}; use it with data = "{_plain(out_file.name)}" in a scenario file'
    )


def print_summary(plan: Plan, max_tiers: int = 15) -> None:
    """Tiers (first few), totals, status, time and the gain over the ERP-style greedy."""
    summary = plan.summary
    table = Table(
        title=_plain(f"{summary.scenario}: {summary.status} ({summary.solver}, {summary.seconds:.2f} s)")
    )
    for column in ("tier", "key", "requested", "allocated", "greedy", "bound"):
        table.add_column(column, justify="left" if column == "key" else "right")
    tiers = summary.tiers
    for t in tiers[:max_tiers]:
        table.add_row(
            str(t.tier),
            _plain(_key_text(t.key)),
            str(t.requested),
            str(t.allocated),
            "" if t.greedy is None else str(t.greedy),
            str(t.bound),
        )
    if len(tiers) > max_tiers:
        table.add_row("...", f"{len(tiers) - max_tiers} more tiers", "", "", "", "")
    out.print(table)
    totals = summary.totals
    out.print(
        f"lines {totals.lines_full}/{totals.lines} full, "
        f"allocated {totals.allocated} of {totals.requested} (fill {totals.fill_rate:.1%})"
    )
    first_gain = next((t for t in tiers if t.greedy is not None and t.allocated != t.greedy), None)
    if first_gain is not None:
        out.print(
            f"over the ERP-style greedy: first differing tier {first_gain.tier} "
            f"({_plain(_key_text(first_gain.key))}): {first_gain.allocated} vs {first_gain.greedy}"
        )
    elif summary.solver != "greedy":
        out.print("the ERP-style greedy reaches the same tier totals on this scenario")
    for r in summary.ignored_reservations:
        out.print(_plain(f"reservation ignored: {r.order}/{r.line} lot {r.lot} ({r.why})"))
    for note in summary.notes:
        out.print(_plain(f"note: {note}"))


def _key_text(key: tuple[object, ...]) -> str:
    return " ".join(v.isoformat() if isinstance(v, date) else str(v) for v in key)
