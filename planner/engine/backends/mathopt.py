"""HiGHS and SCIP through OR-Tools' MathOpt (both ship inside the ortools wheel).

Each `Mip` becomes a MathOpt ModelProto built in bulk and sent to MathOpt's core
solver directly, and solutions are read from the result proto as arrays, so a
solve costs the solver's time, not Python object handling.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
from ortools.math_opt import model_parameters_pb2, model_pb2, result_pb2, solution_pb2
from ortools.math_opt.core.python import solver as core
from ortools.math_opt.python import mathopt

from planner.engine.mip import ABSOLUTE_GAP, Mip, MipResult, Row, SolveStatus

_SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP}
_REASON = result_pb2.TerminationReasonProto
_STATUS = {
    _REASON.TERMINATION_REASON_OPTIMAL: SolveStatus.OPTIMAL,
    _REASON.TERMINATION_REASON_FEASIBLE: SolveStatus.FEASIBLE,
    _REASON.TERMINATION_REASON_NO_SOLUTION_FOUND: SolveStatus.NO_SOLUTION,
    _REASON.TERMINATION_REASON_INFEASIBLE: SolveStatus.INFEASIBLE,
}


class MathOptBackend:
    """Maximises to ABSOLUTE_GAP; a time limit gives FEASIBLE with the solver's bound."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._type = _SOLVERS[name]

    def available(self) -> bool:
        return True

    def solve(
        self, mip: Mip, objective: dict[int, float], time_limit: float | None, hint: dict[int, float] | None
    ) -> MipResult:
        proto = _variables(mip)
        _append_rows(proto, mip.rows)
        proto.objective.Clear()
        proto.objective.maximize = True
        ids = sorted(objective)
        proto.objective.linear_coefficients.ids.extend(ids)
        proto.objective.linear_coefficients.values.extend(objective[j] for j in ids)
        params = mathopt.SolveParameters(
            time_limit=timedelta(seconds=time_limit) if time_limit is not None else None,
            relative_gap_tolerance=0.0,
            absolute_gap_tolerance=ABSOLUTE_GAP,
            random_seed=1,
        )
        if self.name == "scip":
            params.threads = 1  # HiGHS takes its thread count only from its globals
        model_params = model_parameters_pb2.ModelSolveParametersProto()
        if hint is not None and self.name == "scip":  # MathOpt's HiGHS takes no hints
            ids = sorted(hint)
            model_params.solution_hints.add().variable_values.ids.extend(ids)
            model_params.solution_hints[0].variable_values.values.extend(hint[j] for j in ids)
        result = core.solve(
            proto,
            self._type.value,
            mathopt.StreamableSolverInitArguments().to_proto(),
            params.to_proto(),
            model_params,
            None,
            mathopt.CallbackRegistration().to_proto(),
            None,
            None,
        )
        status = _STATUS.get(result.termination.reason, SolveStatus.ERROR)
        bound = result.termination.objective_bounds.dual_bound
        primal = _best_primal(result)
        if primal is None:
            return MipResult(status, None, -math.inf, bound, result.termination.detail)
        values = np.zeros(mip.num_vars)
        values[np.asarray(primal.variable_values.ids, dtype=np.int64)] = primal.variable_values.values
        return MipResult(status, values.tolist(), primal.objective_value, bound, result.termination.detail)


def _best_primal(result: result_pb2.SolveResultProto) -> solution_pb2.PrimalSolutionProto | None:
    for solution in result.solutions:
        primal = solution.primal_solution
        if (
            solution.HasField("primal_solution")
            and primal.feasibility_status == solution_pb2.SOLUTION_STATUS_FEASIBLE
        ):
            return primal
    return None


def _variables(mip: Mip) -> model_pb2.ModelProto:
    proto = model_pb2.ModelProto(name="allocation")
    proto.variables.ids.extend(range(mip.num_vars))
    proto.variables.lower_bounds.extend(mip.lb)
    proto.variables.upper_bounds.extend(mip.ub)
    proto.variables.integers.extend(mip.integer)
    proto.variables.names.extend(mip.names)
    return proto


def _append_rows(proto: model_pb2.ModelProto, rows: list[Row]) -> None:
    """The rows, numbered from 0; matrix entries sorted by (row, column)."""
    cons = proto.linear_constraints
    cons.ids.extend(range(len(rows)))
    cons.lower_bounds.extend(r.lo for r in rows)
    cons.upper_bounds.extend(r.hi for r in rows)
    cons.names.extend(r.name for r in rows)
    matrix = proto.linear_constraint_matrix
    for i, row in enumerate(rows):
        entries = sorted(zip(row.cols, row.coefs))
        matrix.row_ids.extend([i] * len(entries))
        matrix.column_ids.extend(j for j, _ in entries)
        matrix.coefficients.extend(c for _, c in entries)
