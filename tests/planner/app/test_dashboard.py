"""Dashboard tables (planner.app.dashboard) and reason words (planner.result.reasons): they agree
with the plan's own tables and KPIs, and say in words why every short line is short."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from models.codes import INELIGIBLE_REASONS, SHORT_REASONS, Reason
from models.loading import load_scenario
from planner.app.compare import WrittenPlan
from planner.app.dashboard import (
    LINE_STATUSES,
    NO_PART,
    DashboardPlan,
    by_warehouse_owner,
    changed_lines,
    difference_by,
    fill_by,
    filter_lines,
    in_deficit,
    item_table,
    kpi_comparison,
    kpi_deltas,
    kpi_view,
    left_short,
    line_lots,
    line_table,
    tier_table,
    week_of,
)
from planner.app.whatif import WhatIf, apply, order_priority
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario
from planner.result.plan import Plan
from planner.result.reasons import REASON_WORDS, reason_words
from tests.builders import line, lot, order, scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


@pytest.fixture(scope="module")
def demo() -> Plan:
    return solve(load_scenario(SCENARIOS / "demo.toml"))


@pytest.fixture(scope="module")
def early_cables() -> Plan:
    return solve(load_scenario(SCENARIOS / "early_cables.toml"))


def two_orders(priority_of_b: int = 5) -> Plan:
    """10 X in one lot; A/1 (priority 1) and B/1 ask 8 each on the same day: B gets 2 unless it is first."""
    return solve(
        scenario(
            lots=[lot("L1", "X", 10)],
            orders=[order("A", priority=1), order("B", priority=priority_of_b)],
            lines=[line("A", "1", "X", 8), line("B", "1", "X", 8)],
            objective_key=("priority", "ship_date"),
            name="two",
        )
    )


def test_every_reason_code_has_words() -> None:
    """Each code lines.csv can carry (ineligible or short) has a sentence; no reason reads as nothing."""
    assert set(REASON_WORDS) == {*INELIGIBLE_REASONS, *SHORT_REASONS}
    assert all(text.endswith(".") for text in REASON_WORDS.values())
    assert reason_words("") == ""
    assert reason_words("something_new") == "something_new"


def test_line_table_agrees_with_lines_csv_and_explains_short_lines(demo: Plan) -> None:
    """Same lines, quantities and reasons as lines.csv; every line not full has words; lots add up."""
    table, lines = line_table(WrittenPlan.of_plan(demo)), demo.lines_frame()
    assert list(table["order"]) == list(lines["order"])
    assert list(table["line"]) == list(lines["line"])
    assert list(table["allocated"]) == list(lines["allocated"])
    assert (table["missing"] == table["requested"] - table["allocated"]).all()
    short = table[table["status"] != "full"]
    assert (short["why"] != "").all()
    assert (table[table["reason"] == ""]["why"] == "").all()
    kits = {k.kit for k in demo.prepared.scenario.kits}
    for row in table[~table["item"].isin(kits)].itertuples():
        served = sum(int(part.rsplit(" ", 1)[1]) for part in str(row.lots).split(", ") if part)
        assert served == row.allocated, row
    assert table.set_index("order").loc["SO-1002", "type"] == "sales"
    assert table.set_index("order").loc["SO-1002", "priority"] == 3


def test_week_of_names_the_monday() -> None:
    """A ship week is named by its Monday, so weeks sort as text."""
    assert week_of(date(2026, 11, 29)) == "2026-11-23"  # a Sunday
    assert week_of(date(2026, 11, 30)) == "2026-11-30"  # a Monday


def test_fill_by_week_and_priority_add_up_to_the_kpis(demo: Plan) -> None:
    """Both breakdowns cover exactly the lines that take part: their sums are the headline's totals."""
    head = DashboardPlan(demo).headline
    for by in ("week", "priority"):
        table = fill_by(line_table(WrittenPlan.of_plan(demo)), by)
        assert (int(table["requested"].sum()), int(table["allocated"].sum())) == (
            head.requested,
            head.allocated,
        )
        assert ((table["fill_rate"] >= 0) & (table["fill_rate"] <= 1)).all()
    assert DashboardPlan(demo).fill_by("priority").loc["6", "allocated"] == 0  # SO-1006, full line short


def test_headline_of_the_demo(demo: Plan) -> None:
    """The README's numbers: 2,150 of 2,765, 6/3/3 lines, 5 of 9 orders, 290 over the greedy's 1,860;
    every line in pieces."""
    head = DashboardPlan(demo).headline
    assert (head.status, head.requested, head.allocated, head.greedy, head.gain) == (
        "optimal", 2765, 2150, 1860, 290
    )  # fmt: skip
    assert (head.lines_full, head.lines_partial, head.lines_none) == (6, 3, 3)
    assert (head.unit, head.mixed_units) == ("pcs", False)
    assert (head.orders_full, head.orders) == (5, 9)


def test_by_warehouse_owner_balances_with_the_allocations(demo: Plan) -> None:
    """What it shows as allocated is what allocations.csv takes from lots; left is allocable less that."""
    table = by_warehouse_owner(demo.prepared.scenario, demo.allocations_frame())
    allocations = demo.allocations_frame()
    assert table["allocated"].sum() == allocations[allocations["lot"] != ""]["quantity"].sum()
    assert (table["left"] == table["allocable"] - table["allocated"]).all()
    assert list(table["stock"]) == ["CA / MAIN", "NY / CONSIGN-ACME", "NY / MAIN"]


def test_tier_table_shows_the_gain_per_tier(demo: Plan) -> None:
    """Gain is allocated less the greedy's, per tier: the README's tier 5 (350 against 80) and tier 4."""
    tiers = tier_table(demo.summary).set_index("tier")
    assert tiers.loc[5, "gain"] == 270
    assert tiers.loc[4, "gain"] == 20
    assert tiers["gain"].sum() == DashboardPlan(demo).headline.gain
    assert tiers.loc[5, "key"] == "2026-11-27 / 3"


def test_filter_lines_by_status_reason_type_and_text(demo: Plan) -> None:
    """Each filter keeps only matching rows; empty filters keep everything; text matches order or item."""
    table = line_table(WrittenPlan.of_plan(demo))
    assert filter_lines(table).equals(table)
    assert set(filter_lines(table, statuses=["partial"])["order"]) == {"MO-3001", "SO-1009"}
    assert set(filter_lines(table, reasons=["quote"])["order"]) == {"QT-9001"}
    assert set(filter_lines(table, types=["production"])["order"]) == {"MO-3001"}
    assert set(filter_lines(table, text=" usb ")["item"]) == {"CABLE-USB"}
    assert set(filter_lines(table, text="so-100")["order"]) >= {"SO-1001", "SO-1002"}
    assert filter_lines(table, statuses=["full"], reasons=["quote"]).empty


def test_lines_that_take_no_part_are_a_status_of_their_own(demo: Plan) -> None:
    """ "partial" and "none" hold only lines that take part (short ones); the quote, the vendor shipment,
    the nonstock line and the others with no tier are "takes no part", and the four statuses split
    every line once; the headline counts agree."""
    table = line_table(WrittenPlan.of_plan(demo))
    none = filter_lines(table, statuses=["none"])
    apart = filter_lines(table, statuses=[NO_PART])
    assert none["tier"].notna().all()
    assert set(none["order"]) == {"DO-2001", "SO-1006"}
    assert {"quote", "vendor_shipment", "nonstock"} <= set(apart["reason"])
    assert apart["tier"].isna().all()
    split = [len(filter_lines(table, statuses=[s])) for s in LINE_STATUSES]
    assert sum(split) == len(table)
    head = DashboardPlan(demo).headline
    assert split == [head.lines_full, head.lines_partial, head.lines_none, head.lines_no_part]


def test_line_lots_are_the_allocations_of_the_lines_shown(demo: Plan) -> None:
    """Only the allocation rows of the given lines, reservations and nonstock rows included."""
    shown = filter_lines(line_table(WrittenPlan.of_plan(demo)), text="MO-3001")
    lots = line_lots(demo.prepared.scenario, demo.allocations_frame(), shown)
    assert set(lots["order"]) == {"MO-3001"}
    assert set(lots["source"]) == {"optimizer", "reservation"}
    assert lots["quantity"].sum() == shown["allocated"].sum()


def test_items_in_deficit(demo: Plan) -> None:
    """The item table is items.csv with descriptions; the deficit filter keeps InvenTree's deficit > 0
    (required, allocated before included, above in stock), the short filter what the plan leaves short."""
    items = item_table(demo.items_frame(), demo.prepared.scenario)
    assert list(items.columns[:2]) == ["item", "description"]
    assert items.drop(columns="description").equals(demo.items_frame())
    assert set(in_deficit(items)["item"]) == {
        "CABLE-USB",
        "CAP-100N",
        "ENCL-SMALL",
        "KIT-SENSOR",
        "MCU-STM32",
        "SCREW-M3",
    }
    assert set(left_short(items)["item"]) == {"CABLE-USB", "CAP-100N", "ENCL-SMALL", "LED-RED", "MCU-STM32"}


def test_comparison_of_a_priority_change() -> None:
    """B raised above A takes the 8 units A had: KPIs equal, line changes -6 / +6 with both reasons in words;
    by priority, B's 8 now count at 0, A loses 6 at 1 and priority 5 (B's before) loses its 2."""
    base = two_orders()
    edited = solve(apply(base.prepared.scenario, WhatIf("b_first").with_change(order_priority("B", 0))))
    plans = [DashboardPlan(base), DashboardPlan(edited)]
    kpis = kpi_comparison(plans)
    assert list(kpis["scenario"]) == ["two", "b_first"]
    assert list(kpis["allocated"]) == [10, 10]
    deltas = kpi_deltas(plans)
    assert list(deltas["scenario"]) == ["b_first"]
    assert deltas["allocated"].iloc[0] == 0
    changes = changed_lines(plans).set_index("order")
    assert (changes.loc["A", "delta"], changes.loc["B", "delta"]) == (-6, 6)
    assert changes.loc["A", "why"] == REASON_WORDS[Reason.SHORT]
    assert changes.loc["B", "base_why"] == REASON_WORDS[Reason.SHORT]
    by_priority = difference_by(plans, "priority")["b_first"]
    assert (by_priority["0"], by_priority["1"], by_priority["5"]) == (8, -6, -2)


def test_a_plan_against_itself_changes_nothing(demo: Plan, early_cables: Plan) -> None:
    """Comparing a plan with itself: no line changes, every delta 0; a real what-if shows its changes."""
    view = DashboardPlan(demo)
    assert changed_lines([view, view]).empty
    assert (difference_by([view, view], "week") == 0).all().all()
    deltas = kpi_deltas([view, DashboardPlan(early_cables)]).set_index("scenario")
    assert deltas.loc["early_cables", "allocated"] == 80
    assert deltas.loc["early_cables", "lines_full"] == 2


def test_kpi_views_read_as_the_overview_does(demo: Plan, early_cables: Plan) -> None:
    """The KPI tables shown: words for column names (no fill_pN), no empty cell, a fill rate written as
    the Overview writes it (78.1%, not 0.7812), priorities no plan has left out; deltas signed, fill
    rates in points."""
    plans = [DashboardPlan(demo), DashboardPlan(early_cables)]
    shown = kpi_view(kpi_comparison(plans))
    assert not any("_" in column for column in shown.columns)
    assert shown.notna().all().all()
    assert not shown.isin(["None", "nan", ""]).any().any()
    rows = shown.set_index("scenario")
    assert rows.loc["demo", "fill rate"] == f"{plans[0].headline.fill_rate:.1%}" == "77.8%"
    assert "fill, priority 0" not in shown.columns  # the demo has no line of priority 0
    assert rows.loc["demo", "fill, priority 7"] == "63.3%"
    deltas = kpi_view(kpi_deltas(plans), deltas=True).set_index("scenario")
    assert deltas.loc["early_cables", "allocated"] == "+80"
    fill_points = (early_cables.summary.totals.fill_rate - demo.summary.totals.fill_rate) * 100
    assert deltas.loc["early_cables", "fill rate"] == f"{fill_points:+.1f} pts"


def test_a_plan_view_builds_each_table_once(demo: Plan) -> None:
    """A view hands out the same frames on every call (pages rerun on each click), equal to the functions'."""
    view = DashboardPlan(demo)
    assert view.lines is view.lines
    assert view.items is view.items
    assert view.stock is view.stock
    assert view.lines.equals(line_table(WrittenPlan.of_plan(demo)))
    assert view.items.equals(item_table(demo.items_frame(), demo.prepared.scenario))
    assert view.tiers.equals(tier_table(demo.summary))
    assert view.stock.equals(by_warehouse_owner(demo.prepared.scenario, demo.allocations_frame()))
    assert view.kpis["lines_full"] == view.headline.lines_full == 6
    assert view.lots_of(view.lines).equals(
        line_lots(demo.prepared.scenario, demo.allocations_frame(), view.lines)
    )


def test_mixed_units_are_never_summed() -> None:
    """Paint counted in tenths of a litre beside bolts in pieces: lines and items carry the unit, totals
    are per unit, and the headline counts pieces only (without the greedy's total over both)."""
    from models.records import Item, Line, Lot, Order, Scenario

    day = date(2026, 12, 1)
    scenario = Scenario(
        "units",
        date(2026, 11, 20),
        (Item("BOLT"), Item("PAINT", unit="0.1 l")),
        (Lot("B1", "BOLT", "W", 10), Lot("P1", "PAINT", "W", 500)),
        (Order("O"),),
        (Line("O", "1", "BOLT", 4, day), Line("O", "2", "PAINT", 600, day)),
    )
    view = DashboardPlan(solve(scenario))
    assert view.units == ["pcs", "0.1 l"]
    assert dict(zip(view.lines["item"], view.lines["unit"], strict=True)) == {"BOLT": "pcs", "PAINT": "0.1 l"}
    totals = view.unit_totals.set_index("unit")
    assert (totals.loc["pcs", "allocated"], totals.loc["0.1 l", "allocated"]) == (4, 500)
    head = view.headline
    assert (head.mixed_units, head.unit, head.requested, head.allocated, head.greedy) == (
        True,
        "pcs",
        4,
        4,
        None,
    )
    assert view.fill_by("week", "0.1 l")["allocated"].sum() == 500
    assert set(view.stock["unit"]) == {"pcs", "0.1 l"}
    assert dict(zip(view.items["item"], view.items["unit"], strict=True)) == {"BOLT": "pcs", "PAINT": "0.1 l"}


@pytest.mark.parametrize("source", ["demo", "generated"])
def test_a_plan_read_from_its_folder_shows_what_the_plan_shows_without_rebuilding_it(
    source: str, tmp_path: Path
) -> None:
    """A view of a result folder (its CSVs and summary.json, and the scenario) gives the Overview's,
    the Orders', the Lines' and the Items' tables equal to those of the solved plan's view, without the
    plan: the plan is rebuilt only when a page asks for it (`plan`), once."""
    if source == "demo":
        path = SCENARIOS / "demo.toml"
    else:
        path = tmp_path / "gen"
        write_scenario(generate(lines=300, seed=5), path, name="gen")
    data = load_scenario(path)
    solved = solve(data)
    solved.write(tmp_path / "out")
    asked: list[int] = []

    def make_plan() -> Plan:
        asked.append(1)
        return solved

    view = DashboardPlan.of_folder(WrittenPlan.read(tmp_path / "out"), data, tmp_path / "out", make_plan)
    same = DashboardPlan(solved)
    assert view.headline == same.headline
    assert view.name == same.name
    assert view.notes == same.notes == solved.summary.notes
    for table in ("lines", "unit_totals", "stock", "tiers", "orders", "overdue", "expiring", "binding_pins"):
        pd.testing.assert_frame_equal(getattr(view, table), getattr(same, table), obj=table)
    assert view.units == same.units
    pd.testing.assert_frame_equal(view.fill_by("week"), same.fill_by("week"))
    pd.testing.assert_frame_equal(view.fill_by("priority"), same.fill_by("priority"))
    pd.testing.assert_frame_equal(view.lots_of(view.lines), same.lots_of(same.lines))
    pd.testing.assert_frame_equal(view.items, same.items)
    assert view.read_from == tmp_path / "out"
    assert asked == []
    assert view.plan is solved
    assert asked == [1]
