"""Property tests of the what-if (planner.engine.takeover): taking untouched components over from the
previous plan gives, byte for byte, the plan the full re-plan gives.

Each example draws a scenario (tests/strategies.py), plans it (from nothing, or from a random
previous plan), makes one what-if edit of one order (its priority, a line's ship date or
quantity, a cancel) or of one lot (its quantity, a receipt of a new lot) and re-plans the edited
scenario from the first plan twice: with the fingerprints the first plan lists (components the
edit leaves alone are taken over) and without (every component solved again). Derandomised, like
tests/planner/engine/test_previous_properties.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.cells import write_csv_text
from models.records import PreviousAllocation, PreviousPlan, Scenario
from planner.engine.solve import solve
from planner.result.plan import Plan
from tests.strategies import scenarios

pytestmark = pytest.mark.slow

EDITS = ("priority", "ship_date", "line_quantity", "cancel", "lot_quantity", "receipt")


def _rows(plan: Plan) -> tuple[PreviousAllocation, ...]:
    return tuple(PreviousAllocation(a.order, a.line, a.lot, a.quantity) for a in plan.allocations if a.lot)


@st.composite
def whatifs(draw: st.DrawFn) -> tuple[Scenario, PreviousPlan]:
    """An edited scenario and the plan of the scenario before the edit, with its fingerprints."""
    base = draw(scenarios())
    if draw(st.booleans()) and base.lines and base.lots:  # the base itself re-planned from a random plan
        ln, lot = draw(st.sampled_from(base.lines)), draw(st.sampled_from(base.lots))
        rows = (PreviousAllocation(ln.order, ln.line, lot.lot, draw(st.integers(1, 3))),)
        base = base.replace(previous=PreviousPlan("older", rows))
    plan = solve(base)
    edit = draw(st.sampled_from(EDITS))
    edited = base.replace(previous=None)
    if edit == "priority" and base.orders:
        i = draw(st.integers(0, len(base.orders) - 1))
        orders = list(base.orders)
        orders[i] = replace(orders[i], priority=draw(st.integers(0, 9)))
        edited = replace(edited, orders=tuple(orders))
    elif edit in ("ship_date", "line_quantity") and base.lines:
        i = draw(st.integers(0, len(base.lines) - 1))
        lines = list(base.lines)
        if edit == "ship_date":
            lines[i] = replace(
                lines[i], ship_date=lines[i].ship_date + timedelta(days=draw(st.integers(-5, 5)))
            )
        else:
            reserved = sum(r.quantity for r in base.reservations if (r.order, r.line) == lines[i].key)
            lines[i] = replace(lines[i], quantity=draw(st.integers(max(1, reserved), 7)))
        edited = replace(edited, lines=tuple(lines))
    elif edit == "cancel" and base.orders:
        gone = draw(st.sampled_from(base.orders)).order
        edited = replace(
            edited,
            orders=tuple(o for o in base.orders if o.order != gone),
            lines=tuple(ln for ln in base.lines if ln.order != gone),
            reservations=tuple(r for r in base.reservations if r.order != gone),
        )
    elif edit == "lot_quantity" and base.lots:
        i = draw(st.integers(0, len(base.lots) - 1))
        lot = base.lots[i]
        least = (
            lot.allocated + lot.planned_issue + sum(r.quantity for r in base.reservations if r.lot == lot.lot)
        )
        lots = list(base.lots)
        lots[i] = replace(lot, quantity=draw(st.integers(least, least + 6)))
        edited = replace(edited, lots=tuple(lots))
    elif edit == "receipt" and base.lots:
        like = draw(st.sampled_from(base.lots))
        new = replace(
            like, lot="LNEW", quantity=draw(st.integers(1, 6)), allocated=0, planned_issue=0, due=None
        )
        edited = replace(edited, lots=(*base.lots, new))
    return edited, PreviousPlan("prev", _rows(plan), frozenset(plan.solved))


def _tables(plan: Plan) -> dict[str, str]:
    return {
        "allocations.csv": write_csv_text(plan.allocations_frame()),
        "lines.csv": write_csv_text(plan.lines_frame()),
        "items.csv": write_csv_text(plan.items_frame()),
        "changes.csv": write_csv_text(plan.changes_frame()),
        "explain.csv": write_csv_text(plan.explain_frame()),
    }


@settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(whatifs())
def test_a_whatif_taking_components_over_is_the_full_replan(case: tuple[Scenario, PreviousPlan]) -> None:
    """Property: re-planned from a plan that lists its components' fingerprints, the what-if's
    tables, status, tier bounds, solver and fingerprints are byte for byte those of the same re-plan
    that solves every component again."""
    scenario, previous = case
    fast = solve(scenario.replace(previous=previous))
    full = solve(scenario.replace(previous=replace(previous, solved=frozenset())))
    assert _tables(fast) == _tables(full)
    assert (fast.status, fast.solver, fast.solved) == (full.status, full.solver, full.solved)
    assert [t.bound for t in fast.tiers] == [t.bound for t in full.tiers]
    assert fast.summary.to_json()["changes"] == full.summary.to_json()["changes"]
