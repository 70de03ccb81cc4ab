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

    @property
    def name(self) -> str: ...

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
    pulp:SOLVER); SolverUnavailable if unknown. Only the chosen backend's solver is imported."""
    if name in ("highs", "scip"):
        from planner.engine.backends.mathopt import MathOptBackend

        return MathOptBackend(name)
    if name == "cpsat":
        from planner.engine.backends.cpsat import CpSatBackend

        return CpSatBackend()
    if name == "pulp" or name.startswith("pulp:"):
        from planner.engine.backends.pulp import PulpBackend

        return PulpBackend(name.partition(":")[2] or None)
    raise SolverUnavailable(f"unknown solver {name!r}: choose {solver_choices()}")


def mip_backend(name: str) -> Backend:
    """The MIP backend a solver name stands for (auto and greedy: the default MIP solver)."""
    return get_backend(DEFAULT_MIP_SOLVER if name in ("auto", "greedy") else name)


class DeferredBackend:
    """The backend `mip_backend(name)`, built when it is first used: its solver's library is imported
    then, so a caller that may need no MIP (`planner explain` on one line) does not load it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._built: Backend | None = None

    @property
    def name(self) -> str:
        return self._backend().name

    def available(self) -> bool:
        return self._backend().available()

    def solve(
        self,
        mip: Mip,
        objective: dict[int, float],
        time_limit: float | None,
        hint: dict[int, float] | None,
    ) -> MipResult:
        return self._backend().solve(mip, objective, time_limit, hint)

    def _backend(self) -> Backend:
        if self._built is None:
            self._built = mip_backend(self._name)
        return self._built
