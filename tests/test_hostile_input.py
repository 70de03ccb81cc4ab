"""Hostile input (issue 18, SPEC 11): data that looks like a formula, console markup, oversized or
non-regular files, absurd numbers and services that never answer. Each case gives a clear message
naming the file, row and column (exit 2 for the user's input) or works, and never a traceback.

Scenarios are written into tmp_path; commands run in-process through click's CliRunner.
"""

from __future__ import annotations

import csv
import io
import os
import socket
import string
import threading
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.cells import escape_cell, read_csv_text, unescape_cell, write_csv_text
from models.errors import InputError, InputErrors
from models.loading import load_scenario
from models.workbook import read_sheets
from planner.app.scenarios import scenario_files
from planner.cli import main

TODAY = "2026-11-20"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def one_line(text: str) -> str:
    """Console text with rich's line wrapping undone."""
    return text.replace("\n", "")


def tables(
    order: str = "SO1", line: str = "1", item: str = "P1", lot: str = "L1", warehouse: str = "NY"
) -> dict[str, pd.DataFrame]:
    """A one-line scenario whose ids are the given texts: the line gets 4 of the lot's 10."""
    return {
        "items.csv": pd.DataFrame({"item": [item], "description": [f"about {item}"]}),
        "lots.csv": pd.DataFrame(
            {"lot": [lot], "item": [item], "warehouse": [warehouse], "owner": [""], "quantity": [10]}
        ),
        "orders.csv": pd.DataFrame({"order": [order], "customer": [order]}),
        "lines.csv": pd.DataFrame(
            {"order": [order], "line": [line], "item": [item], "quantity": [4], "ship_date": ["2026-12-01"]}
        ),
    }


def write_folder(folder: Path, frames: dict[str, pd.DataFrame], toml: str = "") -> Path:
    """The tables written as the planner writes CSV (models.cells.write_csv_text), and a scenario.toml."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.toml").write_text(toml or f'name = "hostile"\ntoday = "{TODAY}"\n', encoding="utf-8")
    for name, frame in frames.items():
        (folder / name).write_text(write_csv_text(frame), encoding="utf-8")
    return folder


def write_raw(folder: Path, texts: dict[str, str], toml: str = "") -> Path:
    """A scenario folder from raw CSV text per table (the one-line scenario for the tables not given)."""
    write_folder(folder, tables(), toml)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load_errors(path: Path) -> list[InputError]:
    with pytest.raises(InputErrors) as caught:
        load_scenario(path)
    return caught.value.errors


# --- 1. formula injection ------------------------------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),
        ("''@x", "'''@x"),
        ("'plain", "'plain"),
        ("a=1", "a=1"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_escape_quotes_exactly_the_cells_a_spreadsheet_would_run(value: str, written: str) -> None:
    """A text that starts with = + - @ tab or CR, or with quotes before one of them, gets one quote more;
    any other text is written as it is; unescaping gives the text back."""
    assert escape_cell(value) == written
    assert unescape_cell(written) == value


@given(st.text())
def test_unescape_undoes_escape_for_every_text(value: str) -> None:
    """The rule round-trips every text, including ones that genuinely start with a quote."""
    assert unescape_cell(escape_cell(value)) == value
    assert not escape_cell(value).startswith(TRIGGERS)


def test_numbers_in_number_columns_are_not_quoted() -> None:
    """A negative number in a number column is a number (no quote); that text in a text column is quoted."""
    frame = pd.DataFrame({"id": ["-5", "=1"], "delta": [-5, 3]})
    text = write_csv_text(frame)
    assert text.splitlines() == ["id,delta", "'-5,-5", "'=1,3"]
    back = read_csv_text(text)
    assert list(back["id"]) == ["-5", "=1"]
    assert list(back["delta"]) == ["-5", "3"]


FORMULAS = tables(order="=1+1", line="-2", item="@SUM(A1)", lot='=HYPERLINK("http://x","y")', warehouse="+NY")


def test_solve_writes_formula_looking_ids_as_text_that_reads_back(tmp_path: Path) -> None:
    """Every id that looks like a formula is quoted in every output CSV, and reads back to the id."""
    folder = write_folder(tmp_path / "s", FORMULAS)
    result = invoke("solve", folder, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr
    for name in ("allocations.csv", "lines.csv", "items.csv"):
        for row in csv.reader(io.StringIO((tmp_path / "out" / name).read_text(encoding="utf-8"))):
            assert not any(cell.startswith(TRIGGERS) for cell in row), (name, row)
    allocations = read_csv_text((tmp_path / "out" / "allocations.csv").read_text(encoding="utf-8"))
    assert allocations[["order", "line", "item", "lot", "warehouse"]].values.tolist() == [
        ["=1+1", "-2", "@SUM(A1)", '=HYPERLINK("http://x","y")', "+NY"]
    ]
    assert invoke("check", folder, tmp_path / "out").exit_code == 0


def test_plan_xlsx_holds_formula_looking_ids_as_text_that_reads_back(tmp_path: Path) -> None:
    """plan.xlsx (`--format xlsx`) has no formula cell and no text a spreadsheet would run; its ids read
    back (openpyxl, the planner's reader) to the ids."""
    folder = write_folder(tmp_path / "s", FORMULAS)
    result = invoke("solve", folder, "--out", tmp_path / "out", "--format", "xlsx", "--quiet")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(tmp_path / "out" / "plan.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)), cell.value
    allocations = read_sheets(tmp_path / "out" / "plan.xlsx")["allocations"]
    assert allocations[["order", "line", "item", "lot", "warehouse"]].values.tolist() == [
        ["=1+1", "-2", "@SUM(A1)", '=HYPERLINK("http://x","y")', "+NY"]
    ]
    assert invoke("check", folder, tmp_path / "out").exit_code == 0


def test_compare_quotes_its_tables_and_reads_result_folders_back(tmp_path: Path) -> None:
    """kpis.csv, line_changes.csv, lot_changes.csv and moves.csv carry no formula; a result folder read
    back keeps the ids (its allocations too: a lot id is not quoted twice)."""
    base = write_folder(tmp_path / "base", FORMULAS)
    more = {**FORMULAS, "lots.csv": FORMULAS["lots.csv"].assign(quantity=2)}
    other = write_folder(tmp_path / "other", more, toml=f'name = "=other"\ntoday = "{TODAY}"\n')
    assert invoke("solve", base, "--out", tmp_path / "rb", "--quiet").exit_code == 0
    result = invoke("compare", tmp_path / "rb", other, "--out", tmp_path / "cmp")
    assert result.exit_code == 0, result.stderr
    changes = (tmp_path / "cmp" / "line_changes.csv").read_text(encoding="utf-8").splitlines()
    assert changes[1] == "'=other,'=1+1,'-2,'@SUM(A1),4,2,-2,,short"
    kpis = (tmp_path / "cmp" / "kpis.csv").read_text(encoding="utf-8").splitlines()
    assert kpis[2].startswith("'=other,")
    lot = '=HYPERLINK("http://x","y")'
    lots = read_csv_text((tmp_path / "cmp" / "lot_changes.csv").read_text(encoding="utf-8"))
    assert list(lots["lot"]) == [lot]
    moves = read_csv_text((tmp_path / "cmp" / "moves.csv").read_text(encoding="utf-8"))
    assert list(moves[["from_lot", "from_warehouse", "to_lot"]].itertuples(index=False, name=None)) == [
        (lot, "+NY", "")
    ]


def test_export_template_writes_no_formula_and_reads_back(tmp_path: Path) -> None:
    """A workbook from a folder holding formula-looking ids has no formula cell and loads the same ids."""
    folder = write_folder(tmp_path / "s", FORMULAS)
    book = tmp_path / "book.xlsx"
    assert invoke("export-template", "--from", folder, "--out", book).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    (tmp_path / "book.toml").write_text(f'today = "{TODAY}"\ndata = "book.xlsx"\n', encoding="utf-8")
    assert load_scenario(tmp_path / "book.toml").lines == load_scenario(folder).lines


ID_TEXT = (
    st.text(
        alphabet=string.ascii_letters + string.digits + "=+-@[]*_`'\"#,:!()<>/\\ {}|~$%^&.",
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.tuples(ID_TEXT, ID_TEXT, ID_TEXT, ID_TEXT, ID_TEXT))
def test_any_printable_id_survives_solve_export_template_and_the_loader(
    tmp_path_factory: pytest.TempPathFactory, ids: tuple[str, str, str, str, str]
) -> None:
    """Random printable ids (= + - @ [ ] * _ backticks, quotes...) come back unchanged from the folder, from
    the result CSVs, from plan.xlsx and from the workbook `export-template --from` writes; neither
    workbook holds a formula, and the checker finds plan.xlsx to be the CSVs."""
    order, line, item, lot, warehouse = ids
    root = tmp_path_factory.mktemp("ids")
    folder = write_folder(root / "s", tables(order, line, item, lot, warehouse))
    loaded = load_scenario(folder)
    assert (loaded.lines[0].order, loaded.lines[0].line, loaded.lines[0].item) == (order, line, item)
    assert (loaded.lots[0].lot, loaded.lots[0].warehouse) == (lot, warehouse)
    solved = invoke("solve", folder, "--out", root / "out", "--quiet", "--format", "xlsx")
    assert solved.exit_code == 0, solved.stderr
    allocations = read_csv_text((root / "out" / "allocations.csv").read_text(encoding="utf-8"))
    assert allocations[["order", "line", "item", "lot", "warehouse"]].values.tolist() == [list(ids)]
    sheet = read_sheets(root / "out" / "plan.xlsx")["allocations"]
    assert sheet[["order", "line", "item", "lot", "warehouse"]].values.tolist() == [list(ids)]
    plan_book = openpyxl.load_workbook(root / "out" / "plan.xlsx")
    assert all(cell.data_type != "f" for sheet in plan_book for row in sheet.iter_rows() for cell in row)
    assert invoke("check", folder, root / "out").exit_code == 0
    assert invoke("export-template", "--from", folder, "--out", root / "book.xlsx").exit_code == 0
    workbook = openpyxl.load_workbook(root / "book.xlsx")
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    (root / "book.toml").write_text(f'today = "{TODAY}"\ndata = "book.xlsx"\n', encoding="utf-8")
    assert load_scenario(root / "book.toml").lines == loaded.lines
    assert load_scenario(root / "book.toml").lots == loaded.lots


# --- 2. console markup ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["[/]", "[bold red]X", "[[override]]", "[objective]", "a\\"])
def test_solve_prints_a_scenario_name_exactly(tmp_path: Path, name: str) -> None:
    """The summary's title shows the scenario name as written, markup and all, and solve exits 0."""
    toml = f"name = '{name}'\ntoday = \"{TODAY}\"\n"
    folder = write_folder(tmp_path / "s", tables(), toml)
    result = invoke("solve", folder, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert f"{name}: optimal" in one_line(result.stdout)


@pytest.mark.parametrize("cell", ["[/]", "[bold red]X", "[[override]]"])
def test_an_input_error_prints_the_cell_exactly(tmp_path: Path, cell: str) -> None:
    """The cell of a bad number is quoted as written in the error, for solve and validate alike (exit 2)."""
    folder = write_raw(tmp_path / "s", {"lots.csv": f"lot,item,warehouse,quantity\nL1,P1,NY,{cell}\n"})
    for command in (("validate", folder), ("solve", folder, "--out", tmp_path / "out")):
        result = invoke(*command)
        assert result.exit_code == 2
        assert f"lots.csv, row 2, column quantity: '{cell}' is not a whole number" in one_line(result.stderr)


def test_a_message_with_brackets_keeps_them(tmp_path: Path) -> None:
    """The planner's own messages that quote TOML (`[objective]`) print it."""
    folder = write_folder(tmp_path / "s", tables(), f'today = "{TODAY}"\nobjective = 1\n')
    result = invoke("validate", folder)
    assert result.exit_code == 2
    assert "e.g. [objective] key = " in one_line(result.stderr)


def test_a_workbook_error_names_its_sheet(tmp_path: Path) -> None:
    """An error in a workbook prints `book.xlsx[lines]`, sheet and all."""
    folder = write_folder(tmp_path / "s", tables())
    assert invoke("export-template", "--from", folder, "--out", tmp_path / "book.xlsx").exit_code == 0
    workbook = openpyxl.load_workbook(tmp_path / "book.xlsx")
    workbook["lines"]["D2"] = "many"
    workbook.save(tmp_path / "book.xlsx")
    (tmp_path / "book.toml").write_text(f'today = "{TODAY}"\ndata = "book.xlsx"\n', encoding="utf-8")
    result = invoke("validate", tmp_path / "book.toml")
    assert result.exit_code == 2
    assert "book.xlsx[lines], row 2, column quantity: 'many'" in one_line(result.stderr)


def test_check_prints_a_violation_with_markup_exactly(tmp_path: Path) -> None:
    """A tampered result naming a lot `[/]` is reported (exit 1), the lot's name as written."""
    folder = write_folder(tmp_path / "s", tables())
    assert invoke("solve", folder, "--out", tmp_path / "out", "--quiet").exit_code == 0
    allocations = tmp_path / "out" / "allocations.csv"
    allocations.write_text(allocations.read_text(encoding="utf-8").replace(",L1,", ",[/],"), encoding="utf-8")
    result = invoke("check", folder, tmp_path / "out")
    assert result.exit_code == 1
    assert "[/]" in one_line(result.stderr)


# --- 5. scenario files that are not files, too big, or chained too deep ---------------------------


def test_extends_a_device_is_an_input_error(tmp_path: Path) -> None:
    """`extends = "/dev/zero"` is refused at once (not a regular file), exit 2, the file named."""
    folder = write_folder(tmp_path / "s", tables(), f'today = "{TODAY}"\nextends = "/dev/zero"\n')
    started = time.monotonic()
    result = invoke("validate", folder)
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "zero" in result.stderr
    assert "not a regular file" in one_line(result.stderr)


def test_extends_a_fifo_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    """A named pipe is not a regular file either: refused at once, never waited on."""
    os.mkfifo(tmp_path / "pipe.toml")
    folder = write_folder(tmp_path / "s", tables(), f'today = "{TODAY}"\nextends = "../pipe.toml"\n')
    errors = load_errors(folder)
    assert [(e.table, "not a regular file" in e.message) for e in errors] == [("pipe.toml", True)]


def test_an_oversized_scenario_file_is_an_input_error(tmp_path: Path) -> None:
    """A scenario file over 1 MiB is refused, naming it."""
    folder = write_folder(tmp_path / "s", tables(), f'today = "{TODAY}"\n' + "# padding\n" * 120_000)
    errors = load_errors(folder)
    assert [(e.table, "MiB" in e.message) for e in errors] == [("scenario.toml", True)]


def test_a_deep_extends_chain_is_an_input_error(tmp_path: Path) -> None:
    """A 1,200-deep chain stops at the depth limit with an error naming the file (no recursion error)."""
    write_folder(tmp_path, tables())
    (tmp_path / "s0.toml").write_text(f'today = "{TODAY}"\n', encoding="utf-8")
    for n in range(1, 1200):
        (tmp_path / f"s{n}.toml").write_text(f'extends = "s{n - 1}.toml"\n', encoding="utf-8")
    result = invoke("validate", tmp_path / "s1199.toml")
    assert result.exit_code == 2
    assert "extends" in result.stderr
    assert "32" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_chain_within_the_limit_loads(tmp_path: Path) -> None:
    """Thirty files deep is fine."""
    write_folder(tmp_path, tables())
    (tmp_path / "s0.toml").write_text(f'today = "{TODAY}"\n', encoding="utf-8")
    for n in range(1, 30):
        (tmp_path / f"s{n}.toml").write_text(f'extends = "s{n - 1}.toml"\n', encoding="utf-8")
    assert load_scenario(tmp_path / "s29.toml").name == "s29"


# --- 6. quantities that would overflow -----------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "text", "column"),
    [
        ("lots.csv", "lot,item,warehouse,quantity\nL1,P1,NY,1000000000000000000\n", "quantity"),
        ("lines.csv", "order,line,item,quantity,ship_date\nSO1,1,P1,1000000000001,2026-12-01\n", "quantity"),
        ("items.csv", "item,safety_stock,pack_size,window_days\nP1,1000000000001,,\n", "safety_stock"),
        ("items.csv", "item,safety_stock,pack_size,window_days\nP1,,1000000000001,\n", "pack_size"),
        ("items.csv", "item,safety_stock,pack_size,window_days\nP1,,,999999999999\n", "window_days"),
    ],
)
def test_a_quantity_too_large_to_add_up_is_an_input_error(
    tmp_path: Path, table: str, text: str, column: str
) -> None:
    """Quantities are at most 10^12 (so a million of them add up within int64), windows at most
    100,000 days: a larger cell is an error naming table, row and column, before any solve."""
    folder = write_raw(tmp_path / "s", {table: text})
    errors = load_errors(folder)
    assert [(e.table, e.row, e.column) for e in errors] == [(table, 2, column)]
    result = invoke("solve", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_a_kit_line_whose_component_need_overflows_is_an_input_error(tmp_path: Path) -> None:
    """Kits times per-kit quantity must stay within the quantity bound too."""
    folder = write_raw(
        tmp_path / "s",
        {
            "items.csv": "item\nP1\nK1\n",
            "kits.csv": "kit,component,quantity\nK1,P1,1000000000000\n",
            "lines.csv": "order,line,item,quantity,ship_date\nSO1,1,K1,1000000000000,2026-12-01\n",
        },
    )
    errors = load_errors(folder)
    assert [(e.table, e.row, e.column) for e in errors] == [("lines.csv", 2, "quantity")]


def test_the_largest_quantities_solve(tmp_path: Path) -> None:
    """Quantities at the bound are solved without overflow."""
    folder = write_raw(
        tmp_path / "s",
        {
            "lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,1000000000000\nL2,P1,CA,1000000000000\n",
            "lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,1000000000000,2026-12-01\n"
            "SO1,2,P1,1000000000000,2026-12-01\n",
        },
    )
    result = invoke("solve", folder, "--out", tmp_path / "out", "--quiet")
    assert result.exit_code == 0, result.stderr


# --- 7. time limits ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["inf", "-inf", "nan", "1e308", "0", "-1", "10000001"])
def test_a_time_limit_that_is_not_a_sane_number_of_seconds_is_a_usage_error(
    tmp_path: Path, limit: str
) -> None:
    """--time-limit takes finite seconds above 0 and at most 10^7; anything else is exit 2 naming it."""
    folder = write_folder(tmp_path / "s", tables())
    for command in (
        ("solve", folder, "--out", tmp_path / "out"),
        ("run", folder, "--out", tmp_path / "runs"),
    ):
        result = invoke(*command, "--time-limit", limit)
        assert result.exit_code == 2, result.output
        assert "--time-limit" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "10000001"])
def test_a_toml_time_limit_out_of_range_is_an_input_error(tmp_path: Path, value: str) -> None:
    """`time_limit` in [solver] is checked the same way, naming the file and key."""
    folder = write_folder(tmp_path / "s", tables(), f'today = "{TODAY}"\n[solver]\ntime_limit = {value}\n')
    errors = load_errors(folder)
    assert [(e.table, e.column) for e in errors] == [("scenario.toml", "solver.time_limit")]


def test_a_large_sane_time_limit_is_accepted(tmp_path: Path) -> None:
    """10^7 seconds is allowed."""
    folder = write_folder(tmp_path / "s", tables())
    result = invoke("solve", folder, "--out", tmp_path / "out", "--quiet", "--time-limit", "1e7")
    assert result.exit_code == 0, result.stderr


# --- 8. huge headers and repeated warnings -------------------------------------------------------


def test_a_header_of_a_million_columns_is_an_input_error_at_once(tmp_path: Path) -> None:
    """A table header wider than 1,000 columns is refused before the file is parsed, naming the table."""
    folder = write_folder(tmp_path / "s", tables())
    (folder / "items.csv").write_text("item," + ",".join(f"c{i}" for i in range(1_000_000)) + "\nP1\n")
    started = time.monotonic()
    errors = load_errors(folder)
    assert time.monotonic() - started < 20
    assert [(e.table, e.row) for e in errors] == [("items.csv", 1)]
    assert "1,000" in errors[0].message


def test_many_unknown_columns_give_one_warning_with_a_count(tmp_path: Path) -> None:
    """900 unknown columns warn once, with their count and the first few names."""
    folder = write_folder(tmp_path / "s", tables())
    (folder / "items.csv").write_text("item," + ",".join(f"c{i}" for i in range(900)) + "\nP1\n")
    with pytest.warns(UserWarning, match="unknown column") as caught:
        load_scenario(folder)
    messages = [str(w.message) for w in caught if "unknown column" in str(w.message)]
    assert len(messages) == 1
    assert "900 unknown columns" in messages[0]
    assert "'c0'" in messages[0]


# --- 9. a scheduler that never answers -----------------------------------------------------------


def test_a_service_that_is_not_a_dask_scheduler_falls_back_in_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loopback server that accepts and never answers: the solve falls back to local processes within
    the connect timeout (made 2 s here) instead of hanging, and a note names the scheduler."""
    from planner.engine import workers
    from planner.engine.solve import solve

    monkeypatch.setattr(workers, "CONNECT_TIMEOUT", 2.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        from tests.builders import line, lot, scenario

        # Two whole lines of 6 on a lot of 10: a MIP, so a component to farm out.
        data = scenario(
            lots=[lot("L1", "P1", 10)],
            lines=[line("SO1", "1", "P1", 6, full_line=True), line("SO2", "1", "P1", 6, full_line=True)],
        )
        started = time.monotonic()
        plan = solve(data, workers=1, scheduler=address)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        server.close()
    assert elapsed < 30, elapsed
    assert any(address in note and "not used" in note for note in plan.notes), plan.notes
    assert accepted, "the planner never connected to the test server"


# --- 10. smaller -------------------------------------------------------------------------------


def test_a_latin1_byte_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    """A byte that is not UTF-8 is reported at its line and column."""
    folder = write_folder(tmp_path / "s", tables())
    (folder / "orders.csv").write_bytes(b"order,customer\nSO1,Caf\xe9 Nord\n")
    errors = load_errors(folder)
    assert [(e.table, e.row, e.column) for e in errors] == [("orders.csv", 2, "customer")]
    assert "0xe9" in errors[0].message
    assert "UTF-8" in errors[0].message


def test_an_unknown_pulp_solver_is_an_input_error_naming_it(tmp_path: Path) -> None:
    """`--solver pulp:NOSUCH` exits 2, naming the solver and what PuLP has here."""
    folder = write_folder(tmp_path / "s", tables())
    result = invoke("solve", folder, "--out", tmp_path / "out", "--solver", "pulp:NOSUCH")
    assert result.exit_code == 2, result.output
    text = one_line(result.stderr)
    assert "NOSUCH" in text
    assert "PULP_CBC_CMD" in text
    assert not (tmp_path / "out").exists()


def test_hidden_folders_and_files_are_not_scenarios(tmp_path: Path) -> None:
    """A staging folder a killed import left (`.name.new-*`) and hidden TOML files are never listed."""
    write_folder(tmp_path / "real", tables())
    write_folder(tmp_path / ".real.new-abc123", tables())
    (tmp_path / ".hidden.toml").write_text(f'today = "{TODAY}"\n')
    (tmp_path / "shown.toml").write_text(f'today = "{TODAY}"\ndata = "real"\n')
    assert [p.name for p in scenario_files(tmp_path)] == ["real", "shown.toml"]


def test_a_control_character_a_workbook_cannot_hold_is_named_not_a_crash(tmp_path: Path) -> None:
    """A text with a control character (U+0001 in a customer name) writes fine to CSV, but no worksheet
    can hold it: `--format xlsx` stops with exit 2 naming the sheet, row and column, and writes
    nothing; `export-template --from` says the same of its sheet."""
    frames = tables()
    frames["orders.csv"] = frames["orders.csv"].assign(customer="ACME\x01Ltd")
    folder = write_folder(tmp_path / "s", frames)
    assert invoke("solve", folder, "--out", tmp_path / "csv", "--quiet").exit_code == 0
    result = invoke("solve", folder, "--out", tmp_path / "xlsx", "--quiet", "--format", "xlsx")
    assert result.exit_code == 2
    assert "plan.xlsx[lines], row 2, column customer" in result.stderr
    assert "U+0001" in result.stderr
    assert not (tmp_path / "xlsx").exists()
    template = invoke("export-template", "--from", folder, "--out", tmp_path / "book.xlsx")
    assert template.exit_code == 2
    assert "book.xlsx[orders], row 2, column customer" in template.stderr
    assert not (tmp_path / "book.xlsx").exists()
