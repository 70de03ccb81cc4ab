"""A deferred backend (planner/engine/backends) loads its solver's library only when it is first
used, and then answers as the backend its name stands for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from planner.engine.backends import DeferredBackend, mip_backend
from planner.engine.mip import Mip


def test_a_deferred_backend_imports_no_solver_until_it_solves() -> None:
    """Built and held, it has loaded neither MathOpt nor CP-SAT nor PuLP (a fresh interpreter)."""
    probe = (
        "import sys\n"
        "from planner.engine.backends import DeferredBackend\n"
        "backend = DeferredBackend('auto')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ortools.math_opt', 'ortools.sat', 'pulp'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["auto", "highs", "scip", "cpsat"])
def test_a_deferred_backend_answers_as_its_backend(name: str) -> None:
    """max x + 2y over x + y <= 3, x, y integer in [0, 2]: the same result and name."""
    mip = Mip()
    x, y = mip.add_var(0, 2, True, "x"), mip.add_var(0, 2, True, "y")
    mip.add_row([x, y], [1, 1], 0, 3, "cap")
    deferred, direct = DeferredBackend(name), mip_backend(name)
    assert deferred.available() == direct.available()
    assert deferred.solve(mip, {x: 1.0, y: 2.0}, None, None) == direct.solve(
        mip, {x: 1.0, y: 2.0}, None, None
    )
    assert deferred.name == direct.name
