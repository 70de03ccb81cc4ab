"""The planner's domain: immutable, typed records of a scenario (SPEC section 2).

Records hold values already parsed and defaulted; `models.loading` builds them
and `models.validation` guarantees their cross-references. What-if variants are
made with `Scenario.replace(...)`, never by mutation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import pandas as pd

ORDER_TYPES = ("sales", "distribution", "production", "loaner", "shop", "quote")
LOT_STATUSES = ("available", "ingesting", "quarantine", "blocked")
FULFILLMENTS = ("warehouse", "special_order", "vendor_shipment")
OBJECTIVE_FIELDS = ("ship_date", "priority")
DEFAULT_OBJECTIVE_KEY = ("ship_date", "priority")
DEFAULT_UNIT = "pcs"
ANY_OWNER = "*"
"""In an owners list: any owner (SPEC 8)."""

LineKey = tuple[str, str]
"""(order, line): the key of an order line."""


def line_sort_key(line: str) -> tuple[int, int, str]:
    """Natural order of line numbers: all-digit lines numerically (then as text), then other lines as text."""
    if line.isascii() and line.isdigit():
        return (0, int(line), line)
    return (1, 0, line)


@dataclass(frozen=True, slots=True)
class Item:
    item: str
    description: str = ""
    stocking: bool = True
    safety_stock: int = 0
    window_days: int | None = None
    pack_size: int = 1
    unit: str = DEFAULT_UNIT
    """The unit its whole-number quantities count (SPEC 2), e.g. pcs or "0.1 l"."""


@dataclass(frozen=True, slots=True)
class Lot:
    lot: str
    item: str
    warehouse: str
    quantity: int
    owner: str = ""
    allocated: int = 0
    planned_issue: int = 0
    pnp: bool = True
    status: str = "available"
    received: date | None = None
    expires: date | None = None
    due: date | None = None
    """Expected receipt of supply still to come (SPEC 8); None = on hand."""
    source_id: str = ""
    """The lot's id in the system it was imported from (InvenTree's stock-item pk), carried to the plan."""

    @property
    def allocable(self) -> int:
        """In stock less what is committed outside this plan."""
        return self.quantity - self.allocated - self.planned_issue

    @property
    def to_come(self) -> bool:
        """Supply still to come (it has a due date), not stock on hand."""
        return self.due is not None

    def usable_on(self, today: date) -> bool:
        """Available and not expired on `today` (SPEC section 3)."""
        return self.status == "available" and (self.expires is None or self.expires >= today)

    def arrives(self, today: date) -> date | None:
        """The day it counts as received: its due date, a late one (before `today`) counting as
        `today` (SPEC 8); None for stock on hand."""
        return None if self.due is None else max(self.due, today)


@dataclass(frozen=True, slots=True)
class Order:
    order: str
    type: str = "sales"
    priority: int = 5
    full_delivery: bool = False
    released: bool = True
    printed: bool = False
    warehouses: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    customer: str = ""
    keep: bool | None = None
    """Keep what the previous plan gave its lines (SPEC 9); None: the scenario's `[plan] keep`."""


@dataclass(frozen=True, slots=True)
class Line:
    """An order line; None in an override column means "the order's value"."""

    order: str
    line: str
    item: str
    quantity: int
    ship_date: date
    priority: int | None = None
    requires_pnp: bool = False
    full_line: bool = False
    fulfillment: str = "warehouse"
    po_received: bool = False
    warehouses: tuple[str, ...] | None = None
    owners: tuple[str, ...] | None = None
    printed: bool | None = None
    keep: bool | None = None

    @property
    def key(self) -> LineKey:
        return (self.order, self.line)


@dataclass(frozen=True, slots=True)
class KitComponent:
    kit: str
    component: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Alternate:
    item: str
    alternate: str
    rank: int = 1


@dataclass(frozen=True, slots=True)
class WarehouseSafetyStock:
    item: str
    warehouse: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Reservation:
    order: str
    line: str
    lot: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Pin:
    """A planner's decision (SPEC 9): the line gets exactly `quantity` of `lot` (0: never from it);
    with `only`, nothing from any lot it is not pinned to.

    `table` and `row` say where the pin was written (pins.csv, a what-if's added rows or a sheet),
    so an error found while solving names that row."""

    order: str
    line: str
    lot: str
    quantity: int
    only: bool = False
    table: str = "pins.csv"
    row: int = 0

    @property
    def key(self) -> LineKey:
        return (self.order, self.line)


@dataclass(frozen=True, slots=True)
class PreviousAllocation:
    """One row of a previous plan's allocations.csv (SPEC 9): `quantity` of `lot` to a line.

    `row` is the row's spreadsheet row in that file (header = row 1)."""

    order: str
    line: str
    lot: str
    quantity: int
    row: int = 0

    @property
    def key(self) -> LineKey:
        return (self.order, self.line)


@dataclass(frozen=True, slots=True)
class PreviousPlan:
    """The plan a re-plan starts from: a result folder's allocations with a lot (nonstock rows left out)."""

    folder: str
    allocations: tuple[PreviousAllocation, ...]
    solved: frozenset[str] = frozenset()
    """Fingerprints of the components the plan proved optimal (planner.engine.takeover), from the
    folder's components.txt; empty when it has none."""


SolverName = Literal["auto", "highs", "scip", "cpsat", "pulp", "greedy"]
"""The solvers by name; "pulp" also as "pulp:SOLVER" (PuLP's own solver names)."""
SOLVER_NAMES: tuple[SolverName, ...] = get_args(SolverName)
"""The one list of solver names: the scenario loader, the CLI and the engine's backends read it."""


@dataclass(frozen=True, slots=True)
class SolverOptions:
    """How to solve: the backend by name and an optional wall-clock limit in seconds."""

    name: str = "auto"
    time_limit: float | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole planning problem: the date it is planned on, the objective key and the tables."""

    name: str
    today: date
    items: tuple[Item, ...]
    lots: tuple[Lot, ...]
    orders: tuple[Order, ...]
    lines: tuple[Line, ...]
    kits: tuple[KitComponent, ...] = ()
    alternates: tuple[Alternate, ...] = ()
    safety_stock: tuple[WarehouseSafetyStock, ...] = ()
    reservations: tuple[Reservation, ...] = ()
    pins: tuple[Pin, ...] = ()
    objective_key: tuple[str, ...] = DEFAULT_OBJECTIVE_KEY
    solver: SolverOptions = field(default_factory=SolverOptions)
    company: str = ""
    """The company as an owner (SPEC 8): lots of owner "" are its own, and a line listing no owners
    takes only its lots; "" = not named (an empty owners list then means any owner)."""
    keep: bool = False
    """`[plan] keep`: whether lines keep their previous allocations where orders and lines do not say."""
    previous: PreviousPlan | None = None
    """The previous plan to re-plan from (SPEC 9), or None: plan from nothing."""

    def keeps(self, order: Order, line: Line) -> bool:
        """Whether the line keeps at least what the previous plan gave it (line over order over scenario)."""
        if line.keep is not None:
            return line.keep
        return self.keep if order.keep is None else order.keep

    @classmethod
    def from_frames(
        cls,
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
        """The scenario of pandas tables (keyed "lots" or "lots.csv"), validated as the loader
        validates files; raises InputErrors. See `models.loading.scenario_from_frames`."""
        from models.loading import scenario_from_frames  # the loader builds on these records

        return scenario_from_frames(
            tables,
            today,
            name=name,
            company=company,
            objective_key=objective_key,
            keep=keep,
            solver=solver,
            previous=previous,
        )

    def replace(self, **changes: object) -> Scenario:
        """A copy with the given fields changed (the what-if primitive)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]  # fields checked at run time
