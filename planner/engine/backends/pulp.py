"""PuLP: the portable layer for planners who bring their own solver (Gurobi, CPLEX, HiGHS...).

PuLP runs in a child process (`python -m planner.engine.backends.pulp`) that imports
neither ortools nor anything that does, so a solver library such as highspy,
which cannot share a process with ortools, works too. The model goes to the child
as JSON and the answer comes back the same way; it is checked like any other.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import asdict
from typing import Any

from planner.engine.mip import ABSOLUTE_GAP, Mip, MipResult, Row, SolverError, SolveStatus


class PulpBackend:
    def __init__(self, solver: str | None) -> None:
        self.solver = solver or "PULP_CBC_CMD"
        self.name = f"pulp:{self.solver}"

    def available(self) -> bool:
        result = _run({"query": "available", "solver": self.solver})
        return bool(result["available"])

    def installed(self) -> list[str]:
        """The names of the PuLP solvers that can run here."""
        return list(_run({"query": "solvers"})["solvers"])

    def solve(
        self, mip: Mip, objective: dict[int, float], time_limit: float | None, hint: dict[int, float] | None
    ) -> MipResult:
        answer = _run(
            {
                "solver": self.solver,
                "mip": {
                    "lb": [_finite(v) for v in mip.lb],
                    "ub": [_finite(v) for v in mip.ub],
                    "integer": mip.integer,
                    "rows": [_row(r) for r in mip.rows],
                },
                "objective": [[j, c] for j, c in objective.items()],
                "time_limit": time_limit,
                "gap": ABSOLUTE_GAP,
                "hint": None if hint is None else sorted(hint.items()),
            }
        )
        return MipResult(
            SolveStatus(answer["status"]),
            answer["values"],
            answer["objective"],
            answer["bound"],
            answer["message"],
        )


def _finite(v: float) -> float | None:
    return None if math.isinf(v) else v


def _row(r: Row) -> dict[str, Any]:
    return asdict(r) | {"lo": _finite(r.lo), "hi": _finite(r.hi)}


def _run(request: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "planner.engine.backends.pulp"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SolverError(f"PuLP worker failed: {proc.stderr.strip()[-2000:]}")
    answer: dict[str, Any] = json.loads(proc.stdout)
    return answer


def _solve_request(request: dict[str, Any]) -> dict[str, Any]:
    """The child's side: build the PuLP problem, solve it, report values and status."""
    import pulp

    if request.get("query") == "available":
        return {"available": request["solver"] in pulp.listSolvers(onlyAvailable=True)}
    if request.get("query") == "solvers":
        return {"solvers": pulp.listSolvers(onlyAvailable=True)}
    m = request["mip"]
    prob = pulp.LpProblem("allocation", pulp.LpMaximize)
    xs = [
        pulp.LpVariable(
            f"v{j}", lowBound=lo, upBound=hi, cat=pulp.LpInteger if integer else pulp.LpContinuous
        )
        for j, (lo, hi, integer) in enumerate(zip(m["lb"], m["ub"], m["integer"]))
    ]
    prob += pulp.lpSum(c * xs[j] for j, c in request["objective"])
    for i, row in enumerate(m["rows"]):
        expr = pulp.lpSum(c * xs[j] for j, c in zip(row["cols"], row["coefs"]))
        if row["lo"] is not None and row["lo"] == row["hi"]:
            prob += expr == row["lo"], f"r{i}"
            continue
        if row["lo"] is not None:
            prob += expr >= row["lo"], f"r{i}lo"
        if row["hi"] is not None:
            prob += expr <= row["hi"], f"r{i}hi"
    hint = request["hint"]
    if hint is not None:
        for j, v in hint:
            xs[j].setInitialValue(round(v))
    solver = pulp.getSolver(
        request["solver"],
        msg=False,
        timeLimit=request["time_limit"],
        warmStart=hint is not None,
        gapRel=0.0,
        gapAbs=request["gap"],
    )
    code = prob.solve(solver)
    # PuLP's status calls a run stopped on time with a solution "Optimal"; the solution status
    # (CBC's own word) tells them apart. PuLP reports no bound: only a proved optimum gives one.
    proved = code == pulp.LpStatusOptimal and prob.sol_status == pulp.LpSolutionOptimal
    found = code == pulp.LpStatusOptimal and all(x.varValue is not None for x in xs)
    if not found:
        # Under a time limit CBC can say "Infeasible" for a run it stopped before a solution
        # (seen at 0.1 s on a loaded machine): only a run without a limit proves infeasibility.
        stopped = SolveStatus.NO_SOLUTION if request["time_limit"] is not None else SolveStatus.INFEASIBLE
        status = {
            pulp.LpStatusInfeasible: stopped,
            pulp.LpStatusNotSolved: SolveStatus.NO_SOLUTION,
        }.get(code, SolveStatus.ERROR)
        return {
            "status": status.value,
            "values": None,
            "objective": -math.inf,
            "bound": math.inf,
            "message": pulp.LpStatus[code],
        }
    objective = float(pulp.value(prob.objective) or 0.0)
    return {
        "status": (SolveStatus.OPTIMAL if proved else SolveStatus.FEASIBLE).value,
        "values": [float(x.varValue) for x in xs],
        "objective": objective,
        "bound": objective if proved else math.inf,
        "message": "" if proved else "stopped with a solution not proved optimal",
    }


if __name__ == "__main__":
    json.dump(_solve_request(json.load(sys.stdin)), sys.stdout)
