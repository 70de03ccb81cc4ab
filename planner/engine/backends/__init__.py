"""Solver backends behind one small protocol, chosen by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from models.errors import PlannerError
from models.records import SOLVER_NAMES

if TYPE_CHECKING:  # the command line names the solvers without loading a model's code
    from planner.engine.mip import Mip, MipResult


DEFAULT_MIP_SOLVER = "highs"


class SolverUnavailable(PlannerError):
    """The solver asked for is unknown or not installed here (the user's input: exit 2)."""

    exit_code = 2


def solver_choices() -> str:
    """The solver names as a choice in words: "auto, highs, ..., pulp[:SOLVER] or greedy"."""
    names = [f"{name}[:SOLVER]" if name == "pulp" else name for name in SOLVER_NAMES]
    return f"{', '.join(names[:-1])} or {names[-1]}"


class Backend(Protocol):
    """A MIP solver: says whether it can run here, and maximises an objective over a Mip."""

    name: str

    def available(self) -> bool: ...

    def solve(
        self,
        mip: Mip,
        objective: dict[int, float],
        time_limit: float | None,
        hint: dict[int, float] | None,
    ) -> MipResult: ...


def get_backend(name: str) -> Backend:
    """The MIP backend called `name` (a name of SOLVER_NAMES other than auto and greedy, or
    pulp:SOLVER); SolverUnavailable if unknown."""
    from planner.engine.backends.cpsat import CpSatBackend
    from planner.engine.backends.mathopt import MathOptBackend
    from planner.engine.backends.pulp import PulpBackend

    if name in ("highs", "scip"):
        return MathOptBackend(name)
    if name == "cpsat":
        return CpSatBackend()
    if name == "pulp" or name.startswith("pulp:"):
        return PulpBackend(name.partition(":")[2] or None)
    raise SolverUnavailable(f"unknown solver {name!r}: choose {solver_choices()}")


def mip_backend(name: str) -> Backend:
    """The MIP backend a solver name stands for (auto and greedy: the default MIP solver)."""
    return get_backend(DEFAULT_MIP_SOLVER if name in ("auto", "greedy") else name)
