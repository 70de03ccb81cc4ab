"""Every rule with its code, run over a plan's tables: `check_tables` and `check_dir`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from models.cells import read_csv_file
from models.codes import PlanStatus
from models.collector import collector_paused
from models.previous import COMPONENTS
from models.records import Scenario
from planner.check import eligibility, pins, previous, references, reports, restrictions
from planner.check.explain import explain_rows
from planner.check.facts import Facts
from planner.check.items import item_figures
from planner.check.summary import summary_figures
from planner.check.tables import (
    ALLOCATION_COLUMNS,
    LINE_COLUMNS,
    PlanTables,
    missing_columns,
    read_allocations,
    read_lines,
)
from planner.check.violation import Violation
from planner.check.workbook import workbook_figures

Rule = Callable[[Facts, PlanTables], Iterator[str]]


RULES: tuple[tuple[str, Rule], ...] = (
    ("unknown_reference", references.unknown_references),
    ("mismatch", references.mismatches),
    ("lot_may_not_serve", eligibility.lots_may_not_serve),
    ("lot_capacity", restrictions.lot_capacity),
    ("safety_stock", restrictions.safety_stock),
    ("reservation", restrictions.reservations),
    ("eligibility", eligibility.eligibility),
    ("nonstock", eligibility.nonstock_rows),
    ("nonstock", eligibility.nonstock_lines),
    ("line_quantity", restrictions.line_quantity),
    ("kit_ratio", restrictions.kit_ratio),
    ("pack_size", restrictions.pack_size),
    ("full_line", restrictions.full_line),
    ("full_delivery", restrictions.full_delivery),
    ("status", reports.status),
    ("tier", reports.tiers),
    ("available_on", reports.available_on),
    ("previous", previous.previous_rows),
    ("pin", pins.pins_honoured),
    ("pin", pins.pins_complete),
)


def check_tables(
    scenario: Scenario,
    allocations: pd.DataFrame,
    lines: pd.DataFrame,
    summary: object = None,
    items: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    explain: pd.DataFrame | None = None,
) -> list[Violation]:
    """Every way the plan's tables break the contract; empty when they keep it.

    `summary` (summary.json's parsed content) and `items` (items.csv) are checked against the
    scenario, the allocations and the lines when given. A plan re-planned from a previous one
    (`scenario.previous`) also has `changes` (changes.csv) checked against the previous plan
    (SPEC 9.5); without it, that it is missing. `explain` (explain.csv, SPEC 10) is checked
    when given.
    """
    found = missing_columns(allocations, ALLOCATION_COLUMNS, "allocations")
    found += missing_columns(lines, LINE_COLUMNS, "lines")
    if not found:
        with collector_paused():
            found = _violations(scenario, allocations, lines, summary, items, changes, explain)
    return sorted(set(found), key=lambda v: (v.rule, v.message))


def _violations(
    scenario: Scenario,
    allocations: pd.DataFrame,
    lines: pd.DataFrame,
    summary: object,
    items: pd.DataFrame | None,
    changes: pd.DataFrame | None,
    explain: pd.DataFrame | None,
) -> list[Violation]:
    """The violations of tables that have every column, in no particular order."""
    rows, row_problems = read_allocations(allocations)
    results, line_problems = read_lines(lines)
    facts, plan = Facts(scenario), PlanTables(rows, results, scenario.lines)
    found = row_problems + line_problems
    found += [Violation(code, message) for code, rule in RULES for message in rule(facts, plan)]
    short = reports.ShortReasons(facts, plan)
    found += [Violation("reason", message) for message in reports.reasons(facts, plan, short)]
    if summary is not None:
        found += [Violation("summary", message) for message in summary_figures(facts, plan, summary)]
    if items is not None:
        found += [Violation("items", message) for message in item_figures(facts, plan, items)]
    if explain is not None:
        found += [Violation("explain", message) for message in explain_rows(facts, plan, explain, short)]
    if scenario.previous is not None:
        if changes is None:
            found.append(Violation("changes", "a plan re-planned from a previous one has no changes table"))
        else:
            found += previous.changes(facts, plan, changes)
    return found


CONTRACT_FILES = ("allocations.csv", "lines.csv", "items.csv", "summary.json")
"""The files every result folder holds (SPEC section 6)."""


def check_dir(scenario: Scenario, out_dir: Path) -> list[Violation]:
    """`check_tables` on a written plan; a contract file that is missing or cannot be read is reported."""
    frames: dict[str, pd.DataFrame] = {}
    summary: object = None
    problems: list[Violation] = []
    names = CONTRACT_FILES + (("changes.csv",) if scenario.previous is not None else ())
    names += ("explain.csv",) if (Path(out_dir) / "explain.csv").exists() else ()
    for name in names:
        path = Path(out_dir) / name
        try:
            if name.endswith(".json"):
                summary = json.loads(path.read_text(encoding="utf-8"))
            else:
                frames[name] = read_csv_file(path)
        except FileNotFoundError:
            problems.append(Violation("table_format", f"{path} is missing"))
        except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(Violation("table_format", f"{path} cannot be read: {reason}"))
    if problems:
        return problems
    return (
        _listed_unproved(out_dir, summary)
        + workbook_figures(out_dir, frames, summary)
        + check_tables(
            scenario,
            frames["allocations.csv"],
            frames["lines.csv"],
            summary,
            frames["items.csv"],
            frames.get("changes.csv"),
            frames.get("explain.csv"),
        )
    )


def _listed_unproved(out_dir: Path, summary: object) -> list[Violation]:
    """components.txt (the fingerprints a re-plan takes components over by) only beside a plan
    proved optimal: a re-plan takes those components over as proved."""
    listed = Path(out_dir) / COMPONENTS
    status = summary.get("status") if isinstance(summary, dict) else None
    unproved = {s.value for s in PlanStatus} - {PlanStatus.OPTIMAL.value}
    if listed.is_file() and status in unproved:  # a status that is no status is the summary's rule
        return [Violation("components", f"{listed} lists components of a plan that is {status}, not optimal")]
    return []
