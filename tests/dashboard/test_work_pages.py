"""The pages a planner works in, run by AppTest: Orders, drill-down by selecting rows, Exceptions, the
previous plan and Since previous, paged tables and filtered pickers.

Rows are selected as a browser does it: the table's selection state (its key in session state).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models.codes import Reason
from models.loading import load_scenario
from models.previous import read_previous
from planner.app.dashboard import DashboardPlan
from planner.app.drill import SERVES_OTHER
from planner.app.exceptions import TAKES_WANTED
from planner.app.scenarios import RESULTS_VARIABLE
from planner.dashboard.views.common import PAGE_ROWS, PREVIOUS_KEY
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario
from planner.io.runs import run_batch
from planner.result.reasons import REASON_WORDS
from tests.dashboard.apptest import frame_with, frames_with, metrics, shown
from tests.dashboard.conftest import SCENARIOS, Open


def select(at: AppTest, key: str, row: int) -> AppTest:
    """Select row `row` of the table under `key` and rerun."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_orders_page_lists_every_order_with_what_blocks_it(app: Open) -> None:
    """One row per order of the demo with type, customer, priority, ship-complete and what blocks it,
    the most missing first (no demo line is overdue): SO-1009 misses 440 units of CAP-100N. What blocks
    an order is said in the reasons' sentences (planner.result.reasons), never as a raw code."""
    at = app("views/orders.py")
    orders = frame_with(at, "order", "type", "customer", "priority", "ship_complete", "blocks", "unit")
    assert len(orders) == 9 + 4  # the nine orders taking part, four that take no part
    assert orders["order"][0] == "SO-1009"
    assert orders["missing"][0] == 440
    assert f"line 1 CAP-100N 440 pcs: {REASON_WORDS[Reason.SAFETY_STOCK]}" in orders["blocks"][0]
    do = orders.set_index("order").loc["DO-2001"]
    assert bool(do["ship_complete"])
    assert REASON_WORDS[Reason.FULL_DELIVERY_BLOCKED] in do["blocks"]
    codes = [r.value for r in Reason]
    assert not [b for b in orders["blocks"] for c in codes if f"({c})" in b or ("_" in c and c in b)]
    at.toggle(key="orders-open").set_value(True).run()
    assert "complete" not in set(frame_with(at, "order", "blocks")["status"])


def test_an_order_drills_down_to_its_lines_and_a_line_to_its_lots(app: Open) -> None:
    """Selecting MO-3001 opens its three lines; selecting its line 2 opens the two lots serving it
    (CAP-100N's own lot and its alternate's), 300 pcs in all."""
    at = app("views/orders.py")
    orders = frame_with(at, "order", "blocks")
    select(at, "orders-table", list(orders["order"]).index("MO-3001"))
    assert "Lines of MO-3001" in subheaders(at)
    lines = frame_with(at, "order", "line", "why", "lots")
    assert list(lines["line"]) == ["1", "2", "3"]
    select(at, "order-lines", 1)
    assert "Lots serving MO-3001 / 2" in subheaders(at)
    lots = frame_with(at, "lot", "warehouse", "source", "unit")
    assert set(lots["lot"]) == {"C100N-NY-1", "C100NB-CA-1"}
    assert lots["quantity"].sum() == 300


def test_an_item_drills_down_to_the_lines_its_lots_serve_and_its_lots(app: Open) -> None:
    """Selecting CAP-100N-B (the alternate of CAP-100N) lists MO-3001/2, a CAP-100N line its lot serves,
    and its lots with what the plan takes from each."""
    at = app("views/items.py")
    items = frame_with(at, "item", "deficit")
    select(at, "items-table", list(items["item"]).index("CAP-100N-B"))
    lines = frame_with(at, "serves", "order", "line").set_index(["order", "line"])
    assert lines.loc[("MO-3001", "2"), "serves"] == SERVES_OTHER
    lots = frame_with(at, "lot", "allocable", "left", "unit")
    allocations = solve(load_scenario(SCENARIOS / "demo.toml")).allocations_frame()
    taken = allocations[allocations["item"] == "CAP-100N-B"].groupby("lot")["quantity"].sum()
    assert dict(zip(lots["lot"], lots["allocated"], strict=True)) == taken.to_dict()
    assert (lots["left"] == lots["allocable"] - lots["allocated"]).all()


def test_a_line_drills_down_to_its_lots(app: Open) -> None:
    """Selecting SO-1001/1 on the Lines page shows only its lots: 270 from R10K-NY-1 among them."""
    at = app("views/lines.py")
    lines = frame_with(at, "order", "line", "why")
    select(at, "lines-table", list(lines["order"]).index("SO-1001"))
    assert "Lots serving SO-1001 / 1" in subheaders(at)
    lots = frame_with(at, "lot", "source", "unit")
    assert set(lots["order"]) == {"SO-1001"}
    assert lots.set_index("lot").loc["R10K-NY-1", "quantity"] == 270


def test_exceptions_show_the_lines_overdue_against_today(writable_app: Open, own_scenarios: Path) -> None:
    """With today three days later than the demo's, the lines shipping before it are overdue, most days
    first; the demo's own today has none."""
    (own_scenarios / "late.toml").write_text('extends = "demo.toml"\ntoday = 2026-11-26\n', encoding="utf-8")
    at = writable_app("views/exceptions.py")
    assert frame_with(at, "days_overdue").empty
    at = writable_app("views/exceptions.py", scenario="late.toml")
    late = frame_with(at, "order", "line", "days_overdue", "unit")
    assert set(late["order"]) >= {"DO-2001", "SO-1001"}
    assert late["days_overdue"][0] == 2  # DO-2001 shipped on 2026-11-24
    assert list(late["days_overdue"]) == sorted(late["days_overdue"], reverse=True)


@pytest.fixture
def yesterday(own_scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`planner run` of early_cables into a results folder the dashboard reads ($PLANNER_RESULTS):
    the plan to re-plan the demo from (early_cables ships DO-2001 complete; the demo cannot)."""
    results = tmp_path / "results"
    assert all(o.ok for o in run_batch([own_scenarios / "early_cables.toml"], results))
    monkeypatch.setenv(RESULTS_VARIABLE, str(results))
    return results / "early_cables"


def test_a_previous_plan_re_plans_and_shows_what_moved(
    writable_app: Open, own_scenarios: Path, yesterday: Path
) -> None:
    """Choosing yesterday's folder as the previous plan re-plans the demo from it (as --previous):
    Since previous shows changes.csv's rows of that re-plan and the lines that lost or gained, and
    Exceptions lists DO-2001's lines as having lost the stock early_cables gave them."""
    at = writable_app("views/previous.py")
    assert "Choose a previous plan" in at.info[0].value
    at.selectbox(key=PREVIOUS_KEY).set_value(str(yesterday)).run()
    assert not at.exception, [e.value for e in at.exception]
    expected = DashboardPlan(
        solve(load_scenario(own_scenarios / "demo.toml").replace(previous=read_previous(yesterday)))
    )
    changes = frame_with(at, "order", "line", "lot", "before", "now", "unit")
    assert changes[["order", "line", "lot", "before", "now"]].values.tolist() == (
        expected.plan.changes_frame().values.tolist()
    )
    assert metrics(at)["Lines changed"] == f"{len(expected.moved_lines):,}"
    moved = frame_with(at, "from_lot", "to_lot", "quantity", "unit")
    assert moved["quantity"].sum() > 0
    at.switch_page("views/exceptions.py").run()
    lost = frame_with(at, "before", "lost")
    assert {"DO-2001"} <= set(lost["order"])
    assert (lost["lost"] > 0).all()


def test_long_tables_are_paged(writable_app: Open, own_scenarios: Path) -> None:
    """At 1,200 generated lines the Lines page shows one page of PAGE_ROWS lines at a time, never the
    whole table, and page 2 shows the next rows."""
    write_scenario(generate(lines=1200, seed=3), own_scenarios / "big", name="big")
    at = writable_app("views/lines.py", scenario="big")
    first = frame_with(at, "order", "line", "why")
    assert len(first) == PAGE_ROWS
    at.number_input(key="lines-page").set_value(2).run()
    second = frame_with(at, "order", "line", "why")
    assert len(second) == PAGE_ROWS
    assert set(zip(first["order"], first["line"])).isdisjoint(zip(second["order"], second["line"]))


def test_whatif_pickers_offer_only_what_matches_their_filter(app: Open) -> None:
    """The order picker offers the orders whose id contains the filter's text, and no more than its
    limit; the line picker the lines of matching orders or items."""
    at = app("views/whatif.py")
    at.text_input(key="wi-order-text").input("so-100").run()
    offered = [o.split(" (")[0] for o in at.selectbox(key="wi-order").options]
    demo = load_scenario(SCENARIOS / "demo.toml")
    assert offered == [o.order for o in demo.orders if "SO-100" in o.order]
    at.text_input(key="wi-line-text").input("CABLE").run()
    assert {o.split(" (")[1].split(",")[0] for o in at.selectbox(key="wi-line").options} == {"CABLE-USB"}


def test_a_line_pinned_on_the_lines_page_is_solved_and_saved(writable_app: Open, own_scenarios: Path) -> None:
    """Select SO-1006/1 (its full line short), pin it to 30 of ENC-NY-1: the What-if lists the pin, the
    line gains 30, and Save writes a scenario and its pins CSV that `planner run` solves alike."""
    at = writable_app("views/lines.py")
    lines = frame_with(at, "order", "line", "why")
    select(at, "lines-table", list(lines["order"]).index("SO-1006"))
    at.selectbox(key="pin-lot-SO-1006-1").set_value("ENC-NY-1").run()
    at.number_input(key="pin-qty-SO-1006-1-ENC-NY-1").set_value(30).run()
    at.button(key="pin-SO-1006-1").click().run()
    assert not at.error, [e.value for e in at.error]
    at.switch_page("views/whatif.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "- pin SO-1006 / 1: 30 of ENC-NY-1" in [shown(m.value) for m in at.markdown]
    gained = frame_with(at, "order", "base_allocated", "delta").set_index("order")
    assert gained.loc["SO-1006", "delta"] == 30
    at.text_input(key="wi-name").input("epsilon_pinned").run()
    at.button(key="wi-save").click().run()
    saved = own_scenarios / "epsilon_pinned.toml"
    assert (own_scenarios / "epsilon_pinned_pins.csv").is_file()
    plan = solve(load_scenario(saved))
    assert plan.lines_frame().set_index("order").loc["SO-1006", "allocated"] == 30


def test_an_order_kept_and_a_line_released_on_the_orders_page(app: Open) -> None:
    """On the Orders page, Keep on MO-3001 and Release on its line 3 become what-if changes: the line
    gets nothing in the what-if's plan."""
    at = app("views/orders.py")
    orders = frame_with(at, "order", "blocks")
    select(at, "orders-table", list(orders["order"]).index("MO-3001"))
    at.button(key="keep-MO-3001").click().run()
    select(at, "order-lines", 2)
    at.button(key="release-MO-3001-3").click().run()
    assert not at.error, [e.value for e in at.error]
    at.switch_page("views/whatif.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = " ".join(shown(m.value) for m in at.markdown)
    assert "keep = True" in texts
    assert "release MO" in texts
    lost = frame_with(at, "order", "line", "base_allocated", "delta")
    row = lost[(lost["order"] == "MO-3001") & (lost["line"] == "3")]
    assert list(row["delta"]) == [-200]


def test_exceptions_show_the_pins_that_bind(app: Open) -> None:
    """pinned_epsilon pins 30 of ENC-NY-1 to SO-1006 while Acme's SO-1004 (the same item) is left
    short: the Exceptions page lists that pin as binding; the demo has no pin."""
    at = app("views/exceptions.py")
    assert frame_with(at, "pinned", "binds").empty
    at = app("views/exceptions.py", scenario="pinned_epsilon.toml")
    binding = frame_with(at, "pinned", "binds")
    assert binding[["order", "lot", "pinned", "binds"]].values.tolist() == [
        ["SO-1006", "ENC-NY-1", 30, TAKES_WANTED]
    ]


def test_a_short_line_opens_its_explanation_and_its_holders(app: Open) -> None:
    """Select SO-1009/1 (short: safety stock) and open its explanation: the words, what it could have
    first in its tier, the lines holding its stock (MO-3001/2 among them); selecting a holder shows
    that line; the relaxations name the filter that keeps stock from it."""
    at = app("views/lines.py")
    lines = frame_with(at, "order", "line", "why")
    select(at, "lines-table", list(lines["order"]).index("SO-1009"))
    at.toggle(key="explain-SO-1009-1").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    words = " ".join(t.value for t in at.text)
    assert "SO-1009/1 (CAP-100N" in words
    assert "Held by: C100N-NY-1: 100 held by MO-3001/2" in words
    assert metrics(at)["First in its tier it could have (pcs)"] == "760"
    held = frame_with(at, "order", "line", "lot", "why")
    assert ("MO-3001", "2") in set(zip(held["order"], held["line"]))
    select(at, "holders-SO-1009-1", list(zip(held["order"], held["line"])).index(("MO-3001", "2")))
    holder = frames_with(at, "order", "line", "why", "lots")[-1]
    assert holder[["order", "line"]].values.tolist() == [["MO-3001", "2"]]
    assert "status" in set(frame_with(at, "filter", "quantity")["filter"])


def test_a_selected_line_stays_the_same_line_when_the_filter_changes(app: Open) -> None:
    """Select the fourth line on the Lines page, then filter so that it moves to the top: its lots are
    still the ones shown (the selection follows the line, not the row number); filter it out and no
    other line's lots open in its place."""
    at = app("views/lines.py")
    lines = frame_with(at, "order", "line", "why")
    order, line = str(lines["order"][3]), str(lines["line"][3])
    select(at, "lines-table", 3)
    assert f"Lots serving {order} / {line}" in subheaders(at)
    at.text_input(key="lines-text").set_value(order).run()
    now = frame_with(at, "order", "line", "why")
    assert list(zip(now["order"], now["line"])).index((order, line)) != 3
    assert f"Lots serving {order} / {line}" in subheaders(at)
    assert [s for s in subheaders(at) if s.startswith("Lots serving")] == [f"Lots serving {order} / {line}"]
    other = next(str(o) for o in lines["order"] if o != order)
    at.text_input(key="lines-text").set_value(other).run()
    assert [s for s in subheaders(at) if s.startswith("Lots serving")] == [
        "Lots serving the lines on this page"
    ]


def test_a_selected_order_stays_the_same_order_when_the_filter_changes(app: Open) -> None:
    """Select an order below a complete one on the Orders page, then show only the orders not complete:
    the lines shown are still that order's."""
    at = app("views/orders.py")
    orders = frame_with(at, "order", "blocks", "status")
    statuses = list(orders["status"])
    row = next(i for i in range(1, len(statuses)) if "complete" in statuses[:i] and statuses[i] != "complete")
    chosen = str(orders["order"][row])
    select(at, "orders-table", row)
    assert f"Lines of {chosen}" in subheaders(at)
    at.toggle(key="orders-open").set_value(True).run()
    assert [s for s in subheaders(at) if s.startswith("Lines of")] == [f"Lines of {chosen}"]
