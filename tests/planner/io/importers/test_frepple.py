"""The frePPLe import on its demo models: counts, the report, transfer lanes and a solvable plan.

The data is read from ../shared/realdata (beside the repo); the tests skip when it is missing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from models.loading import load_scenario
from planner.check import check_dir
from planner.engine.solve import solve
from planner.io.importers import ImportResult, import_frepple, write_import
from planner.io.importers.result import ImportFailed

FREPPLE = Path(__file__).resolve().parents[5] / "shared" / "realdata" / "frepple"
MANUFACTURING = FREPPLE / "manufacturing_demo.json"

pytestmark = pytest.mark.skipif(
    not MANUFACTURING.is_file(),
    reason=f"frePPLe demo models not found in {FREPPLE} (shared/realdata beside the repo)",
)


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return import_frepple(MANUFACTURING)


def test_manufacturing_demo_counts(result: ImportResult) -> None:
    """16 open demands become 16 one-line orders; 18 of 19 buffers hold stock, and 7 confirmed
    operation plans are lots to come; 4 warehouses; the model's currentdate 2021-01-01 is today;
    all 4 demanded items are short."""
    r = result.report
    assert result.today == date(2021, 1, 1)
    assert r["read.demand"] == 220
    assert r["dropped.demands.closed"] == 204
    assert r["written.orders"] == r["written.lines"] == 16
    assert r["read.buffer"] == 19
    assert r["dropped.buffers.nothing_on_hand"] == 1
    assert r["written.lots"] == 18 + 7
    assert r["written.warehouses"] == 4
    assert r["info.items_demanded"] == 4
    assert r["info.items_short"] == 4
    assert result.tables["lines.csv"]["quantity"].sum() == 250


def test_report_counts_what_the_contract_cannot_hold(result: ImportResult) -> None:
    """Lane lead times and lot sizes are counted as ignored; confirmed supply to come as written."""
    r = result.report
    assert r["info.lanes_lead_time_ignored"] == 6
    assert r["info.lanes_lot_size_ignored"] == 4
    assert r["written.lots_to_come.po_confirmed"] == 4
    assert r["written.lots_to_come.do_confirmed"] == 3
    assert r["info.lines_with_transfer_sources"] == 16
    assert r["assumed.orders.priority_capped_to_0_9"] == 0
    assert r["assumed.lines.no_due_date_ship_today"] == 0


def test_transfer_lanes_give_the_allowed_warehouses(result: ImportResult) -> None:
    """A shop's demand ships from the shop first, then the warehouse that feeds it, then the factory;
    frePPLe's priority (lower is more urgent) is kept."""
    orders = result.tables["orders.csv"].set_index("order")
    assert orders.loc["Demand 07", "warehouses"] == ("shop 1", "warehouse", "factory")
    assert orders.loc["Demand 01", "warehouses"] == ("shop 2", "warehouse", "factory")
    assert orders.loc["Demand 02", "priority"] == 0
    assert orders.loc["Demand 01", "priority"] == 1
    lots = result.tables["lots.csv"].set_index("lot")
    assert list(lots.loc["chair @ warehouse", ["item", "warehouse", "quantity"]]) == [
        "chair",
        "warehouse",
        10,
    ]


def test_manufacturing_demo_solves_optimal(result: ImportResult, tmp_path: Path) -> None:
    """The folder loads, solves optimal and passes the checker: all 80 units on hand of the demanded
    items reach a demand, and the tables shipped to shop 1 (DO#1, DO#2, due 2021-03-02) add 10 for
    the demands due after them: 90 (varnished chairs, only ever made, get nothing)."""
    write_import(result, tmp_path / "scenario", origin=MANUFACTURING.name)
    scenario = load_scenario(tmp_path / "scenario")
    plan = solve(scenario)
    summary = plan.summary.to_json()
    assert summary["status"] == "optimal"
    assert (summary["totals"]["requested"], summary["totals"]["allocated"]) == (250, 90)
    plan.write(tmp_path / "plan")
    assert check_dir(scenario, tmp_path / "plan") == []
    report = json.loads((tmp_path / "scenario" / "import_report.json").read_text())
    assert report["source"] == "frePPLe"
    assert report["today"] == "2021-01-01"


def test_small_demo_imports_and_solves(tmp_path: Path) -> None:
    """demo.json (14 open demands, 2 factories) imports and solves optimal; --today overrides currentdate."""
    small = import_frepple(FREPPLE / "demo.json", date(2014, 1, 15))
    assert small.today == date(2014, 1, 15)
    assert small.report["written.lines"] == 14
    assert small.report["written.lots"] == 4 + 5  # and 4 purchase orders, 1 manufacturing order to come
    write_import(small, tmp_path / "demo")
    assert solve(load_scenario(tmp_path / "demo")).summary.to_json()["status"] == "optimal"


def test_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    """A JSON file that is no frePPLe model raises ValueError naming the file."""
    bad = tmp_path / "x.json"
    bad.write_text("[]")
    with pytest.raises(ImportFailed, match=r"x\.json"):
        import_frepple(bad)


def test_supply_to_come_from_operation_plans(result: ImportResult) -> None:
    """Each confirmed operation plan is a lot due at its end date. Worked line: DO#3 ships 30 chairs
    from the warehouse to shop 1, arriving 2021-03-02: a lot of 30 at shop 1 due then, and the
    warehouse's 10 chairs, still on hand there, are allocated to it (counted)."""
    lots = result.tables["lots.csv"].set_index("lot")
    chairs = lots.loc["DO#3"]
    assert (chairs["item"], chairs["warehouse"], chairs["quantity"], chairs["due"]) == (
        "chair",
        "shop 1",
        30,
        date(2021, 3, 2),
    )
    assert list(lots.loc["chair @ warehouse", ["quantity", "allocated"]]) == [10, 10]
    assert list(lots.loc["PO#2", ["item", "warehouse", "due"]]) == [
        "wooden beam",
        "factory",
        date(2021, 1, 5),
    ]
    assert result.report["assumed.lots.distribution_order_takes_from_origin"] == 3


def test_priority_then_due_is_offered_as_the_key(tmp_path: Path) -> None:
    """`--key priority,ship_date` writes frePPLe's convention into the scenario's [objective]; a wrong
    key is an error (exit 2)."""
    from click.testing import CliRunner

    from planner.cli import main

    runner = CliRunner()
    out = tmp_path / "fm"
    done = runner.invoke(
        main, ["import", "frepple", str(MANUFACTURING), "--out", str(out), "--key", "priority,ship_date"]
    )
    assert done.exit_code == 0, done.output
    assert load_scenario(out).objective_key == ("priority", "ship_date")
    bad = runner.invoke(
        main, ["import", "frepple", str(MANUFACTURING), "--out", str(tmp_path / "x"), "--key", "due"]
    )
    assert bad.exit_code == 2
    assert "--key" in bad.output
