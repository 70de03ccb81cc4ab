"""A solver-neutral mixed-integer programme: columns, rows and one objective to maximise.

The model builder writes one of these; every backend translates it once. All
coefficients of our models are whole numbers, so backends that need integers
(CP-SAT) can take it as it is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from models.errors import PlannerError

ABSOLUTE_GAP = 0.5
"""Gap at which backends stop. Objectives are whole tier totals, so a solution within 0.5
of the bound is optimal."""


class SolverError(PlannerError):
    """A backend failed on a model that is feasible by construction (a fault: exit 1)."""


class SolveStatus(enum.Enum):
    """One status for every backend, mapped once in each backend."""

    OPTIMAL = "optimal"
    """The solution is optimal (within ABSOLUTE_GAP) and the bound proves it."""
    FEASIBLE = "feasible"
    """Stopped with a solution; the bound is what the solver proved (infinite if nothing)."""
    NO_SOLUTION = "no solution"
    """Stopped (a time limit) before any solution; the bound is what the solver proved, if anything."""
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(slots=True)
class Row:
    cols: list[int]
    coefs: list[int]
    lo: float
    hi: float
    name: str


@dataclass(slots=True)
class Mip:
    """Columns with bounds and integrality, and ranged linear rows lo <= a.x <= hi."""

    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def add_var(self, lb: float, ub: float, integer: bool, name: str) -> int:
        """Add a column; returns its index."""
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        self.names.append(name)
        return len(self.lb) - 1

    def add_row(self, cols: list[int], coefs: list[int], lo: float, hi: float, name: str) -> None:
        self.rows.append(Row(cols, coefs, lo, hi, name))

    @property
    def num_vars(self) -> int:
        return len(self.lb)


@dataclass(frozen=True, slots=True)
class MipResult:
    """A backend's answer: `values` is None when no solution was found. `bound` is a true upper
    bound on the objective, +inf where the solver proved none; never the value found unless proved."""

    status: SolveStatus
    values: list[float] | None
    objective: float
    bound: float
    message: str = ""
