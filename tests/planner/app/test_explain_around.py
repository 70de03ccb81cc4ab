"""`planner explain`'s first_in_tier for one line (planner/app/explain.py), computed on the part of
the scenario around the line, equals the one `solve --explain` computes on the whole scenario
(planner/engine/first_in_tier.py), and so does what extra stock makes up first (safety stock): on
tiny random scenarios of every shape, re-planned too. And that part holds what its definition
reaches, searched line by line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from models.errors import InputErrors
from models.previous import read_previous
from models.records import Line, LineKey, Scenario
from planner.app.explain import around, explain_lines
from planner.engine.solve import explain_plan, solve
from planner.result.explain import fill_target, made_up_first, short_lines
from planner.result.explain_lots import line_lots
from tests.planner.engine.test_properties import BASE, _examples
from tests.strategies import kit_scenarios, pinned_scenarios, scenarios, tier_loop_scenarios

pytestmark = pytest.mark.slow


def _check(s: Scenario, replan: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if replan:
            base = solve(s)
            base.write(Path(tmp) / "base")
            s = s.replace(previous=read_previous(Path(tmp) / "base"))
        try:
            plan = explain_plan(solve(s))
        except InputErrors:  # pins no plan completes: refused, nothing to explain
            assume(False)
        assert plan.first_in_tier is not None
        plan.write(Path(tmp) / "out")
        keys = [plan.prepared.lines[li].key for li in short_lines(plan)]
        found = {
            e.order + "/" + e.line: (e.first, e.made_up) for e in explain_lines(s, Path(tmp) / "out", keys)
        }
        prep = plan.prepared
        expected = {
            "/".join(prep.lines[li].key): (
                plan.first_in_tier[li],
                made_up_first(prep, line_lots(prep, [li]), li)
                if fill_target(prep.lines[li]) > plan.first_in_tier[li].quantity
                else "",
            )
            for li in short_lines(plan)
        }
        assert found == expected


@settings(BASE, max_examples=_examples(150))
@given(scenarios())
def test_one_line_is_explained_as_the_whole_plan_explains_it(s: Scenario) -> None:
    """Every short line's first_in_tier from its folder, one line at a time, is the whole plan's."""
    _check(s)


@settings(BASE, max_examples=_examples(150))
@given(tier_loop_scenarios())
def test_the_same_through_the_tier_loop(s: Scenario) -> None:
    """The same where the MIP answers: full-delivery orders, packs, kits, safety stock."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(kit_scenarios())
def test_the_same_for_kits(s: Scenario) -> None:
    """The same for kit lines, their components and alternates."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(scenarios())
def test_the_same_on_a_re_plan(s: Scenario) -> None:
    """The same when the plan is re-planned from a previous one (printed and kept lines)."""
    _check(s, replan=True)


@settings(BASE, max_examples=_examples(100))
@given(pinned_scenarios())
def test_the_same_with_pins(s: Scenario) -> None:
    """The same when planners pinned lots to lines (a pinned line holds its stock before every tier)."""
    _check(s)


@settings(BASE, max_examples=_examples(100))
@given(pinned_scenarios(kit_scenarios(), out_of_ratio=True))
def test_the_same_with_kits_pinned_out_of_ratio(s: Scenario) -> None:
    """The same when a kit's pins are out of kit ratio (a hidden make-up line holds the rest)."""
    _check(s)


def _part_by_hand(s: Scenario, key: LineKey) -> tuple[set[LineKey], set[str]]:
    """The lines and items `around` keeps, by its definition, searched line by line: the competing
    lines (earlier tiers, the lines of full-delivery orders with an earlier or a pinned line, lines
    with reservations or pins, kept and printed lines on a re-plan, the line itself), two of them
    tied when they share a full-delivery order or an item whose lots both may use."""
    orders = {o.order: o for o in s.orders}

    def tier(ln: Line) -> tuple[object, ...]:
        priority = orders[ln.order].priority if ln.priority is None else ln.priority
        return tuple({"ship_date": ln.ship_date, "priority": priority}[f] for f in s.objective_key)

    def uses(item: str) -> set[str]:
        parts = [k.component for k in s.kits if k.kit == item] or [item]
        return set(parts) | {a.alternate for a in s.alternates if a.item in parts}

    line = {ln.key: ln for ln in s.lines}
    earlier = {k for k, ln in line.items() if tier(ln) < tier(line[key])}
    pinned = {p.key for p in s.pins}
    whole = {
        ln.order for k, ln in line.items() if orders[ln.order].full_delivery and (k in earlier or k in pinned)
    }
    fixed = {(r.order, r.line) for r in s.reservations} | pinned

    def held(ln: Line) -> bool:
        order = orders[ln.order]
        return s.previous is not None and bool(s.keeps(order, ln) or ln.printed or order.printed)

    competing = {
        k for k, ln in line.items() if k in earlier or k == key or ln.order in whole or k in fixed or held(ln)
    }

    def tied(a: Line, b: Line) -> bool:
        return (a.order == b.order and orders[a.order].full_delivery) or bool(uses(a.item) & uses(b.item))

    found, todo = {key}, [key]
    while todo:
        at = line[todo.pop()]
        for k in competing - found:
            if tied(at, line[k]):
                found.add(k)
                todo.append(k)
    return found, {item for k in found for item in uses(line[k].item)}


def _same_part(s: Scenario) -> None:
    for ln in s.lines:
        part = around(s, ln.key)
        assert ({p.key for p in part.lines}, {lot.item for lot in part.lots}) == (
            _part_by_hand(s, ln.key)[0],
            {lot.item for lot in s.lots if lot.item in _part_by_hand(s, ln.key)[1]},
        )


@settings(BASE, max_examples=_examples(100))
@given(st.one_of(scenarios(), tier_loop_scenarios(), pinned_scenarios(kit_scenarios())))
def test_the_part_around_a_line_is_what_its_definition_reaches(s: Scenario) -> None:
    """`around` keeps exactly the competing lines tied to the line, searched line by line, and the
    lots of the items they may use: plain, tier-loop, kit and pinned scenarios."""
    _same_part(s)


@settings(BASE, max_examples=_examples(50))
@given(scenarios())
def test_the_part_around_a_line_of_a_re_plan_is_what_its_definition_reaches(s: Scenario) -> None:
    """The same on a re-plan, where kept and printed lines compete before the tiers."""
    with tempfile.TemporaryDirectory() as tmp:
        solve(s).write(Path(tmp) / "base")
        _same_part(s.replace(previous=read_previous(Path(tmp) / "base")))
