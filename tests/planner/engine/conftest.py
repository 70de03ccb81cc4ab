"""Fixtures shared by the engine's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from models.records import Scenario
from planner.engine.solve import Route, solve
from planner.result.plan import Plan


@pytest.fixture(params=["flow", "mip"])
def run(request: pytest.FixtureRequest) -> Callable[..., Plan]:
    """Solve a scenario, either as routed ("flow") or with every component forced through the tier
    loop ("mip"); the plan must be proved optimal, and "mip" must really have taken the tier loop."""
    route: Route = "tier_loop" if request.param == "mip" else "auto"

    def _run(s: Scenario, **kw: Any) -> Plan:
        plan = solve(s, route=route, **kw)
        assert plan.status == "optimal"
        if request.param == "mip" and any(ln.takes_part for ln in plan.prepared.lines):
            assert plan.solver != "flow", "the tier loop was not taken"
        return plan

    return _run
