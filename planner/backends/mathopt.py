"""HiGHS and SCIP through OR-Tools' MathOpt (both ship inside the ortools wheel)."""

from __future__ import annotations

import math
from datetime import timedelta

from ortools.math_opt.python import mathopt

from planner.mip import Mip, MipResult, SolveStatus

_SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP}
_STATUS = {
    mathopt.TerminationReason.OPTIMAL: SolveStatus.OPTIMAL,
    mathopt.TerminationReason.FEASIBLE: SolveStatus.FEASIBLE,
    mathopt.TerminationReason.NO_SOLUTION_FOUND: SolveStatus.FEASIBLE,
    mathopt.TerminationReason.INFEASIBLE: SolveStatus.INFEASIBLE,
}


class MathOptBackend:
    """Maximises with gap tolerance zero; a time limit gives FEASIBLE with the solver's bound."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._type = _SOLVERS[name]

    def available(self) -> bool:
        return True

    def solve(
        self, mip: Mip, objective: dict[int, int], time_limit: float | None, hint: list[float] | None
    ) -> MipResult:
        model = mathopt.Model(name="allocation")
        xs = [
            model.add_variable(lb=lo, ub=hi, is_integer=integer, name=name)
            for lo, hi, integer, name in zip(mip.lb, mip.ub, mip.integer, mip.names)
        ]
        for row in mip.rows:
            expr = mathopt.fast_sum(c * xs[j] for j, c in zip(row.cols, row.coefs))
            model.add_linear_constraint(lb=row.lo, ub=row.hi, expr=expr, name=row.name)
        model.maximize(mathopt.fast_sum(c * xs[j] for j, c in objective.items()))
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=time_limit) if time_limit is not None else None,
            relative_gap_tolerance=0.0,
            absolute_gap_tolerance=0.0,
            random_seed=1,
        )
        if self.name == "scip":
            params.threads = 1
        model_params = mathopt.ModelSolveParameters()
        if hint is not None and self.name == "scip":
            model_params.solution_hints.append(mathopt.SolutionHint(variable_values=dict(zip(xs, hint))))
        result = mathopt.solve(model, self._type, params=params, model_params=model_params)
        status = _STATUS.get(result.termination.reason, SolveStatus.ERROR)
        bound = result.termination.objective_bounds.dual_bound
        if not result.has_primal_feasible_solution():
            return MipResult(
                SolveStatus.INFEASIBLE if status is SolveStatus.INFEASIBLE else status,
                None,
                -math.inf,
                bound,
                result.termination.detail,
            )
        values = result.variable_values(xs)
        return MipResult(status, list(values), result.objective_value(), bound, result.termination.detail)
