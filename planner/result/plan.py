"""The result of a solve: allocations, per-tier outcome and how it was obtained.

A `Plan` turns itself into the contract's tables (SPEC section 6) through
`planner.result.report` and writes them atomically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from models.cells import write_csv_text
from models.codes import PlanStatus, Reason, Source
from models.previous import COMPONENTS, previous_plan
from models.records import PreviousPlan
from planner.engine.eligibility import Prepared
from planner.engine.first_in_tier import FirstInTier
from planner.result import explain, report
from planner.result.formats import Format, formatted
from planner.result.held_by import Holdings, holdings
from planner.result.leftover import Leftover
from planner.result.output import MARKER, marker, write_atomically
from planner.result.summary import Changes, IgnoredReservation, Summary, TierSummary, Totals


@dataclass(frozen=True, slots=True)
class Allocation:
    """One row of allocations.csv: `quantity` of lot `lot` (empty for nonstock) to a line."""

    order: str
    line: str
    item: str
    lot: str
    warehouse: str
    owner: str
    quantity: int
    source: Source


@dataclass(frozen=True, slots=True)
class TierResult:
    """A tier's outcome; `bound` is the proven upper bound (== allocated when optimal)."""

    tier: int
    key: tuple[object, ...]
    requested: int
    allocated: int
    bound: int
    baseline: int | None = None
    """What the ERP-style greedy allocates to this tier, for comparison."""


@dataclass(frozen=True)
class Plan:
    """An allocation of one scenario, as `solve` returns it once the checker has passed it."""

    prepared: Prepared
    added: dict[int, int]
    """Quantity the optimiser adds per participating line index (units, or kits)."""
    allocations: tuple[Allocation, ...]
    status: PlanStatus
    solver: str
    seconds: float
    tiers: tuple[TierResult, ...]
    notes: tuple[str, ...] = field(default=())
    phases: dict[str, float] = field(default_factory=dict)
    """Wall seconds per phase of `solve` (eligibility, greedy, optimise, assign, report and
    check: the checker reads the report tables), for benchmarks; not in the contract files."""
    flow_lines: frozenset[int] = frozenset()
    """The lines the exact lexicographic flow solved (their tier's split is the assignment's)."""
    first_in_tier: Mapping[int, FirstInTier] | None = None
    """SPEC 10's first_in_tier per short line, when computed (`with_first_in_tier`)."""
    solved: tuple[str, ...] = ()
    """Fingerprints of the components, when the plan is proved optimal (planner.engine.takeover):
    components.txt, which a re-plan from the folder reads."""

    @property
    def scenario_name(self) -> str:
        return self.prepared.scenario.name

    def allocations_frame(self) -> pd.DataFrame:
        return self._allocations.copy()

    def lines_frame(self) -> pd.DataFrame:
        return self._lines.copy()

    def items_frame(self) -> pd.DataFrame:
        return self._items.copy()

    @cached_property
    def _items(self) -> pd.DataFrame:
        return report.items_frame(self)

    @cached_property
    def _allocations(self) -> pd.DataFrame:
        return report.allocations_frame(self)

    @cached_property
    def _lines(self) -> pd.DataFrame:
        return report.lines_frame(self)

    @cached_property
    def line_allocated(self) -> list[int]:
        """Allocated quantity of every prepared line (reservations included; nonstock in full)."""
        return report.line_allocated(self)

    @cached_property
    def holdings(self) -> Holdings:
        """The allocation rows from lots as arrays (lot, line, tier, source, quantity)."""
        return holdings(self)

    @cached_property
    def leftover(self) -> Leftover:
        """What the plan leaves in the lots (the short reasons and explain.csv read it)."""
        return Leftover(self)

    @cached_property
    def short_reasons(self) -> dict[int, Reason]:
        """The reason of every participating line that is not full, by line index."""
        return report.short_reasons(self)

    def explain_frame(self) -> pd.DataFrame:
        return self._explain.copy()

    @cached_property
    def _explain(self) -> pd.DataFrame:
        return explain.explain_frame(self, self.first_in_tier)

    def with_first_in_tier(self, first: Mapping[int, FirstInTier]) -> Plan:
        """The same plan with explain.csv's first_in_tier and extra_stock for the lines in `first`."""
        return replace(self, first_in_tier=first)

    def changes_frame(self) -> pd.DataFrame:
        """changes.csv: what changed against the previous plan (empty without one)."""
        return self._changes.copy()

    @cached_property
    def _changes(self) -> pd.DataFrame:
        return report.changes_frame(self)

    def _change_summary(self) -> Changes | None:
        previous = self.prepared.previous
        if previous is None:
            return None
        changes = self._changes
        return Changes(
            units_moved=int((changes["now"] - changes["before"]).abs().sum()),
            lines_changed=len({(o, ln) for o, ln in zip(changes["order"], changes["line"])}),
            dropped=dict(previous.dropped),
        )

    @cached_property
    def summary(self) -> Summary:
        """summary.json's content (SPEC section 6), plus the greedy baseline and notes."""
        lines = self.lines_frame()
        taking_part = lines[lines["tier"] != ""]
        requested = int(taking_part["requested"].sum())
        allocated = int(taking_part["allocated"].sum())
        baseline = [t.baseline for t in self.tiers]
        return Summary(
            scenario=self.scenario_name,
            today=self.prepared.scenario.today,
            objective_key=tuple(self.prepared.scenario.objective_key),
            status=self.status,
            solver=self.solver,
            seconds=round(self.seconds, 3),
            tiers=tuple(
                TierSummary(t.tier, t.key, t.requested, t.allocated, t.bound, t.baseline) for t in self.tiers
            ),
            totals=Totals(
                lines=len(taking_part),
                lines_full=int((taking_part["status"] == "full").sum()),
                requested=requested,
                allocated=allocated,
                fill_rate=round(allocated / requested, 4) if requested else 1.0,
            ),
            ignored_reservations=tuple(
                IgnoredReservation(r.order, r.line, r.lot, r.quantity, r.why)
                for r in self.prepared.ignored_reservations
            ),
            notes=(*self.prepared.notes, *self.notes),
            greedy_allocated=sum(b or 0 for b in baseline) if all(b is not None for b in baseline) else None,
            changes=self._change_summary(),
        )

    def as_previous(self, folder: str) -> PreviousPlan:
        """The plan as the previous plan of a re-plan (SPEC 9): what `read_previous` reads once it is
        written as `folder` (its allocations.csv rows from a lot, its fingerprints)."""
        rows = self._allocations
        return previous_plan(
            folder,
            zip(rows["order"], rows["line"], rows["lot"], rows["quantity"], range(2, len(rows) + 2)),
            frozenset(self.solved),
        )

    def files(self) -> dict[str, str]:
        """The result folder's files (name -> text): the four tables and explain.csv (no cell a formula:
        SPEC 11) and a minimal run.json; changes.csv too when re-planned from a previous plan."""
        changes = {}
        if self.prepared.previous is not None:
            changes["changes.csv"] = write_csv_text(self.changes_frame())
        if self.solved:
            changes[COMPONENTS] = "".join(f"{f}\n" for f in self.solved)
        return changes | {
            "allocations.csv": write_csv_text(self.allocations_frame()),
            "lines.csv": write_csv_text(self.lines_frame()),
            "items.csv": write_csv_text(self.items_frame()),
            "explain.csv": write_csv_text(self.explain_frame()),
            "summary.json": json.dumps(self.summary.to_json(), indent=2) + "\n",
            MARKER: marker("solve", scenario=self.scenario_name),
        }

    def write(
        self, out_dir: Path, force: bool = False, format: Format = "csv", excel_csv: bool = False
    ) -> None:
        """Write `files()` as the folder `out_dir`, atomically, where SPEC 11 allows it; with
        `format="xlsx"` plan.xlsx beside them, with `excel_csv` the CSVs with a BOM (as the CLI's
        --format and --excel-csv)."""
        write_atomically(Path(out_dir), formatted(self.files(), format, excel_csv), force=force)
