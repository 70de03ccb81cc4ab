"""The Orders table (planner.app.orders), the drill-down tables (planner.app.drill) and the exceptions
(planner.app.exceptions): each agrees with the plan's line and allocation tables it is built from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from models.loading import load_scenario
from models.records import PreviousAllocation, PreviousPlan
from planner.app.dashboard import DashboardPlan
from planner.app.drill import SERVES_OTHER, SERVES_OWN, item_lines, item_lots
from planner.app.exceptions import HOLDS_SHORT, TAKES_WANTED, binding_pins, expiring, lost_stock, overdue
from planner.app.orders import order_lines, order_table, quantity_text
from planner.engine.solve import solve
from planner.result.reasons import reason_words
from tests.builders import line, lot, order, scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
LATER = date(2026, 11, 26)
"""A `today` past some of the demo's ship dates (the demo's own is 2026-11-23)."""


@pytest.fixture(scope="module")
def demo() -> DashboardPlan:
    return DashboardPlan(solve(load_scenario(SCENARIOS / "demo.toml")))


@pytest.fixture(scope="module")
def demo_later() -> DashboardPlan:
    return DashboardPlan(solve(load_scenario(SCENARIOS / "demo.toml").replace(today=LATER)))


def test_each_order_row_sums_its_lines(demo: DashboardPlan) -> None:
    """One row per order, with the order's own type, customer, priority and ship-complete flag, and
    its lines' count, requested and allocated; missing and lines_short count the lines taking part
    that are not full; complete exactly when every such line is full."""
    scenario = demo.plan.prepared.scenario
    table = order_table(demo.lines, scenario.orders, scenario.today).set_index("order")
    lines = demo.lines
    assert set(table.index) == set(lines["order"])
    for o in scenario.orders:
        row, own = table.loc[o.order], lines[lines["order"] == o.order]
        taking_part = own[own["tier"].notna()]
        short = taking_part[taking_part["missing"] > 0]
        assert (row["type"], row["customer"], row["priority"], row["ship_complete"]) == (
            o.type,
            o.customer,
            o.priority,
            o.full_delivery,
        )
        assert (row["lines"], row["requested"], row["allocated"]) == (
            len(own),
            own["requested"].sum(),
            own["allocated"].sum(),
        )
        assert (row["lines_short"], row["missing"]) == (len(short), short["missing"].sum())
        if not taking_part.empty:
            assert (row["status"] == "complete") == short.empty
        for r in own[own["missing"] > 0].itertuples():
            assert f"line {r.line} {r.item} {r.missing:,} pcs: {reason_words(str(r.reason))}" in row["blocks"]
            assert f"({r.reason})" not in row["blocks"]


def test_orders_sort_overdue_first_then_by_missing(demo_later: DashboardPlan) -> None:
    """With today past some ship dates, the overdue orders (first ship date before today) come first,
    most days overdue first; among equally overdue orders the most missing first."""
    scenario = demo_later.plan.prepared.scenario
    table = order_table(demo_later.lines, scenario.orders, LATER)
    assert (table["days_overdue"] > 0).any()
    assert list(table["days_overdue"]) == [max(0, (LATER - d).days) for d in table["ship_date"]]
    keys = [(-d, -m) for d, m in zip(table["days_overdue"], table["missing"].fillna(0))]
    assert keys == sorted(keys)
    assert order_lines(demo_later.lines, "MO-3001")["line"].tolist() == ["1", "2", "3"]


def test_an_order_of_several_units_never_adds_them_up() -> None:
    """An order of bolts (pcs) and paint (0.1 l): no total quantity; the unit column says what is
    missing per unit."""
    from models.records import Item

    plan = DashboardPlan(
        solve(
            scenario(
                items=[Item("BOLT"), Item("PAINT", unit="0.1 l")],
                lots=[lot("B1", "BOLT", 10), lot("P1", "PAINT", 500)],
                lines=[line("O", "1", "BOLT", 14), line("O", "2", "PAINT", 600)],
            )
        )
    )
    row = order_table(plan.lines, plan.plan.prepared.scenario.orders, plan.plan.prepared.scenario.today)
    assert row["missing"].isna().all()
    assert row["requested"].isna().all()
    assert row["unit"][0] == "4 pcs + 100 0.1 l missing"
    assert quantity_text({"pcs": 1200}) == "1,200 pcs"


def test_an_item_drills_down_to_its_lines_and_the_lines_its_lots_serve(demo: DashboardPlan) -> None:
    """An item's lines are its own and those of other items taking stock of its lots: CAP-100N-B (the
    alternate of CAP-100N) serves MO-3001/2; every own line of CAP-100N is listed as its own."""
    allocations = demo.plan.allocations_frame()
    for item in demo.lines["item"].unique():
        shown = item_lines(demo.lines, allocations, item)
        own = demo.lines[demo.lines["item"] == item]
        takers = allocations[allocations["item"] == item]
        expected = {*zip(own["order"], own["line"]), *zip(takers["order"], takers["line"])}
        assert set(zip(shown["order"], shown["line"])) == expected
        assert ((shown["serves"] == SERVES_OWN) == (shown["item"] == item)).all()
    alternate = item_lines(demo.lines, allocations, "CAP-100N-B").set_index(["order", "line"])
    assert alternate.loc[("MO-3001", "2"), "serves"] == SERVES_OTHER


def test_an_item_drills_down_to_its_lots_with_what_the_plan_takes(demo: DashboardPlan) -> None:
    """Every lot of the item, what the plan takes from it (the allocations of that lot) and what is
    left of its allocable quantity, in the item's unit."""
    allocations = demo.plan.allocations_frame()
    for item in {x.item for x in demo.plan.prepared.lots}:
        lots = item_lots(demo.scenario, demo.allocations, item)
        assert set(lots["lot"]) == {x.lot for x in demo.plan.prepared.lots if x.item == item}
        for lot_id, allocable, allocated, left in zip(
            lots["lot"], lots["allocable"], lots["allocated"], lots["left"], strict=True
        ):
            assert allocated == allocations.loc[allocations["lot"] == lot_id, "quantity"].sum()
            assert left == allocable - allocated
        assert set(lots["unit"]) == {"pcs"}


def test_a_line_drills_down_to_its_lots_with_their_unit(demo: DashboardPlan) -> None:
    """The lots of one line are its allocation rows, each with the unit of its quantity."""
    one = demo.lines[(demo.lines["order"] == "MO-3001") & (demo.lines["line"] == "2")]
    lots = demo.lots_of(one)
    assert set(lots["lot"]) == {"C100N-NY-1", "C100NB-CA-1"}
    assert lots["quantity"].sum() == 300
    assert list(lots.columns).index("unit") == list(lots.columns).index("quantity") + 1


def test_overdue_lines_are_those_that_ship_before_today(demo_later: DashboardPlan) -> None:
    """Exactly the lines whose ship date is before today, most days overdue first."""
    late = overdue(demo_later.lines, LATER)
    lines = demo_later.lines
    expected = {(o, ln) for o, ln, d in zip(lines["order"], lines["line"], lines["ship_date"]) if d < LATER}
    assert expected
    assert set(zip(late["order"], late["line"])) == expected
    assert list(late["days_overdue"]) == sorted(late["days_overdue"], reverse=True)
    assert overdue(lines, date(2026, 1, 1)).empty


def test_lines_that_lost_stock_since_the_previous_plan() -> None:
    """Yesterday B/1 had 8 of lot L1; today A (priority 1) ranks first and takes 8: B/1 lost 6, A/1
    gained and is not listed. Without a previous plan nothing is listed."""
    data = scenario(
        lots=[lot("L1", "X", 10)],
        orders=[order("A", priority=1), order("B", priority=5)],
        lines=[line("A", "1", "X", 8), line("B", "1", "X", 8)],
        objective_key=("priority", "ship_date"),
    )
    previous = PreviousPlan("yesterday", (PreviousAllocation("B", "1", "L1", 8),))
    plan = DashboardPlan(solve(data.replace(previous=previous)))
    lost = lost_stock(plan.plan, plan.lines)
    assert lost[["order", "line", "before", "allocated", "lost", "unit"]].values.tolist() == [
        ["B", "1", 8, 2, 6, "pcs"]
    ]
    fresh = DashboardPlan(solve(data))
    assert lost_stock(fresh.plan, fresh.lines).empty


def test_lots_that_expire_before_the_line_ships() -> None:
    """L1 expires on 2026-11-25: the line shipping 2026-12-01 takes it 6 days after it expired and is
    listed; the line shipping 2026-11-24 is not."""
    data = scenario(
        lots=[lot("L1", "X", 10, expires="2026-11-25")],
        lines=[line("A", "1", "X", 4, "2026-12-01"), line("B", "1", "X", 4, "2026-11-24")],
    )
    plan = DashboardPlan(solve(data))
    found = expiring(plan.scenario, plan.allocations, plan.lines)
    assert found[["order", "line", "lot", "quantity", "unit", "days_expired"]].values.tolist() == [
        ["A", "1", "L1", 4, "pcs", 6]
    ]


def test_pins_that_bind() -> None:
    """L1 holds 10 X. A/1 is released (a pin of 0, only) and left short: its pin holds it short. B/1
    is pinned to 8 of L1 while C/1 (X too) is short: that pin takes stock C/1 wants. D/1's pin of 2 of
    L2 binds nothing (its item Y has no short line)."""
    from models.records import Pin

    data = scenario(
        lots=[lot("L1", "X", 10), lot("L2", "Y", 5)],
        lines=[
            line("A", "1", "X", 3),
            line("B", "1", "X", 8),
            line("C", "1", "X", 5),
            line("D", "1", "Y", 2),
        ],
    ).replace(
        pins=(
            Pin("A", "1", "L1", 0, only=True),
            Pin("B", "1", "L1", 8),
            Pin("D", "1", "L2", 2),
        )
    )
    plan = DashboardPlan(solve(data))
    binding = binding_pins(plan.scenario, plan.lines)
    assert binding[["order", "lot", "binds"]].values.tolist() == [
        ["A", "L1", HOLDS_SHORT],
        ["B", "L1", TAKES_WANTED],
    ]


def test_a_line_explained_in_process_is_explained_as_from_its_folder(
    demo: DashboardPlan, tmp_path: Path
) -> None:
    """A solved plan's line is explained as `planner explain` explains it from the written folder:
    SO-1009/1's holders are the lines explain.csv names, its relaxations the filters it names."""
    from planner.app.drill import holders, line_explanation, relaxations
    from planner.app.explain import explain_lines

    demo.plan.write(tmp_path / "out")
    here = line_explanation(demo.plan, ("SO-1009", "1"))
    there = explain_lines(demo.plan.prepared.scenario, tmp_path / "out", [("SO-1009", "1")])[0]
    assert here == there
    assert holders(here)[["order", "line", "lot"]].values.tolist() == [
        [f.other_order, f.other_line, f.lot] for f in there.held_by
    ]
    assert ("MO-3001", "2") in set(zip(holders(here)["order"], holders(here)["line"]))
    assert list(relaxations(here)["filter"]) == [f.detail for f in there.relax]
    assert demo.explanation(("SO-1009", "1")) == here
