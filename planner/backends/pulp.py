"""PuLP: the portable layer for planners who bring their own solver (Gurobi, CPLEX, HiGHS...).

PuLP's command-line solvers run in their own process, so no solver library is
imported beside ortools. Its answer is checked like every other backend's.
"""

from __future__ import annotations

import math

import pulp

from planner.mip import Mip, MipResult, SolveStatus


class PulpBackend:
    def __init__(self, solver: str | None) -> None:
        self.solver = solver or "PULP_CBC_CMD"
        self.name = f"pulp:{self.solver}"

    def available(self) -> bool:
        return self.solver in pulp.listSolvers(onlyAvailable=True)

    def solve(
        self, mip: Mip, objective: dict[int, int], time_limit: float | None, hint: list[float] | None
    ) -> MipResult:
        prob = pulp.LpProblem("allocation", pulp.LpMaximize)
        xs = [
            pulp.LpVariable(
                f"v{j}",
                lowBound=lo if lo != -math.inf else None,
                upBound=hi if hi != math.inf else None,
                cat=pulp.LpInteger if integer else pulp.LpContinuous,
            )
            for j, (lo, hi, integer) in enumerate(zip(mip.lb, mip.ub, mip.integer))
        ]
        prob += pulp.lpSum(c * xs[j] for j, c in objective.items())
        for i, row in enumerate(mip.rows):
            expr = pulp.lpSum(c * xs[j] for j, c in zip(row.cols, row.coefs))
            if row.lo == row.hi:
                prob += expr == row.lo, f"r{i}"
                continue
            if row.lo != -math.inf:
                prob += expr >= row.lo, f"r{i}lo"
            if row.hi != math.inf:
                prob += expr <= row.hi, f"r{i}hi"
        if hint is not None:
            for x, v in zip(xs, hint):
                x.setInitialValue(round(v))
        solver = pulp.getSolver(
            self.solver, msg=False, timeLimit=time_limit, warmStart=hint is not None, gapRel=0.0
        )
        code = prob.solve(solver)
        if code != pulp.LpStatusOptimal or any(x.varValue is None for x in xs):
            status = SolveStatus.INFEASIBLE if code == pulp.LpStatusInfeasible else SolveStatus.ERROR
            return MipResult(status, None, -math.inf, math.inf, pulp.LpStatus[code])
        values = [float(x.varValue) for x in xs]
        # PuLP reports no bound and cannot tell "optimal" from "stopped at the limit"; the
        # checker and the caller's verification decide what the plan is worth.
        obj = float(pulp.value(prob.objective) or 0.0)
        return MipResult(SolveStatus.OPTIMAL, values, obj, obj)
