"""Scenario tables in one Excel workbook (`data = "book.xlsx"`): round trip, errors, the template."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from models.errors import InputErrors
from models.loading import load_scenario, scenario_inputs
from models.records import Scenario
from models.tables import TABLES
from models.workbook import DOC_SHEET, read_folder_tables, sheet_name, write_workbook
from planner.cli import main
from planner.engine.solve import solve
from planner.io.generate import generate, write_scenario

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "scenarios" / "demo"


def _workbook_scenario(folder: Path, tmp: Path, today: str, company: str = "") -> Path:
    """A scenario file beside a workbook made from the CSV folder (naming `company` if given)."""
    write_workbook(tmp / "book.xlsx", read_folder_tables(folder))
    named = f'company = "{company}"\n' if company else ""
    (tmp / "book.toml").write_text(f'name = "book"\ntoday = "{today}"\ndata = "book.xlsx"\n{named}')
    return tmp / "book.toml"


def _plan_files(scenario: Scenario) -> tuple[str, str]:
    plan = solve(scenario)
    return (
        plan.allocations_frame().to_csv(index=False, lineterminator="\n"),
        plan.lines_frame().to_csv(index=False, lineterminator="\n"),
    )


def test_demo_round_trip_gives_the_same_scenario_and_plan(tmp_path: Path) -> None:
    """CSV folder -> xlsx -> the same records and byte-identical allocations.csv and lines.csv."""
    from_csv = load_scenario(ROOT / "scenarios" / "demo.toml")
    path = _workbook_scenario(DEMO, tmp_path, from_csv.today.isoformat(), from_csv.company)
    from_book = load_scenario(path)
    assert from_book == from_csv.replace(name="book")
    assert _plan_files(from_book) == _plan_files(from_csv)
    assert tmp_path / "book.xlsx" in scenario_inputs(path)


def test_generated_round_trip_with_every_feature(tmp_path: Path) -> None:
    """A generated scenario using every table and column (lists, dates, booleans, kits, reservations)
    reads the same from a workbook and solves to the same plan byte for byte."""
    write_scenario(generate(300, seed=3), tmp_path / "csv", "gen")
    from_csv = load_scenario(tmp_path / "csv")
    book = _workbook_scenario(tmp_path / "csv", tmp_path, from_csv.today.isoformat(), from_csv.company)
    from_book = load_scenario(book)
    assert from_book == from_csv.replace(name="book")
    assert _plan_files(from_book) == _plan_files(from_csv)


def test_a_bad_cell_is_reported_with_sheet_and_row(tmp_path: Path) -> None:
    """Errors name the sheet as book.xlsx[table] and the row as Excel numbers it; all are reported at once."""
    path = _workbook_scenario(DEMO, tmp_path, "2026-11-23")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    header = [c.value for c in book["lines"][1]]
    book["lines"].cell(row=3, column=header.index("quantity") + 1, value="ten")
    lot_column = [c.value for c in book["lots"][1]].index("lot") + 1
    book["lots"].cell(row=2, column=lot_column).value = None  # cell(..., value=None) would keep the value
    book.save(tmp_path / "book.xlsx")
    with pytest.raises(InputErrors) as caught:
        load_scenario(path)
    messages = [str(e) for e in caught.value.errors]
    assert "book.xlsx[lines], row 3, column quantity: 'ten' is not a whole number" in messages
    assert "book.xlsx[lots], row 2, column lot: lot is required but the cell is empty" in messages


def test_a_missing_sheet_and_an_unknown_sheet(tmp_path: Path) -> None:
    """A missing required sheet is an error naming it; an unknown sheet only warns."""
    path = _workbook_scenario(DEMO, tmp_path, "2026-11-23")
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    del book["orders"]
    book.create_sheet("notes")
    book.save(tmp_path / "book.xlsx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(InputErrors) as errors:
            load_scenario(path)
    assert "book.xlsx[orders]: required sheet 'orders' not found in book.xlsx" in str(errors.value)
    assert any("unknown sheet 'notes'" in str(w.message) for w in caught)


def test_excel_typed_cells_read_like_csv_text(tmp_path: Path) -> None:
    """Real Excel dates, numbers stored as floats and booleans parse as their CSV text would."""
    as_text = load_scenario(_workbook_scenario(DEMO, tmp_path, "2026-11-23"))
    book = openpyxl.load_workbook(tmp_path / "book.xlsx")
    sheet = book["lines"]
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        date_cell = sheet.cell(row=row, column=header.index("ship_date") + 1)
        date_cell.value = dt.datetime.fromisoformat(str(date_cell.value))
        quantity = sheet.cell(row=row, column=header.index("quantity") + 1)
        quantity.value = float(quantity.value)
        full_line = sheet.cell(row=row, column=header.index("full_line") + 1)
        if full_line.value in ("true", "false"):
            full_line.value = full_line.value == "true"
    book.save(tmp_path / "book.xlsx")
    assert load_scenario(tmp_path / "book.toml") == as_text


def test_export_template_is_a_valid_empty_scenario(tmp_path: Path) -> None:
    """`planner export-template` writes one sheet per table with the contract's header row and a
    documentation sheet; as a scenario's data it loads without errors, with no rows."""
    done = CliRunner().invoke(main, ["export-template", "--out", str(tmp_path / "template.xlsx")])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames == [DOC_SHEET, *(sheet_name(spec) for spec in TABLES)]
    for spec in TABLES:
        assert tuple(c.value for c in book[sheet_name(spec)][1]) == spec.column_names
    documented = {(r[0], r[1]) for r in book[DOC_SHEET].iter_rows(values_only=True)}
    assert all((sheet_name(s), c) in documented for s in TABLES for c in s.column_names)
    (tmp_path / "t.toml").write_text('today = "2026-11-23"\ndata = "template.xlsx"\n')
    scenario = load_scenario(tmp_path / "t.toml")
    assert (scenario.items, scenario.lots, scenario.orders, scenario.lines) == ((), (), (), ())


def test_export_template_from_a_folder(tmp_path: Path) -> None:
    """`--from FOLDER` fills the sheets from CSV tables; `--out` must be an .xlsx file."""
    runner = CliRunner()
    done = runner.invoke(main, ["export-template", "--out", str(tmp_path / "demo.xlsx"), "--from", str(DEMO)])
    assert done.exit_code == 0, done.output
    lots = openpyxl.load_workbook(tmp_path / "demo.xlsx")["lots"]
    assert lots.max_row == 1 + len(load_scenario(ROOT / "scenarios" / "demo.toml").lots)
    wrong = runner.invoke(main, ["export-template", "--out", str(tmp_path / "demo.csv")])
    assert wrong.exit_code == 2
