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
    """1038 lots of 385 parts; 119 build lines (the README's 120 still needing stock, less the one
    consumable BOM line InvenTree does not allocate); 6 sales lines, 230 units; 39 items short."""
    report, tables = result.report, result.tables
    lots, lines = tables["lots.csv"], tables["lines.csv"]
    assert report["written.lots"] == len(lots) == 1038
    assert lots["item"].nunique() == 385
    assert report["written.lines.from_builds"] == 119
    assert report["written.lines.from_sales_orders"] == 6
    assert lines.loc[lines["order"].str.startswith("SO"), "quantity"].sum() == 230
    assert report["info.items_demanded"] == 85  # the README's 86 less the consumable (Wood Screw)
    assert report["info.items_short"] == 39
    assert report["written.orders"] == 13  # 9 open builds and 3 sales orders with something left


def test_report_accounts_for_every_record(result: ImportResult) -> None:
    """Every stock item, build line and sales line read is either written or counted as dropped, by reason."""
    r = result.report

    def dropped(prefix: str) -> int:
        return sum(n for key, n in r.items() if key.startswith(prefix))

    assert r["read.stock_items"] == r["written.lots"] + dropped("dropped.stock_items.") == 1106
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
    assert paint.loc["stock#227", ["quantity", "allocated"]].tolist() == [2275, 2275]
    assert lines.loc[lines["item"] == "Red Paint", "quantity"].tolist() == [5225]  # 5.225 l for BO0007
    description = items.set_index("item").loc["Red Paint", "description"]
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
    assert (len(scenario.lots), len(scenario.lines)) == (1038, 125)
    plan = solve(scenario)
    summary = plan.summary.to_json()
    assert summary["status"] == "optimal"
    assert summary["totals"]["requested"] == 85576
    assert summary["totals"]["allocated"] == 57222
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
