"""Loading a scenario: the TOML settings file and its tables (CSV files or one workbook), into a `Scenario`.

`load_scenario` reads files, `scenario_from_frames` takes pandas DataFrames (a notebook's);
both run the same validation and report every problem at once by raising `InputErrors`;
unknown columns only warn (`UserWarning`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from models.collector import collector_paused
from models.edits import EDIT_KINDS, Edit, RowOrigins, apply_edits, parse_edits
from models.errors import InputError, InputErrors
from models.previous import read_previous
from models.records import (
    DEFAULT_OBJECTIVE_KEY,
    OBJECTIVE_FIELDS,
    SOLVER_NAMES,
    Alternate,
    Item,
    KitComponent,
    Line,
    Lot,
    Order,
    Pin,
    PreviousPlan,
    Reservation,
    Scenario,
    SolverOptions,
    WarehouseSafetyStock,
    line_sort_key,
)
from models.tables import (
    ALTERNATES,
    ITEMS,
    KITS,
    LINES,
    LOTS,
    ORDERS,
    PINS,
    RESERVATIONS,
    ROW,
    SAFETY_STOCK,
    TABLES,
    RawTable,
    parse_table,
    raw_from_cells,
    read_raw,
)
from models.validation import cross_check
from models.workbook import is_workbook, read_workbook, workbook_error

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SCENARIO_FILE = "scenario.toml"
"""The settings file looked for when `load_scenario` is given a folder."""

_TOP_KEYS = (
    "name",
    "today",
    "data",
    "company",
    "objective",
    "solver",
    "plan",
    "previous",
    "extends",
    *EDIT_KINDS,
)
_OBJECTIVE_KEYS = ("key",)
_PLAN_KEYS = ("keep",)
_SOLVER_KEYS = ("name", "time_limit")
MAX_SCENARIO_BYTES = 1 << 20
"""The largest scenario (TOML) file read: 1 MiB (its tables may be far larger)."""
MAX_EXTENDS_DEPTH = 32
"""How many files an `extends` chain may hold, the scenario's own included."""
MAX_TIME_LIMIT = 1e7
"""The largest time limit in seconds (about 116 days)."""

R = TypeVar("R", bound="DataclassInstance")


@dataclass(slots=True)
class _Settings:
    """What the TOML file says; None where it is missing or wrong (an error is then recorded)."""

    name: str
    today: date | None = None
    data: Path | None = None
    objective_key: tuple[str, ...] = DEFAULT_OBJECTIVE_KEY
    solver: SolverOptions = field(default_factory=SolverOptions)
    company: str = ""
    keep: bool = False
    previous: Path | None = None
    edits: list[Edit] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TrustedTables:
    """A scenario whose files a load found valid before, byte for byte (planner.io.run_json.solved_from),
    with its lines and lots kept as parsed tables (in file order), so that a part of a large scenario
    is built without the records of the rest."""

    scenario: Scenario
    """Every table's records but the lines' and the lots' (none)."""
    lines: pd.DataFrame
    lots: pd.DataFrame

    def part(self, lines: np.ndarray, lots: np.ndarray) -> Scenario:
        """The scenario with only the lines and lots of these rows (boolean masks in file order)."""
        return self.scenario.replace(lines=_lines(self.lines[lines]), lots=_lots(self.lots[lots]))


@collector_paused()
def load_scenario(path: str | Path) -> Scenario:
    """The scenario described by a TOML file (or a folder holding `scenario.toml`) and its CSV tables.

    Raises `InputErrors` with every problem found in the settings and the
    tables; nothing is returned unless the whole input is valid.
    """
    frames, assemble = _read(path, across=True)
    return assemble(frames)


@collector_paused()
def load_trusted(path: str | Path) -> TrustedTables:
    """The scenario as `load_scenario` reads it, for files a load found valid before, byte for byte
    (planner.io.run_json.solved_from): the checks across tables are skipped (each cell is still
    parsed, and a cell that does not parse still reported) and no line or lot is a record yet."""
    frames, assemble = _read(path, across=False)
    lines, lots = frames[LINES.name], frames[LOTS.name]
    return TrustedTables(
        assemble({**frames, LINES.name: lines.iloc[:0], LOTS.name: lots.iloc[:0]}), lines, lots
    )


def _read(
    path: str | Path, across: bool
) -> tuple[dict[str, pd.DataFrame], Callable[[dict[str, pd.DataFrame]], Scenario]]:
    """The scenario's parsed tables (checked across tables if `across`) and what assembles a scenario
    of such tables; InputErrors with every problem found."""
    errors: list[InputError] = []
    file = settings_file(Path(path))
    settings = _read_settings(file, errors)
    frames: dict[str, pd.DataFrame] = {}
    origins = RowOrigins()
    if settings.data is not None:
        if is_workbook(settings.data):
            raws = read_workbook(settings.data, TABLES, errors)
        else:
            raws = {spec.name: read_raw(settings.data, spec, errors) for spec in TABLES}
        readable = {name: raw for name, raw in raws.items() if raw is not None}
        apply_edits(readable, {spec.name: spec for spec in TABLES}, settings.edits, origins, errors)
        frames = _parsed(raws, errors, across)
    previous = None
    if settings.previous is not None:
        try:
            previous = read_previous(settings.previous)
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors or settings.today is None or len(frames) != len(TABLES):
        located = [origins.locate(e) for e in errors]
        if settings.data is not None and is_workbook(settings.data):
            located = [workbook_error(e, settings.data) for e in located]
        raise InputErrors(located)
    today = settings.today

    def assemble(tables: dict[str, pd.DataFrame]) -> Scenario:
        return _assembled(
            tables,
            pins=_pins(tables[PINS.name], origins, settings.data),
            name=settings.name,
            today=today,
            objective_key=settings.objective_key,
            solver=settings.solver,
            company=settings.company,
            keep=settings.keep,
            previous=previous,
        )

    return frames, assemble


@collector_paused()
def scenario_from_frames(
    tables: Mapping[str, pd.DataFrame],
    today: date | str,
    *,
    name: str = "frames",
    company: str = "",
    objective_key: Sequence[str] = DEFAULT_OBJECTIVE_KEY,
    keep: bool = False,
    solver: SolverOptions | None = None,
    previous: PreviousPlan | None = None,
) -> Scenario:
    """The scenario of these tables (keyed "lots" or "lots.csv", columns as in the CSV files;
    optional tables may be left out), validated exactly as `load_scenario` validates files.

    Cells are read as their text (a date as YYYY-MM-DD, a bool as true/false, a whole float as an
    integer, a list as `;`-separated, NaN and None as empty). Raises `InputErrors` with every
    problem at once; a row is numbered as in the frame written by `to_csv(index=False)` (its
    first record is row 2).
    """
    errors: list[InputError] = []
    specs = {spec.name: spec for spec in TABLES}
    given = {key if key.endswith(".csv") else f"{key}.csv": frame for key, frame in tables.items()}
    for key in sorted(set(given) - set(specs)):
        errors.append(InputError(key, None, None, f"unknown table (tables: {', '.join(specs)})"))
    raws: dict[str, RawTable | None] = {}
    for spec in TABLES:
        frame = given.get(spec.name)
        if frame is None:
            raws[spec.name] = (
                None if not spec.optional else RawTable([], pd.DataFrame(index=pd.RangeIndex(0)))
            )
            if not spec.optional:
                errors.append(InputError(spec.name, None, None, f"required table {spec.name} not given"))
            continue
        header = [str(c).strip() for c in frame.columns]
        body = pd.DataFrame(
            {p: [_cell_text(v) for v in frame.iloc[:, p]] for p in range(len(header))},
            index=pd.RangeIndex(1, len(frame) + 1),
        )
        raws[spec.name] = raw_from_cells(header, body, spec, errors)
    frames = _parsed(raws, errors)

    def error(column: str, message: str) -> None:
        errors.append(InputError(name, None, column, message))

    settings = {"today": today, "company": company}
    day, chosen = _read_today(settings, error), _read_company(settings, error)
    tier_key = _read_objective_key(list(objective_key), error)
    if errors or day is None or tier_key is None or len(frames) != len(TABLES):
        raise InputErrors(errors)
    return _assembled(
        frames,
        pins=_pins(frames[PINS.name], RowOrigins(), None),
        name=name,
        today=day,
        objective_key=tier_key,
        solver=solver or SolverOptions(),
        company=chosen,
        keep=keep,
        previous=previous,
    )


def _cell_text(value: object) -> str:
    """A DataFrame cell as the text a CSV file would hold."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # pandas' Timestamp too
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple | set | frozenset):
        return ";".join(str(v) for v in value)
    return str(value).strip()


def _parsed(
    raws: Mapping[str, RawTable | None], errors: list[InputError], across: bool = True
) -> dict[str, pd.DataFrame]:
    """Each table that could be read, parsed; then the checks across tables (unless not `across`)."""
    frames: dict[str, pd.DataFrame] = {}
    for spec in TABLES:
        raw = raws[spec.name]
        frame = parse_table(raw, spec, errors) if raw is not None else None
        if frame is not None:
            frames[spec.name] = frame
    if across:
        errors.extend(cross_check(frames))
    return frames


def _assembled(
    frames: dict[str, pd.DataFrame],
    *,
    pins: tuple[Pin, ...],
    name: str,
    today: date,
    objective_key: tuple[str, ...],
    solver: SolverOptions,
    company: str,
    keep: bool,
    previous: PreviousPlan | None,
) -> Scenario:
    """The scenario of valid tables, each table's records in their canonical order."""
    return Scenario(
        name=name,
        today=today,
        items=tuple(sorted(_records(frames[ITEMS.name], Item), key=lambda r: r.item)),
        lots=_lots(frames[LOTS.name]),
        orders=tuple(sorted(_records(frames[ORDERS.name], Order), key=lambda r: r.order)),
        lines=_lines(frames[LINES.name]),
        kits=tuple(sorted(_records(frames[KITS.name], KitComponent), key=lambda r: (r.kit, r.component))),
        alternates=tuple(
            sorted(_records(frames[ALTERNATES.name], Alternate), key=lambda r: (r.item, r.alternate))
        ),
        safety_stock=tuple(
            sorted(
                _records(frames[SAFETY_STOCK.name], WarehouseSafetyStock),
                key=lambda r: (r.item, r.warehouse),
            )
        ),
        reservations=tuple(
            sorted(
                _records(frames[RESERVATIONS.name], Reservation),
                key=lambda r: (r.order, line_sort_key(r.line), r.lot),
            )
        ),
        pins=pins,
        objective_key=objective_key,
        solver=solver,
        company=company,
        keep=keep,
        previous=previous,
    )


def _lots(frame: pd.DataFrame) -> tuple[Lot, ...]:
    return tuple(sorted(_records(frame, Lot), key=lambda r: r.lot))


def _lines(frame: pd.DataFrame) -> tuple[Line, ...]:
    return tuple(sorted(_records(frame, Line), key=lambda r: (r.order, line_sort_key(r.line))))


def _pins(frame: pd.DataFrame, origins: RowOrigins, data: Path | None) -> tuple[Pin, ...]:
    """The pins, each with the file (or sheet) and row it was written in, in (order, line, lot) order."""
    pins = []
    for pin in _records(frame.assign(table=PINS.name, row=frame[ROW]), Pin):
        where = origins.locate(InputError(PINS.name, pin.row, None, ""))
        if data is not None and is_workbook(data):
            where = workbook_error(where, data)
        pins.append(dataclasses.replace(pin, table=where.table, row=where.row or 0))
    return tuple(sorted(pins, key=lambda p: (p.order, line_sort_key(p.line), p.lot)))


def _records(frame: pd.DataFrame, cls: type[R]) -> list[R]:
    """One record per frame row, built from the columns named like the record's fields (in field order)."""
    names: Sequence[str] = [f.name for f in dataclasses.fields(cls)]
    columns = [python_values(frame[name]) for name in names]
    return [cls(*values) for values in zip(*columns, strict=True)]


def python_values(series: pd.Series) -> list[Any]:
    """The column as plain Python values (int, bool, str, date, tuple), None where missing."""
    if series.dtype == object:
        return series.tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def scenario_inputs(path: str | Path) -> list[Path]:
    """Every file a valid scenario is read from: its TOML chain, its tables and added rows."""
    settings = _read_settings(settings_file(Path(path)), [])
    tables = [settings.data / spec.name for spec in TABLES] if settings.data is not None else []
    if settings.data is not None and is_workbook(settings.data):
        tables = [settings.data]
    added = [e.file for e in settings.edits if e.file is not None]
    previous = settings.previous / "allocations.csv" if settings.previous is not None else None
    found = [*settings.files, *(t.resolve() for t in tables if t.is_file()), *added]
    return found + ([previous.resolve()] if previous is not None and previous.is_file() else [])


def settings_file(path: Path) -> Path:
    """The TOML file itself, or `scenario.toml` inside a folder."""
    return path / SCENARIO_FILE if path.is_dir() else path


def _read_settings(file: Path, errors: list[InputError]) -> _Settings:
    """The settings of a scenario file; problems are appended to `errors` (table = the file's name)."""
    table = file.name
    default_name = file.parent.resolve().name if file.name == SCENARIO_FILE else file.stem
    settings = _Settings(name=default_name or file.stem)

    def error(column: str | None, message: str, row: int | None = None) -> None:
        errors.append(InputError(table, row, column, message))

    chain = _read_chain(file, errors, [], settings.files)
    if chain is None:
        return settings
    document, settings.edits = chain

    for key in document:
        if key not in _TOP_KEYS:
            error(key, f"unknown setting '{key}' (expected one of: {', '.join(_TOP_KEYS)})")

    name = document.get("name", settings.name)
    if isinstance(name, str) and name.strip():
        settings.name = name.strip()
    else:
        error("name", f"name must be a non-empty text, got {name!r}")

    settings.today = _read_today(document, error)
    settings.company = _read_company(document, error)

    data = document.get("data", ".")
    if not isinstance(data, str):
        error("data", f"data must be a folder path as text, got {data!r}")
    else:
        folder = file.parent / data  # absolute when inherited through `extends`
        if folder.is_dir() or (is_workbook(folder) and folder.is_file()):
            settings.data = folder
        elif is_workbook(folder):
            error("data", f"data workbook '{data}' not found (looked for {folder})")
        else:
            error("data", f"data folder '{data}' not found (looked for {folder})")

    objective = document.get("objective", {})
    if not isinstance(objective, dict):
        error(
            "objective",
            'objective must be a table, e.g. [objective] key = ["ship_date", "priority"]',
        )
    else:
        _unknown_keys(objective, "objective", _OBJECTIVE_KEYS, error)
        if "key" in objective:
            objective_key = _read_objective_key(objective["key"], error)
            if objective_key is not None:
                settings.objective_key = objective_key

    solver = document.get("solver", {})
    if not isinstance(solver, dict):
        error("solver", 'solver must be a table, e.g. [solver] name = "auto"')
    else:
        _unknown_keys(solver, "solver", _SOLVER_KEYS, error)
        settings.solver = _read_solver(solver, error)

    plan = document.get("plan", {})
    if not isinstance(plan, dict):
        error("plan", "plan must be a table, e.g. [plan] keep = true")
    else:
        _unknown_keys(plan, "plan", _PLAN_KEYS, error)
        keep = plan.get("keep", False)
        if isinstance(keep, bool):
            settings.keep = keep
        else:
            error("plan.keep", f"keep must be true or false, got {keep!r}")

    if "previous" in document:
        previous = document["previous"]
        if isinstance(previous, str) and previous.strip():
            settings.previous = file.parent / previous  # absolute when inherited through `extends`
        else:
            error("previous", f"previous must be a result folder path as text, got {previous!r}")
    return settings


def _read_chain(
    file: Path, errors: list[InputError], seen: list[Path], files: list[Path]
) -> tuple[dict[str, Any], list[Edit]] | None:
    """The settings of `file` merged over those of the files it extends, and all their edits in order.

    A child's top-level keys override its base's (the tables `[objective]` and
    `[solver]` key by key); `name` is never inherited (a what-if defaults to its
    file's name); an inherited `data` folder stays relative to the file that named it.
    """
    table = file.name
    resolved = file.resolve()
    if resolved in seen:
        cycle = " -> ".join(p.name for p in [*seen, resolved])
        errors.append(InputError(table, None, "extends", f"extends forms a cycle: {cycle}"))
        return None
    if len(seen) >= MAX_EXTENDS_DEPTH:
        message = f"extends goes more than {MAX_EXTENDS_DEPTH} files deep (from {seen[0].name})"
        errors.append(InputError(table, None, "extends", message))
        return None
    try:
        text = _scenario_text(file).decode("utf-8")
        document = tomllib.loads(text)
    except FileNotFoundError:
        errors.append(InputError(table, None, None, f"scenario file not found: {file}"))
        return None
    except _NotAScenarioFile as exc:
        errors.append(InputError(table, None, None, f"{file} {exc}"))
        return None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        errors.append(
            InputError(table, int(match.group(1)) if match else None, None, f"not valid TOML: {exc}")
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(InputError(table, None, None, f"cannot read the scenario file: {exc}"))
        return None
    files.append(resolved)
    edits, problems = parse_edits(document, text, file, (spec.name for spec in TABLES))
    errors.extend(InputError(table, None, None, p) for p in problems)
    base: dict[str, Any] = {}
    base_edits: list[Edit] = []
    if "extends" in document:
        parent = document["extends"]
        if not isinstance(parent, str):
            errors.append(InputError(table, None, "extends", f"extends must be a file path, got {parent!r}"))
            return None
        chain = _read_chain(file.parent / parent, errors, [*seen, resolved], files)
        if chain is None:
            return None
        base, base_edits = chain
        base.pop("name", None)
        base.setdefault("data", ".")
        for key in ("data", "previous"):
            if isinstance(base.get(key), str):
                base[key] = str((file.parent / parent).parent.resolve() / base[key])
    merged = dict(base)
    for key, value in document.items():
        if key in ("extends", *EDIT_KINDS):
            continue
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = base[key] | value
        else:
            merged[key] = value
    return merged, base_edits + edits


class _NotAScenarioFile(Exception):
    """A scenario path that is not a regular file of a sane size (the message says which)."""


def _scenario_text(file: Path) -> bytes:
    """The bytes of a scenario file: a regular file of at most MAX_SCENARIO_BYTES, read no further."""
    # opened without blocking (a FIFO would wait for a writer), then checked: what is checked is what is read
    with os.fdopen(os.open(file, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _NotAScenarioFile("is not a regular file; a scenario is a TOML file")
        data = handle.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        raise _NotAScenarioFile(f"is larger than {MAX_SCENARIO_BYTES >> 20} MiB; a scenario file is small")
    return data


def _unknown_keys(
    section: dict[str, Any],
    prefix: str,
    allowed: tuple[str, ...],
    error: Callable[[str, str], None],
) -> None:
    for key in section:
        if key not in allowed:
            error(
                f"{prefix}.{key}",
                f"unknown setting '{prefix}.{key}' (expected one of: {', '.join(allowed)})",
            )


def _read_today(document: dict[str, Any], error: Callable[[str, str], None]) -> date | None:
    """The planning date: a TOML date or an ISO date text."""
    if "today" not in document:
        error("today", 'today is required (the planning date, e.g. today = "2026-11-20")')
        return None
    value = document["today"]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    error("today", f"'{value}' is not a date (use YYYY-MM-DD)")
    return None


def _read_company(document: dict[str, Any], error: Callable[[str, str], None]) -> str:
    """The company as an owner name (SPEC 8), "" when not named; a wrong value is recorded."""
    value = document.get("company", "")
    if not isinstance(value, str):
        error("company", f'company must be an owner name as text, e.g. company = "MAIN", got {value!r}')
        return ""
    name = value.strip()
    if name == "*" or ";" in name:
        error("company", f"company must be one owner name (not '*', no ';'), got {value!r}")
        return ""
    return name


def _read_objective_key(value: object, error: Callable[[str, str], None]) -> tuple[str, ...] | None:
    """A non-empty list of distinct objective fields, or None (error recorded)."""
    column = "objective.key"
    if not isinstance(value, list) or not value:
        error(
            column,
            f"objective key must be a non-empty list of fields ({', '.join(OBJECTIVE_FIELDS)}),"
            f" got {value!r}",
        )
        return None
    ok = True
    seen: set[str] = set()
    for entry in value:
        if not isinstance(entry, str) or entry not in OBJECTIVE_FIELDS:
            error(
                column,
                f"'{entry}' is not an objective field (one of: {', '.join(OBJECTIVE_FIELDS)})",
            )
            ok = False
        elif entry in seen:
            error(column, f"objective field '{entry}' is listed more than once")
            ok = False
        else:
            seen.add(entry)
    return tuple(value) if ok else None


def _read_solver(section: dict[str, Any], error: Callable[[str, str], None]) -> SolverOptions:
    """The solver options; wrong values are recorded and replaced by the defaults."""
    name = section.get("name", "auto")
    if isinstance(name, str) and name.strip().lower().startswith("pulp:") and name.strip()[5:]:
        # PuLP's solver names are case-sensitive (HiGHS, GUROBI_CMD): kept as written.
        return SolverOptions(name="pulp:" + name.strip()[5:], time_limit=_read_time_limit(section, error))
    if not isinstance(name, str) or name.strip().lower() not in SOLVER_NAMES:
        error("solver.name", f"'{name}' is not a solver (one of: {', '.join(SOLVER_NAMES)}, pulp:SOLVER)")
        name = "auto"
    return SolverOptions(name=name.strip().lower(), time_limit=_read_time_limit(section, error))


def _read_time_limit(section: dict[str, Any], error: Callable[[str, str], None]) -> float | None:
    """The time limit in seconds, or None; a wrong value is recorded and dropped."""
    time_limit = section.get("time_limit")
    if time_limit is not None:
        number_ok = isinstance(time_limit, int | float) and not isinstance(time_limit, bool)
        if not number_ok or not math.isfinite(time_limit) or not 0 < time_limit <= MAX_TIME_LIMIT:
            error(
                "solver.time_limit",
                f"time limit must be a positive number of seconds, at most {MAX_TIME_LIMIT:g},"
                f" got {time_limit!r}",
            )
            time_limit = None
        else:
            time_limit = float(time_limit)
    return time_limit
