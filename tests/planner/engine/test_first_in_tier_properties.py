"""Property tests of SPEC 10's first_in_tier and extra_stock (planner/engine/first_in_tier.py) on
tiny random scenarios (tests/strategies.py), against the brute force of tests/reference.py.

first_in_tier is the most a line can have while every earlier tier keeps its optimal total, with
its own all-or-nothing rule lifted: the brute force finds it as the optimum of the line's tier in
a scenario where the line is alone in its tier (the other lines of that tier and later ones keep
only their reservations, except those an earlier line's full-delivery order needs). Like
test_properties.py, derandomised and scaled by PLANNER_PROPERTY_SCALE.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings

from models.records import Line, LineKey, Scenario
from planner.engine.backends import mip_backend
from planner.engine.first_in_tier import (
    FirstInTier,
    Pieces,
    ceiling,
    first_in_tier,
    most_beside,
    plain,
    relaxed_most,
)
from planner.engine.ids import LineId
from planner.engine.solve import explain_plan, solve
from planner.result.explain import fill_target, short_lines
from planner.result.plan import Plan
from tests.planner.engine.test_properties import BASE, _examples
from tests.reference import reference_optimum, tier_key
from tests.strategies import scenarios, tier_loop_scenarios

pytestmark = pytest.mark.slow


def _short(plan: Plan) -> Iterator[tuple[int, Line]]:
    """The plan's short lines with first_in_tier, and the scenario's record of each."""
    assert plan.first_in_tier is not None
    records = {ln.key: ln for ln in plan.prepared.scenario.lines}
    for li in short_lines(plan):
        yield li, records[plan.prepared.lines[li].key]


def alone_in_its_tier(s: Scenario, plan: Plan, key: LineKey) -> tuple[Scenario, Line] | None:
    """The scenario with `key` alone in its tier and last among the tiers that compete: every other
    participating line of that tier or later keeps only its reservations (dropped without any),
    except the lines of full-delivery orders with a line of an earlier tier; the line's own
    full_line lifted; with the line as it is there. None for a line of a full-delivery order
    (lifting that rule would change what its earlier lines can have, which the brute force cannot
    hold to their totals) or when such an order has a line in its tier."""
    prep = plan.prepared
    tier_of = {line.key: prep.line_tier[li] for li, line in enumerate(prep.lines)}
    tier = tier_of[key]
    assert tier is not None
    full = {o.order for o in s.orders if o.full_delivery}
    if key[0] in full:
        return None
    needed = {
        ln.order for ln in s.lines if ln.order in full and (t := tier_of[ln.key]) is not None and t < tier
    }
    reserved = {ln.key: ln.reserved for ln in prep.lines}
    lines: list[Line] = []
    moved: Line | None = None
    for ln in s.lines:
        t = tier_of[ln.key]
        if ln.key == key:
            moved = replace(ln, full_line=False)
            lines.append(moved)
        elif t is None or t < tier or ln.order in needed:
            if t == tier:
                return None
            lines.append(ln)
        elif reserved[ln.key]:
            lines.append(replace(ln, quantity=reserved[ln.key]))
    assert moved is not None
    kept = {ln.key for ln in lines}
    reservations = tuple(r for r in s.reservations if (r.order, r.line) in kept)
    return s.replace(lines=tuple(lines), reservations=reservations), moved


def _check_against_brute_force(s: Scenario) -> None:
    plan = explain_plan(solve(s))
    assert plan.status == "optimal"
    assert plan.first_in_tier is not None
    for li, record in _short(plan):
        first = plan.first_in_tier[li]
        assert first.proved
        found = alone_in_its_tier(s, plan, record.key)
        if found is None:
            continue
        alone, moved = found
        expected = reference_optimum(alone)
        at = expected.keys.index(tier_key(alone, moved))
        others = sum(
            ln.quantity
            for ln in alone.lines
            if ln is not moved
            and expected.reasons[ln.key] is None
            and tier_key(alone, ln) == expected.keys[at]
        )
        assert first.quantity == expected.totals[at] - others, (
            f"{record.key}: alone in its tier {alone.lines}"
        )


@settings(BASE, max_examples=_examples(300))
@given(scenarios())
def test_first_in_tier_is_the_brute_force_most(s: Scenario) -> None:
    """Every short line's first_in_tier, proved, is what the brute force gives it alone in its
    tier after the earlier tiers' optimum (reservations of the others kept); lines of full-delivery
    orders aside (`alone_in_its_tier`)."""
    _check_against_brute_force(s)


@settings(BASE, max_examples=_examples(300))
@given(tier_loop_scenarios())
def test_first_in_tier_is_the_brute_force_most_through_the_tier_loop(s: Scenario) -> None:
    """The same on scenarios aimed at the tier loop: full-delivery orders, packs, kits, safety stock
    (first_in_tier then goes through the MIP)."""
    _check_against_brute_force(s)


def _check_against_plain(s: Scenario) -> None:
    plan = solve(s)
    prep, added = plan.prepared, plan.added
    lines = short_lines(plan)
    backend = mip_backend(prep.scenario.solver.name)
    found = first_in_tier(prep, added, lines, backend)
    pieces = Pieces(prep)
    for li in lines:
        line, piece = prep.lines[li], pieces.piece(LineId(li))
        assert piece is not None  # no kit is pinned out of kit ratio here
        got, bound, proved = plain(prep, added, LineId(li), piece, backend, None)
        assert proved
        assert got == bound
        assert most_beside(prep, added, LineId(li), piece) <= got <= ceiling(prep, LineId(li))
        assert got <= relaxed_most(prep, added, LineId(li), piece)
        got = max(got, added.get(li, 0))
        assert found[li] == FirstInTier(line.reserved + got, line.reserved + got, True), line.key


@settings(BASE, max_examples=_examples(300))
@given(scenarios())
def test_first_in_tier_is_the_plain_mip_of_each_line(s: Scenario) -> None:
    """first_in_tier, with its shortcuts, equals the flow or MIP over each short line's piece
    (`plain`), and the bounds the shortcuts use bracket that: `most_beside` below it, `ceiling`
    and `relaxed_most` above it."""
    _check_against_plain(s)


@settings(BASE, max_examples=_examples(300))
@given(tier_loop_scenarios())
def test_first_in_tier_is_the_plain_mip_of_each_line_through_the_tier_loop(s: Scenario) -> None:
    """The same on scenarios aimed at the tier loop (full-delivery orders, packs, kits, safety
    stock), where the pieces need a MIP."""
    _check_against_plain(s)


@settings(BASE, max_examples=_examples(300))
@given(scenarios())
def test_extra_stock_in_one_of_its_lots_fills_the_line(s: Scenario) -> None:
    """Adding a short (non-kit) line's extra_stock to the first lot it may use, beyond what that
    lot's safety-stock groups lack (made up first), lets it reach what fills it first in its tier,
    unless the earlier tiers took some of the new stock (their totals rise); when it is also alone
    in its tier and not of a full-delivery order, re-solving fills it."""
    plan = explain_plan(solve(s))
    assert plan.first_in_tier is not None
    prep = plan.prepared
    for li, _ in _short(plan):
        line = prep.lines[li]
        pairs = [p for d in prep.line_demands[li] for p in prep.demand_pairs[d]]
        target = fill_target(line)
        extra = target - plan.first_in_tier[li].quantity
        if (
            line.is_kit
            or not pairs
            or extra <= 0
            or (line.full_line and line.open_after_reservations % line.pack_size)
        ):
            continue
        at = prep.pairs[pairs[0]].lot
        lot = prep.lots[at]
        made_up = max((prep.cap_groups[g].lacking for g in prep.lot_groups[at]), default=0)
        more = s.replace(
            lots=tuple(
                replace(x, quantity=x.quantity + extra + made_up) if x.lot == lot.lot else x for x in s.lots
            )
        )
        again = explain_plan(solve(more))
        assert again.first_in_tier is not None
        if li not in again.first_in_tier:  # full now
            continue
        tier = prep.line_tier[li]
        assert tier is not None
        before = tuple(t.allocated for t in plan.tiers[:tier])
        after = tuple(t.allocated for t in again.tiers[:tier])
        if after != before:
            assert after > before
            continue
        assert again.first_in_tier[li].quantity >= target
        alone = [m for m, other in enumerate(prep.lines) if prep.line_tier[m] == tier and other.takes_part]
        if alone == [li] and not line.full_delivery:
            assert again.line_allocated[li] == target
