"""The InvenTree import on the demo dataset: counts its README implies, the report, and a solvable plan.

The data is read from ../shared/realdata (beside the repo); the tests skip when it is missing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.loading import load_scenario
from planner.check import check_dir
from planner.cli import main
from planner.engine.solve import solve
from planner.io.importers import ImportResult, import_inventree, write_import

FIXTURE = (
    Path(__file__).resolve().parents[5]
    / "shared"
    / "realdata"
    / "inventree-demo-dataset"
    / "inventree_data.json"
)
TODAY = date(2024, 3, 19)  # the dataset's commit date; the data's own dates are 2021-2022

pytestmark = pytest.mark.skipif(
    not FIXTURE.is_file(),
    reason=f"InvenTree demo dataset not found at {FIXTURE} (shared/realdata beside the repo)",
)


@pytest.fixture(scope="module")
def result() -> ImportResult:
    return import_inventree(FIXTURE, TODAY)


@pytest.fixture(scope="module")
def folder(result: ImportResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("inventree") / "scenario"
    write_import(result, out, "inventree-demo", FIXTURE.name)
    return out


def test_counts_are_those_the_readme_implies(result: ImportResult) -> None:
    """1038 lots on hand of 385 parts (and 21 to come); 119 build lines (the README's 120 still
    needing stock, less the one consumable BOM line InvenTree does not allocate); 6 sales lines, 230
    units; 36 items short (39 from stock on hand alone)."""
    report, tables = result.report, result.tables
    lots, lines = tables["lots.csv"], tables["lines.csv"]
    on_hand = lots[lots["due"].isna()]
    assert report["written.lots"] == len(lots) == 1038 + 21
    assert len(on_hand) == 1038
    assert on_hand["item"].nunique() == 385
    assert report["written.lines.from_builds"] == 119
    assert report["written.lines.from_sales_orders"] == 6
    assert lines.loc[lines["order"].str.startswith("SO"), "quantity"].sum() == 230
    assert report["info.items_demanded"] == 85  # the README's 86 less the consumable (Wood Screw)
    assert report["info.items_short"] == 36
    assert report["written.orders"] == 13  # 9 open builds and 3 sales orders with something left


def test_report_accounts_for_every_record(result: ImportResult) -> None:
    """Every stock item, build line and sales line read is either written or counted as dropped, by reason."""
    r = result.report

    def dropped(prefix: str) -> int:
        return sum(n for key, n in r.items() if key.startswith(prefix))

    to_come = r["written.lots_to_come.purchase_lines"] + r["written.lots_to_come.build_outputs"]
    assert r["read.stock_items"] == r["written.lots"] - to_come + dropped("dropped.stock_items.") == 1106
    assert r["dropped.stock_items.installed_in_another_item"] == 28
    assert r["dropped.stock_items.build_output_in_progress"] == 21
    assert r["dropped.stock_items.assigned_to_sales_order"] == 14
    assert r["dropped.stock_items.status_rejected"] == 3
    assert r["dropped.stock_items.status_quarantined"] == 2
    assert r["read.build_lines"] == r["written.lines.from_builds"] + dropped("dropped.build_lines.") == 361
    assert r["dropped.build_lines.closed_build"] == 79
    assert r["dropped.build_lines.fully_allocated"] == 160
    assert r["dropped.build_lines.consumable"] == 3
    assert r["dropped.build_lines.optional"] == 0
    assert (
        r["read.sales_lines"] == r["written.lines.from_sales_orders"] + dropped("dropped.sales_lines.") == 13
    )
    assert r["dropped.allocations.shipped_or_order_closed"] == 16


def test_report_counts_what_was_assumed(result: ImportResult) -> None:
    """Missing target dates, locations and batches, and decimal quantities are counted, not hidden."""
    r = result.report
    assert r["assumed.build_lines.ship_date_today"] == 108
    assert r["assumed.sales_lines.ship_date_today"] == 3
    assert r["info.sales_lines.ship_date_from_order"] == 3
    assert r["assumed.lots.no_location"] == 18
    assert r["assumed.lots.id_with_stock_item_pk"] == 789
    assert r["assumed.items.unit_made_smaller"] == 5
    assert r["assumed.lines.alternates_widened_to_item"] == 0
    assert len(result.notes) == 5
    assert all("InvenTree holds decimals" in n for n in result.notes)


def test_decimal_quantities_are_whole_in_a_smaller_unit(result: ImportResult) -> None:
    """Red Paint (litres; a lot of 2.275, all allocated) counts in 1/1000 litres, supply and demand alike."""
    lots, lines, items = (result.tables[t] for t in ("lots.csv", "lines.csv", "items.csv"))
    paint = lots[lots["item"] == "Red Paint"].set_index("lot")
    assert list(paint.loc["stock#227", ["quantity", "allocated"]]) == [2275, 2275]
    assert lines.loc[lines["item"] == "Red Paint", "quantity"].tolist() == [5225]  # 5.225 l for BO0007
    description = str(items.set_index("item").loc["Red Paint", "description"])
    assert description.endswith("[quantities in 1/1000 litres]")


def test_substitutes_variants_and_source_location(result: ImportResult) -> None:
    """A BOM substitute is an alternate of rank 2, a variant (where the line allows) of rank 1;
    a build's source location becomes its order's warehouse."""
    alternates = result.tables["alternates.csv"]
    pairs = {(a, b): r for a, b, r in alternates.itertuples(index=False)}
    assert pairs[("MAX232IDR", "MCP2561SN")] == 2
    assert pairs[("widget.red | Red Widget", "widget.red.00 | Red Widget | 00")] == 1
    assert len(pairs) == 12
    orders = result.tables["orders.csv"].set_index("order")
    assert orders.loc["BO0003", "warehouses"] == ("Electronics Lab",)
    assert orders.loc["BO0016", "customer"] == "Customer E"  # linked to sales order SO0003


def test_import_solves_optimal_and_passes_the_checker(folder: Path, tmp_path: Path) -> None:
    """The written folder loads without input errors, solves with status optimal and the checker passes."""
    scenario = load_scenario(folder)
    assert (len(scenario.lots), len(scenario.lines)) == (1038 + 21, 125)
    plan = solve(scenario)
    summary = plan.summary.to_json()
    assert summary["status"] == "optimal"
    assert summary["totals"]["requested"] == 85576
    assert summary["totals"]["allocated"] == 57410  # 57,222 from stock on hand, 188 more to come
    plan.write(tmp_path / "plan")
    assert check_dir(scenario, tmp_path / "plan") == []


def test_folder_holds_the_report(folder: Path, result: ImportResult) -> None:
    """import_report.json holds the counts and notes, and scenario.toml the planning date."""
    report = json.loads((folder / "import_report.json").read_text())
    assert report["counts"] == result.report
    assert report["notes"] == list(result.notes)
    assert report["file"] == FIXTURE.name
    assert 'today = "2024-03-19"' in (folder / "scenario.toml").read_text()


def test_cli_import_writes_the_folder_and_prints_the_report(tmp_path: Path) -> None:
    """`planner import inventree` writes the scenario and prints the counts; a non-export exits 2."""
    runner = CliRunner()
    out = tmp_path / "inv"
    done = runner.invoke(
        main, ["import", "inventree", str(FIXTURE), "--out", str(out), "--today", "2024-03-19"]
    )
    assert done.exit_code == 0, done.output
    assert "written.lots" in done.output
    assert (out / "scenario.toml").is_file()
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a fixture"}')
    failed = runner.invoke(main, ["import", "inventree", str(bad), "--out", str(tmp_path / "x")])
    assert failed.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_supply_to_come_open_purchase_lines_and_build_outputs(result: ImportResult) -> None:
    """10 open purchase-order lines with something left to receive and 11 open builds with outputs
    left to make become lots to come; the 2 builds made for SO0003 peg their outputs to its lines.

    Worked line: PO0012 line 31 orders 5 packs of 500 m of Silicon Wire 10AWG White, none received:
    2,500 m to come, in 1/100 m (the item has decimals elsewhere), due today (neither the line nor
    the order has a target date), without a destination. BO0014 makes 100 Blue Square Tables for
    SO0003, whose line 4 asks for 100: the output lot is reserved for it in full."""
    r, tables = result.report, result.tables
    assert r["read.purchase_orders"] == 12
    assert r["written.lots_to_come.purchase_lines"] == 10
    assert r["written.lots_to_come.build_outputs"] == 11
    assert r["written.reservations.build_for_sales_order"] == 2
    assert r["assumed.lots_to_come.purchase_due_today"] == 5
    lots = tables["lots.csv"].set_index("lot")
    wire = lots.loc["PO0012/31"]
    assert (wire["item"], wire["quantity"], wire["due"], wire["warehouse"]) == (
        "Silicon Wire 10AWG White",
        250000,
        TODAY,
        "(no location)",
    )
    units = tables["items.csv"].set_index("item")["unit"]
    assert units["Silicon Wire 10AWG White"] == "1/100 m"
    assert units["Pink Paint"] == "litres"
    assert units["C_100pF_0603"] == "pcs"
    assert list(lots.loc["PO0001/2", ["item", "quantity"]]) == ["R_100K_0603_1%", 4000]
    assert lots.loc["PO0001/2", "due"] == date(2021, 12, 10)
    table = lots.loc["BO0014 output"]
    assert (table["item"], table["quantity"], table["due"]) == ("Blue Square Table", 100, TODAY)
    pegs = tables["reservations.csv"]
    assert pegs.to_dict("records") == [
        {"order": "SO0003", "line": "4", "lot": "BO0014 output", "quantity": 100},
        {"order": "SO0003", "line": "6", "lot": "BO0016 output", "quantity": 75},
    ]


def test_items_table_has_inventree_s_numbers(folder: Path, tmp_path: Path) -> None:
    """items.csv against InvenTree's part page, worked out from the export by InvenTree's definitions
    (docs/imports.md): C_100pF_0603 In Stock 2134, Allocated 1255, Available 879, Required 2805,
    Deficit 671; R_100K_0603_1% 2321, 825, 1496, 1375, 0 with 4,000 on order (PO0001); Widget
    Assembly 1, 0, 1, 100, 99, with 14 in production (BO0001) on order here."""
    plan = solve(load_scenario(folder))
    items = plan.items_frame().set_index("item")
    columns = ["in_stock", "allocated_before", "available", "required", "deficit", "on_order"]
    assert list(items.loc["C_100pF_0603", columns]) == [2134, 1255, 879, 2805, 671, 0]
    assert list(items.loc["R_100K_0603_1%", columns]) == [2321, 825, 1496, 1375, 0, 4000]
    assert list(items.loc["Widget Assembly", columns]) == [1, 0, 1, 100, 99, 14]


def test_every_lot_on_hand_carries_its_stock_item_pk(result: ImportResult) -> None:
    """source_id is the InvenTree stock item's pk, on every lot on hand (one per stock item in stock,
    so all distinct; a lot id ending `#pk` names the same pk); lots to come have none."""
    lots = result.tables["lots.csv"]
    on_hand, to_come = lots[lots["due"].isna()], lots[lots["due"].notna()]
    stock = {
        str(r["pk"])
        for r in json.loads(FIXTURE.read_text(encoding="utf-8"))
        if r["model"] == "stock.stockitem"
    }
    assert set(on_hand["source_id"]) <= stock
    assert on_hand["source_id"].is_unique
    marked = on_hand[on_hand["lot"].str.contains("#")]
    assert (marked["lot"].str.rsplit("#", n=1).str[1] == marked["source_id"]).all()
    assert (to_come["source_id"] == "").all()
