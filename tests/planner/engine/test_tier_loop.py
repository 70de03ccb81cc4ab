"""Regressions of the lexicographic tier loop (planner/engine/tier_loop.py, ladder.py, contention.py).

Each case was found by the property tests on `tier_loop_scenarios()` (tests/strategies.py,
compared with the brute force of tests/reference.py), shrunk by hand, and its optimum
worked out by hand. Like tests/planner/engine/test_restrictions.py, every test runs twice
(fixture `run`): as the engine routes it ("flow") and with every component forced
through the MIP tier loop ("mip").
"""

from __future__ import annotations

from collections.abc import Callable

from models.records import Scenario
from planner.result.plan import Plan
from tests.builders import D2, D3, line, line_result, lot, order, scenario, tier_totals
from tests.reference import reference_optimum

# Engine bug found 2026-11-22 by the tier-loop property test (at 87044af to 8423c21), fixed in a54f58c:
# FD/1 and A/1 (tier 1) compete for the single X. Either may have it: tier 1 = 1 both ways. Only
# with FD/1 served can FD/2 (tier 2, on Y, which nobody else wants) be served, so the optimum is
# tier 1 = 1, tier 2 = 1. The engine settles tier 1 with A/1 (a tie) and then reports tier 2 = 0
# with bound 0, status "optimal".
# Why: at tier 2 the part is {A/1, FD/1, FD/2} with the contended pool {X1}; FD/2 is in the part
# only through its order, its own pool {Y1} being slack. The flow bound (then `_TierLoop._bound`,
# now planner/engine/bound.py's `block_bound`) counted the tier's plain lines through its flow,
# and the flow sees only demands on contended pools, so FD/2 counted as 0; only kits (and fixed
# lines) were added at their `max_addable`. The "bound" was 0, equal to the value 0, and the
# part was settled without the MIP, which would have swapped A/1 for FD/1 (tier 1 still 1) and
# served FD/2. A tier line with no demand on a contended pool must count its `max_addable` in
# the bound, as the earlier tiers' lines on slack pools already do.
FD_LINE_ON_SLACK_POOL = scenario(
    orders=[order("FD", full_delivery=True)],
    lots=[lot("X1", "X", 1), lot("Y1", "Y", 1)],
    lines=[line("A", "1", "X", 1, D2), line("FD", "1", "X", 1, D2), line("FD", "2", "Y", 1, D3)],
)


def test_full_delivery_line_on_a_slack_pool_counts_in_the_tier_bound(run: Callable[..., Plan]) -> None:
    """Tier 1 is a tie between A/1 and FD/1; only FD/1 lets FD/2 be served at tier 2: [1, 1]. A/1
    lost the lot to a line of its own tier: tie_break."""
    plan = run(FD_LINE_ON_SLACK_POOL)
    assert reference_optimum(FD_LINE_ON_SLACK_POOL).totals == (1, 1)
    assert tier_totals(plan) == [1, 1]
    assert line_result(plan, "FD", "2") == (1, "full", "")
    assert line_result(plan, "A", "1") == (0, "none", "tie_break")


# The tier loop fixes an all-or-nothing line of an earlier tier when its `max_addable` exceeds its
# tier's shortfall (planner/engine/blocks.py): the tier's other lines cannot make up for losing it.
# At the boundary (max_addable == shortfall) they can, and the line must stay free. In both cases the
# full-delivery order B holds B/1 (tier 1, 2 of X) and B/2 (tier 2, 1 of Y); C/1 (tier 2) wants
# both units of Y as a full line, so serving B at tier 1 costs tier 2 one unit.
def _swap_at_shortfall(z_quantity: int) -> Scenario:
    return scenario(
        orders=[order("B", full_delivery=True)],
        lots=[lot("X1", "X", 2), lot("Y1", "Y", 2)],
        lines=[
            line("B", "1", "X", 2, D2),
            line("Z", "1", "X", z_quantity, D2),
            line("B", "2", "Y", 1, D3),
            line("C", "1", "Y", 2, D3, full_line=True),
        ],
    )


def test_an_all_or_nothing_line_at_its_tiers_shortfall_stays_free(run: Callable[..., Plan]) -> None:
    """Tier 1 ties B/1 and Z/1 (2 each, shortfall 2): only Z/1 leaves Y whole for C/1: [2, 2]."""
    s = _swap_at_shortfall(2)
    assert reference_optimum(s).totals == (2, 2)
    plan = run(s)
    assert tier_totals(plan) == [2, 2]
    assert line_result(plan, "C", "1") == (2, "full", "")


def test_an_all_or_nothing_line_above_its_tiers_shortfall_is_kept(run: Callable[..., Plan]) -> None:
    """Z/1 wants 1: tier 1 = 2 needs B (shortfall 1 < 2), so B/2 takes Y and C/1 cannot: [2, 1]."""
    s = _swap_at_shortfall(1)
    assert reference_optimum(s).totals == (2, 1)
    plan = run(s)
    assert tier_totals(plan) == [2, 1]
    assert line_result(plan, "C", "1") == (0, "none", "full_line_short")
