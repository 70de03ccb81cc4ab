"""`planner`: the batch command line, a thin shell over the library.

Exit codes: 0 success, 2 input errors (each on stderr with table, row and
column), 1 anything else (a solver failure, a plan the checker rejects).
click parses arguments (typed options, help text, exit code 2 on misuse);
rich draws the progress and the summary table (planner/console.py: progress by phase, warnings
through `logging`).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape

from models.errors import InputErrors, PlannerError
from models.records import OBJECTIVE_FIELDS
from planner.app.counting import MODES, Mode
from planner.console import log, logging_to
from planner.engine.backends import solver_choices
from planner.io.features import Features
from planner.result.formats import FORMATS, Format

if TYPE_CHECKING:
    import pandas as pd

    from models.records import PreviousPlan, Scenario
    from planner.app.compare import WrittenPlan
    from planner.io.importers import ImportResult
    from planner.progress import Progress
    from planner.result.plan import Plan

# Each command imports what it needs when it runs: `planner --version` or `planner validate`
# need not load the solvers, the dashboard's modules or the importers (docs/benchmarks.md).

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
        from models.loading import MAX_TIME_LIMIT

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


def _format_option(workbook: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--format: xlsx also writes `workbook` (what it holds, in words) beside the CSVs."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="csv",
        show_default=True,
        help=f"xlsx: also write {workbook} beside the CSVs.",
    )


_FORMAT = _format_option("plan.xlsx (lines, allocations, items, tiers, explanations)")
_EXCEL_CSV = click.option(
    "--excel-csv", is_flag=True, help="Write the CSVs as UTF-8 with a BOM, so Excel opens them right."
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
    from models.loading import load_scenario

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
        if exc.wrote_nothing:
            err.print("nothing was written.")
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="allocation-planner")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print each ignored reservation and the phase timings."
)
@click.option("-q", "--quiet", is_flag=True, help="Print no progress and no warnings; errors still print.")
@click.pass_context
def main(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Inventory allocation with a proven lexicographic optimum.

    Exit codes: 0 done, 1 a fault (a solver failure, a plan the checker rejects, another run
    writing the same folder), 2 wrong input or usage (each problem named with its file, row and
    column; nothing written).

    Warnings go to stderr, one line each (a repeated one is counted); progress goes to stderr
    too, as a live line on a terminal and one line per phase otherwise.
    """
    ctx.obj = -1 if quiet else 1 if verbose else 0
    ctx.with_resource(logging_to(err, ctx.obj))


def _verbosity() -> int:
    """-1 with `planner -q`, 1 with `planner -v`, else 0."""
    level = click.get_current_context().find_root().obj
    return level if isinstance(level, int) else 0


_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout instead.")


def _print_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


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
@_FORMAT
@_EXCEL_CSV
@click.option("--quiet", is_flag=True, help="Print nothing on success (as `planner -q`, and no summary).")
@_JSON
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
    output_format: Format,
    excel_csv: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Solve SCENARIO and write allocations, lines, items, explain, summary and run.json to --out."""
    from planner.io.runs import RunOptions, solve_into

    quiet = quiet or _verbosity() < 0
    try:
        options = RunOptions(
            solver, time_limit, workers, scheduler, previous, explain, output_format, excel_csv
        )
        with _progress(quiet) as progress:
            plan, _ = solve_into(scenario, lambda _: out_dir, options, progress, force=force)
    except PlannerError as exc:
        _fail(exc)
    _report_ignored(plan)
    if as_json:
        _print_json(plan.summary.to_json())
    elif not quiet:
        print_summary(plan)
        out.print(f"written to {_plain(str(out_dir))}")


def _progress(quiet: bool) -> AbstractContextManager[Progress | None]:
    """The phases shown on stderr (nothing when quiet)."""
    from planner.console import phase_progress

    return nullcontext() if quiet else phase_progress(err)


def _report_ignored(plan: Plan) -> None:
    """Ignored reservations as one warning (with -v: each, and the phase timings); summary.json
    lists them all."""
    texts = [f"{r.order}/{r.line} lot {r.lot} ({r.why})" for r in plan.summary.ignored_reservations]
    if _verbosity() > 0:
        for text in texts:
            log.warning(f"reservation ignored: {text}")
        for phase, seconds in plan.phases.items():
            log.info(f"{phase}: {seconds:.2f} s")
    elif texts:
        more = f" and {len(texts) - 1} more (-v lists them, summary.json has them)" if len(texts) > 1 else ""
        log.warning(f"reservation ignored: {texts[0]}{more}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder of results.")
@click.option("--solver", default=None, help="Solver for every scenario (default: each scenario's own).")
@click.option("--time-limit", type=_SECONDS, default=None, help="Seconds each.")
@_WORKERS
@_SCHEDULER
@_PREVIOUS
@_FORCE
@_FORMAT
@_EXCEL_CSV
@_JSON
def run(
    scenarios: tuple[Path, ...],
    out_dir: Path,
    solver: str | None,
    time_limit: float | None,
    workers: int,
    scheduler: str | None,
    previous: Path | None,
    force: bool,
    output_format: Format,
    excel_csv: bool,
    as_json: bool,
) -> None:
    """Solve a batch of scenarios, each into OUT/<name>/; exit 1 if any failed (the others are written).

    With --previous, every scenario is re-planned from that one result folder."""
    from rich.table import Table

    from models.previous import read_previous
    from planner.io.runs import RunOptions, RunOutcome, run_batch

    if previous is not None:
        try:
            read_previous(previous)  # one bad folder fails the whole batch at once, with exit 2
        except PlannerError as exc:
            _fail(exc)
    finished = 0
    with _progress(_verbosity() < 0) as progress:

        def done(_: RunOutcome) -> None:
            nonlocal finished
            finished += 1
            if progress is not None:
                progress.steps(finished, len(scenarios))

        if progress is not None:
            progress.phase("solve")
        options = RunOptions(
            solver, time_limit, workers, scheduler, previous, format=output_format, excel_csv=excel_csv
        )
        outcomes = run_batch(list(scenarios), out_dir, options, on_done=done, force=force)
    if as_json:
        _print_json(
            [
                {
                    "scenario": o.name,
                    "folder": None if o.out_dir is None else str(o.out_dir),
                    "error": o.error or None,
                }
                | ({"summary": o.plan.summary.to_json()} if o.plan is not None else {})
                for o in outcomes
            ]
        )
        sys.exit(0 if all(o.ok for o in outcomes) else 1)
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
@_format_option("compare.xlsx (a sheet per table)")
@_EXCEL_CSV
@_JSON
def compare(
    scenarios: tuple[Path, ...],
    out_dir: Path,
    solver: str | None,
    previous: Path | None,
    force: bool,
    output_format: Format,
    excel_csv: bool,
    as_json: bool,
) -> None:
    """Compare scenarios (TOML files to solve, or result folders) with the first.

    With --previous PREV, the base is the previous plan PREV and every scenario file is re-planned
    from it. Writes kpis.csv, line_changes.csv, lot_changes.csv (each line's quantity per lot, before
    and now) and moves.csv (stock a line took from one lot and now takes from another, with
    warehouses and owners) to --out and prints the KPIs side by side.
    """
    from rich.table import Table

    from models.cells import write_csv_text
    from models.loading import scenario_inputs
    from models.previous import read_previous
    from planner.app.compare import lot_changes, move_totals, moves
    from planner.result.formats import formatted
    from planner.result.output import MARKER, marker, output_folder
    from planner.result.xlsx import COMPARE_XLSX_FILE, compare_workbook

    if len(scenarios) < (1 if previous is not None else 2):
        raise click.UsageError("compare needs a base and at least one other scenario")
    inputs = [p for path in scenarios for p in (scenario_inputs(path) if path.is_file() else [path])]
    try:
        prev = read_previous(previous) if previous is not None else None
        with output_folder(
            out_dir, protect=[*inputs, *([previous] if previous else [])], force=force
        ) as claim:
            kpi, changes, results = _compared(scenarios, solver, prev, previous)
            moved = moves(results[0], results[1:])
            tables = {
                "kpis.csv": write_csv_text(kpi),
                "line_changes.csv": write_csv_text(changes),
                "lot_changes.csv": write_csv_text(lot_changes(results[0], results[1:])),
                "moves.csv": write_csv_text(moved),
            }
            today = results[0].summary.today
            workbook = (COMPARE_XLSX_FILE, lambda t: compare_workbook(t, today))
            files = formatted(tables, output_format, excel_csv, workbook)
            options: dict[str, object] = {"format": output_format} if output_format != "csv" else {}
            options |= {"excel_csv": True} if excel_csv else {}
            record = marker("compare", scenarios=[str(p) for p in scenarios], **options)
            claim.write(files | {MARKER: record})
    except PlannerError as exc:
        _fail(exc)
    if as_json:
        _print_json(json.loads(kpi.to_json(orient="records")))
        return
    table = Table(title=f"base: {results[0].name}")
    table.add_column("kpi")
    for r in results:
        table.add_column(_plain(r.name), justify="right")
    for column in kpi.columns[1:]:
        if kpi[column].notna().any():
            table.add_row(column, *(_cell(v) for v in kpi[column]))
    out.print(table)
    for r in results[1:]:
        n = move_totals(moved, r.name)
        out.print(
            f"{_plain(r.name)}: {n['between_lots']} unit(s) moved between lots "
            f"({n['between_warehouses']} between warehouses), {n['allocated']} newly allocated, "
            f"{n['released']} released"
        )
    out.print(f"{len(changes)} line(s) changed; written to {_plain(str(out_dir))}")


def _compared(
    scenarios: tuple[Path, ...],
    solver: str | None,
    previous: PreviousPlan | None = None,
    previous_folder: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[WrittenPlan]]:
    """The KPI table, the line changes against the first, and the results compared (with a previous
    plan: it comes first, and each scenario file is re-planned from it)."""
    from models.loading import load_scenario
    from planner.app.compare import WrittenPlan, kpi_table, line_changes
    from planner.engine.solve import solve as solve_scenario

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
@_JSON
def check(scenario: Path, result: Path, previous: Path | None, as_json: bool) -> None:
    """Check a result folder against the contract, independently of the optimiser (re-planned
    from a previous plan: also against it, and its changes.csv; a plan.xlsx there: against the CSVs)."""
    from models.previous import read_previous
    from planner.check import check_dir

    data = _load(scenario)
    if previous is not None:
        try:
            data = data.replace(previous=read_previous(previous))
        except PlannerError as exc:
            _fail(exc)
    violations = check_dir(data, result)
    if as_json:
        _print_json({"violations": [{"rule": v.rule, "message": v.message} for v in violations]})
        sys.exit(1 if violations else 0)
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
    from planner.app.explain import explain_lines, in_words, scenario_around

    named = [text.rpartition("/") for text in lines]
    keys = [(order, number) for order, slash, number in named if slash and order and number]
    try:
        data = scenario_around(scenario, result, keys)
    except InputErrors as exc:
        _fail(exc)
    for text, (order, slash, number) in zip(lines, named, strict=True):
        if not slash or not order or not number:
            raise click.BadParameter(f"{text!r} is not ORDER/LINE", param_hint="--line")
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
    from planner.io.generate import generate as generate_tables
    from planner.io.generate import write_scenario

    features = Features.only(set(Features.names()) - set(without))
    try:
        tables = generate_tables(lines, seed, features)
        write_scenario(tables, out_dir, f"synthetic-{lines}-{seed}", force, features)
    except PlannerError as exc:
        _fail(exc)
    out.print(f"written to {out_dir}")


@main.command()
@click.option(
    "--scenarios",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of scenarios to list (default: $PLANNER_SCENARIOS, else ./scenarios).",
)
@click.option(
    "--results",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of `planner run` results to read while up to date (default: $PLANNER_RESULTS).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (default: 8501).")
@click.option(
    "--address",
    default=None,
    help="Address to listen on (default: 127.0.0.1, this machine only: the dashboard has no login).",
)
def dashboard(scenarios: Path | None, results: Path | None, port: int | None, address: str | None) -> None:
    """Serve the dashboard in the browser (needs the [dashboard] extra)."""
    from planner.dashboard import launch

    why = launch.missing()
    if why is not None:
        err.print(f"[red]error[/red] {escape(why)}", highlight=False)
        sys.exit(2)
    command = launch.command(scenarios, results, port, address)
    os.execv(command[0], command)


# Imports from other systems and Excel workbooks (docs/imports.md).


@main.group(name="import")
def import_() -> None:
    """Write a scenario folder from another system's data export."""


_TODAY = click.DateTime(formats=["%Y-%m-%d"])


_URL = click.option(
    "--url",
    envvar="INVENTREE_API_HOST",
    default=None,
    help="InvenTree server, e.g. http://inventree.example.com:8000 (env INVENTREE_API_HOST).",
)
_TOKEN = click.option(
    "--token",
    envvar="INVENTREE_API_TOKEN",
    default=None,
    help="Its API token (env INVENTREE_API_TOKEN; never printed).",
)


@import_.command(name="inventree")
@click.argument("fixture", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_URL
@_TOKEN
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Scenario folder.")
@click.option("--today", type=_TODAY, default=None, help="Planning date YYYY-MM-DD (default: today).")
@click.option("--name", default=None, help="Scenario name (default: the folder's name).")
@_FORCE
def import_inventree_command(
    fixture: Path | None,
    url: str | None,
    token: str | None,
    out_dir: Path,
    today: datetime | None,
    name: str | None,
    force: bool,
) -> None:
    """InvenTree as a scenario: stock, builds, sales orders, open purchases. Either a data export
    (FIXTURE, a JSON fixture) or a live server (--url, --token, read through the official client)."""
    from planner.io.importers import import_inventree, import_inventree_server

    planning_date = today.date() if today else date.today()
    from_command_line = click.get_current_context().get_parameter_source("url") == ParameterSource.COMMANDLINE
    if fixture is not None and from_command_line:
        raise click.UsageError("give FIXTURE or --url, not both")
    if fixture is not None:
        _imported(
            lambda: import_inventree(fixture, planning_date), fixture.name, out_dir, name, force, fixture
        )
        return
    if url is None:
        raise click.UsageError("give FIXTURE (an InvenTree export) or --url (an InvenTree server)")
    _imported(lambda: import_inventree_server(url, token, planning_date), url, out_dir, name, force)


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
    from planner.io.importers import import_frepple

    objective_key = _objective_key(key)
    _imported(
        lambda: import_frepple(model, today.date() if today else None, objective_key),
        model.name,
        out_dir,
        name,
        force,
        model,
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
    run_import: Callable[[], ImportResult],
    origin: str,
    out_dir: Path,
    name: str | None,
    force: bool,
    source: Path | None = None,
) -> None:
    """Run an import of `origin` (a file's name or a server's address; `source` the file, never
    replaced), write its folder, print its report; exit 2 if it cannot be imported."""
    from rich.table import Table

    from planner.io.importers import write_import
    from planner.result.output import refuse_folder

    try:
        refuse_folder(out_dir, protect=[source] if source else [], force=force)
        result = run_import()
        write_import(result, out_dir, name, origin, source=source, force=force)
    except PlannerError as exc:
        _fail(exc)
    table = Table(title=f"{result.source} import of {_plain(origin)} (today {result.today})")
    table.add_column("count")
    table.add_column("n", justify="right")
    for key, n in result.report.items():
        table.add_row(_plain(key), str(n))
    out.print(table)
    for note in result.notes:
        out.print(f"note: {_plain(note)}")
    where = _plain(str(out_dir))
    out.print(f"written to {where} (report: import_report.json there); next: planner solve {where}")


@main.group(name="export")
def export_() -> None:
    """Write a plan back into another system."""


@export_.command(name="inventree")
@click.argument("scenario", type=click.Path(exists=True, path_type=Path))
@click.argument("result_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_URL
@_TOKEN
@click.option("--apply", is_flag=True, help="Send the requests (without it: a dry run that sends nothing).")
def export_inventree_command(
    scenario: Path, result_dir: Path, url: str | None, token: str | None, apply: bool
) -> None:
    """The plan in RESULT_DIR as InvenTree allocations: every request it takes, listed (and kept in
    RESULT_DIR/inventree_requests.json); with --apply sent, stopping at the first refused, each one
    sent appended to RESULT_DIR/inventree_sent.jsonl with InvenTree's answer (the list stays)."""
    from planner.io.exporters.post import REQUESTS_FILE, SENT_LOG, post_plan

    try:
        outcome = post_plan(scenario, result_dir, url, token, apply)
    except PlannerError as exc:
        _fail(exc)
    for request in outcome.export.requests:
        body = json.dumps(request.body, separators=(",", ":"))
        out.print(
            f"POST /api/{_plain(request.path)} {_plain(body)}  # {_plain(request.what)}", highlight=False
        )
    for reason in outcome.export.not_sent:
        out.print(f"not sent: {_plain(reason)}", highlight=False)
    count = f"{len(outcome.export.requests)} request(s)"
    already = f"{outcome.export.already} already in InvenTree"
    if apply:
        where = _plain(str(result_dir / SENT_LOG))
        out.print(f"{count}, sent {len(outcome.sent)}; {already}; logged in {where}", highlight=False)
    else:
        where = _plain(str(result_dir / REQUESTS_FILE))
        out.print(
            f"{count}, dry run: sent nothing (--apply sends them); {already}; listed in {where}",
            highlight=False,
        )


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
    from models.workbook import read_folder_tables, write_workbook, written_by_planner
    from planner.result.output import refuse_file

    if out_file.suffix.lower() != ".xlsx":
        raise click.UsageError("--out must name an .xlsx file")
    try:
        refuse_file(out_file, ours=written_by_planner, force=force)
        tables = read_folder_tables(source) if source is not None else None
        write_workbook(out_file, tables)
    except PlannerError as exc:
        _fail(exc)
    out.print(
        f'written to {_plain(str(out_file))}; use it with data = "{_plain(out_file.name)}" in a scenario file'
    )


@main.group()
def stocktake() -> None:
    """Stock take (SPEC 9): a sheet of the lots to count, then the counts as a what-if."""


@stocktake.command(name="sheet")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--force", is_flag=True, help="Replace a file that holds counts or was not written by the planner."
)
def stocktake_sheet(scenario: Path, out_file: Path, force: bool) -> None:
    """Write the lots on hand to count, with an empty `counted` column (.xlsx or .csv by the suffix)."""
    from models.loading import scenario_inputs
    from planner.app.stocktake import count_sheet, is_blank_sheet, write_sheet
    from planner.result.output import refuse_file

    if out_file.suffix.lower() not in (".xlsx", ".csv"):
        raise click.UsageError("--out must name an .xlsx or a .csv file")
    data = _load(scenario)
    try:
        refuse_file(out_file, ours=is_blank_sheet, protect=scenario_inputs(scenario), force=force)
    except PlannerError as exc:
        _fail(exc)
    sheet = count_sheet(data)
    try:
        write_sheet(sheet, out_file)
    except PlannerError as exc:
        _fail(exc)
    out.print(f"{len(sheet)} lot(s) to count written to {_plain(str(out_file))}; fill in `counted`")


@stocktake.command(name="apply")
@click.argument("scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("counts", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mode",
    type=click.Choice(MODES),
    required=True,
    help="listed: set the counted lots only; all: also set every uncounted lot on hand with nothing "
    "committed on it to 0.",
)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_FORCE
def stocktake_apply(scenario: Path, counts: Path, mode: Mode, out_file: Path, force: bool) -> None:
    """Write the counts as a what-if (a TOML file) that extends SCENARIO; solve it with --previous."""
    from planner.app.stocktake import take_stock, write_whatif

    if out_file.suffix.lower() != ".toml":
        raise click.UsageError("--out must name a .toml file")
    data = _load(scenario)
    try:
        stock = take_stock(data, counts, mode)
        write_whatif(stock, scenario, counts, mode, out_file, force=force)
    except PlannerError as exc:
        _fail(exc)
    out.print(f"{len(stock.changes)} lot quantity change(s), {len(stock.new_lots)} new lot(s)")
    if stock.kept:
        out.print(_plain(f"not counted, kept (committed stock on them): {', '.join(stock.kept)}"))
    out.print(f"written to {_plain(str(out_file))}")


def print_summary(plan: Plan, max_tiers: int = 15) -> None:
    """Tiers (first few), totals, status, time and the gain over the ERP-style greedy."""
    from rich.table import Table

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
    for note in summary.notes:
        out.print(_plain(f"note: {note}"))


def _key_text(key: tuple[object, ...]) -> str:
    return " ".join(v.isoformat() if isinstance(v, date) else str(v) for v in key)


if __name__ == "__main__":  # python -m planner.cli
    main()
