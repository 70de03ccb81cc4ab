"""The allocation planner: load a scenario, solve it into a plan, check the plan against the contract.

    from planner import load_scenario, solve, check_dir

    plan = solve(load_scenario("scenarios/demo.toml"))

The layers are sub-packages: `engine` (eligibility to the tier loop and `solve`),
`result` (the plan and its tables), `check` (the independent checker), `io`
(importers, the generator, batch runs) and `app` (what the dashboard and
`planner compare` compute); docs/design.md draws them. The names below load on
first use, so that importing `planner` (and `planner --help`) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.loading import load_scenario
    from models.records import Scenario
    from planner.check import Violation, check_dir, check_tables
    from planner.engine.solve import solve
    from planner.result.plan import Plan

__version__: str
"""The installed distribution's version (allocation-planner), read on first use."""

__all__ = [
    "Plan",
    "Scenario",
    "Violation",
    "__version__",
    "check_dir",
    "check_tables",
    "load_scenario",
    "solve",
]

_HOMES = {
    "load_scenario": "models.loading",
    "Scenario": "models.records",
    "solve": "planner.engine.solve",
    "Plan": "planner.result.plan",
    "check_dir": "planner.check",
    "check_tables": "planner.check",
    "Violation": "planner.check",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        return metadata.version("allocation-planner")
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
