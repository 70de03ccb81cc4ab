"""CP-SAT: exact on integer models; every column is made integer (our data are whole numbers)."""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from planner.engine.mip import ABSOLUTE_GAP, Mip, MipResult, SolveStatus

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
}


_SCALE = 1 << 20


class CpSatBackend:
    name = "cpsat"

    def available(self) -> bool:
        return True

    def solve(
        self, mip: Mip, objective: dict[int, float], time_limit: float | None, hint: dict[int, float] | None
    ) -> MipResult:
        model = cp_model.CpModel()
        xs = [
            model.new_int_var(math.ceil(lo), math.floor(hi), name)
            for lo, hi, name in zip(mip.lb, mip.ub, mip.names)
        ]
        for row in mip.rows:
            expr = sum(c * xs[j] for j, c in zip(row.cols, row.coefs))
            lo = -cp_model.INT_MAX if row.lo == -math.inf else math.ceil(row.lo)
            hi = cp_model.INT_MAX if row.hi == math.inf else math.floor(row.hi)
            model.add_linear_constraint(expr, lo, hi)
        # CP-SAT optimises whole numbers: the objective is scaled and rounded (the tier part stays exact).
        model.maximize(sum(round(c * _SCALE) * xs[j] for j, c in objective.items()))
        if hint is not None:
            for j, v in sorted(hint.items()):
                model.add_hint(xs[j], round(v))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 1
        solver.parameters.absolute_gap_limit = ABSOLUTE_GAP * _SCALE
        if time_limit is not None:
            solver.parameters.max_time_in_seconds = time_limit
        code = solver.solve(model)
        status = _STATUS.get(code, SolveStatus.ERROR)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # Without a solution CP-SAT's best_objective_bound is no proof (it reads 0 on UNKNOWN).
            return MipResult(status, None, -math.inf, math.inf, solver.status_name(code))
        values = [float(solver.value(x)) for x in xs]
        return MipResult(
            status, values, solver.objective_value / _SCALE, solver.best_objective_bound / _SCALE
        )
