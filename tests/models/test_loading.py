"""Tests of `models.loading.load_scenario`: parsing the TOML file and CSV tables, and input errors."""

from __future__ import annotations

import textwrap
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from models.errors import InputError, InputErrors
from models.loading import load_scenario, load_trusted
from models.records import Alternate, KitComponent, Reservation, SolverOptions, WarehouseSafetyStock

CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance"

TOML = 'today = "2026-11-20"\n'

BASE: dict[str, str] = {
    "items.csv": """\
        item,description,stocking,safety_stock,window_days,pack_size
        P1,Resistor,true,0,,1
        P2,Capacitor,,,14,
        P3,Board,no,,,
        K1,Kit,,,,
        """,
    "lots.csv": """\
        lot,item,warehouse,owner,quantity,allocated,planned_issue,pnp,status,received,expires
        L1,P1,NY,,10,2,1,,available,2026-01-05,
        L2,P2,CA,ACME,8,,,false,,,2027-03-01
        L3,P2,NY,BETA,5,,,,Quarantine,,
        """,
    "orders.csv": """\
        order,type,priority,full_delivery,released,printed,warehouses,owners,customer
        SO1,sales,1,,,,NY;CA,,Acme Corp
        SO2,production,,yes,,,,ACME;;BETA;,
        """,
    "lines.csv": """\
        order,line,item,quantity,ship_date,priority,requires_pnp,full_line,fulfillment,po_received,warehouses,owners,printed
        SO1,1,P1,4,2026-12-01,,,,,,,,
        SO1,2,K1,2,2026-12-02,0,TRUE,,,,CA,,
        SO2,1,P2,6,2026-12-03,,,1,special_order,Yes,,,false
        """,
    "kits.csv": """\
        kit,component,quantity
        K1,P1,2
        K1,P2,1
        """,
    "alternates.csv": """\
        item,alternate,rank
        P1,P3,
        """,
    "safety_stock.csv": """\
        item,warehouse,quantity
        P1,NY,1
        """,
    "reservations.csv": """\
        order,line,lot,quantity
        SO1,1,L1,3
        """,
}


def write_scenario(folder: Path, tables: dict[str, str | None] | None = None, toml: str = TOML) -> Path:
    """Write the base scenario into `folder`, with tables replaced (text) or left out (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    merged: dict[str, str | None] = {**BASE, **(tables or {})}
    for name, text in merged.items():
        if text is not None:
            (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder / "scenario.toml"


def load_errors(path: Path) -> list[InputError]:
    """The errors `load_scenario` raises for `path` (fails the test if it loads)."""
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    return info.value.errors


def locations(errors: list[InputError]) -> set[tuple[str, int | None, str | None]]:
    return {(e.table, e.row, e.column) for e in errors}


# --- valid input -----------------------------------------------------------------------------


def test_conformance_case01_counts_and_values() -> None:
    """case01 loads with the right table sizes, settings and parsed values."""
    scenario = load_scenario(CONFORMANCE / "case01" / "scenario.toml")
    assert scenario.name == "conformance-01"
    assert scenario.today == date(2026, 11, 20)
    assert (
        len(scenario.items),
        len(scenario.lots),
        len(scenario.orders),
        len(scenario.lines),
        len(scenario.kits),
        len(scenario.alternates),
        len(scenario.safety_stock),
        len(scenario.reservations),
    ) == (6, 7, 10, 23, 2, 1, 2, 2)
    assert scenario.objective_key == ("ship_date", "priority")
    assert scenario.solver == SolverOptions()

    orders = {o.order: o for o in scenario.orders}
    assert orders["SO00009"].owners == ("BETA",)
    assert orders["SO00002"].warehouses == ("NY", "CA")
    assert orders["SO00004"].type == "quote"
    assert orders["SO00005"].released is False
    assert orders["SO00000"].full_delivery is True

    lots = {lot.lot: lot for lot in scenario.lots}
    assert lots["L00004"].allocable == 26
    assert lots["L00004"].received == date(2026, 9, 29)
    assert lots["L00004"].expires == date(2027, 3, 9)
    assert lots["L00001"].owner == "ACME"
    assert lots["L00003"].owner == ""

    items = {i.item: i for i in scenario.items}
    assert items["P0002"].window_days == 30
    assert items["P0000"].window_days is None
    assert items["P0004"].pack_size == 5
    assert items["P0001"].safety_stock == 13

    lines = {line.key: line for line in scenario.lines}
    line = lines[("SO00000", "3")]
    assert (line.priority, line.requires_pnp, line.full_line) == (0, True, True)
    assert line.ship_date == date(2026, 12, 23)
    assert line.warehouses is None
    assert line.owners is None
    assert line.printed is None

    assert scenario.kits[0] == KitComponent("K000", "P0001", 3)
    assert scenario.alternates == (Alternate("P0003", "P0002", 2),)
    assert scenario.safety_stock[0] == WarehouseSafetyStock("P0000", "NY", 5)
    assert scenario.reservations[0] == Reservation("SO00000", "3", "L00004", 9)


@pytest.mark.parametrize("case", sorted(p.name for p in CONFORMANCE.glob("case*")))
def test_every_conformance_case_loads(case: str) -> None:
    """Every conformance scenario is valid input and loads without errors or warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scenario = load_scenario(CONFORMANCE / case)
    assert scenario.lines


def test_folder_path_is_the_same_as_its_scenario_file(tmp_path: Path) -> None:
    """A folder holding scenario.toml loads like the file itself."""
    path = write_scenario(tmp_path / "s")
    assert load_scenario(path.parent) == load_scenario(path)
    assert load_scenario(str(path)) == load_scenario(path)


def test_base_scenario_values_and_defaults(tmp_path: Path) -> None:
    """Cells parse to typed values; empty cells take the SPEC defaults; lines keep None overrides."""
    scenario = load_scenario(write_scenario(tmp_path))
    items = {i.item: i for i in scenario.items}
    assert items["P1"].stocking is True
    assert items["P3"].stocking is False
    assert items["P2"].window_days == 14
    assert items["P2"].pack_size == 1
    assert items["P2"].safety_stock == 0
    assert items["K1"].description == "Kit"

    lots = {lot.lot: lot for lot in scenario.lots}
    assert lots["L1"].allocable == 7
    assert lots["L1"].pnp is True
    assert lots["L2"].pnp is False
    assert lots["L3"].status == "quarantine"  # enum values are case-insensitive
    assert lots["L2"].status == "available"
    assert lots["L2"].expires == date(2027, 3, 1)

    orders = {o.order: o for o in scenario.orders}
    assert orders["SO1"].warehouses == ("NY", "CA")
    assert orders["SO1"].owners == ()
    assert orders["SO1"].customer == "Acme Corp"
    assert orders["SO2"].priority == 5
    assert orders["SO2"].full_delivery is True
    assert orders["SO2"].type == "production"
    assert orders["SO2"].owners == ("ACME", "BETA")
    assert orders["SO2"].released is True
    assert orders["SO2"].printed is False

    lines = {line.key: line for line in scenario.lines}
    first, kit_line, special = lines[("SO1", "1")], lines[("SO1", "2")], lines[("SO2", "1")]
    assert first.priority is None
    assert first.warehouses is None
    assert first.owners is None
    assert first.printed is None
    assert first.fulfillment == "warehouse"
    assert kit_line.requires_pnp is True
    assert kit_line.warehouses == ("CA",)
    assert kit_line.priority == 0
    assert special.full_line is True
    assert special.po_received is True
    assert special.fulfillment == "special_order"
    assert special.printed is False
    assert scenario.alternates == (Alternate("P1", "P3", 1),)


def test_settings_objective_and_solver(tmp_path: Path) -> None:
    """name, a native TOML date, objective key and solver options are read from the TOML file."""
    toml = """\
name = "what-if"
today = 2026-11-21
data = "tables"
[objective]
key = ["priority", "ship_date"]
[solver]
name = "highs"
time_limit = 30
"""
    write_scenario(tmp_path / "tables")
    path = tmp_path / "plan.toml"
    path.write_text(toml, encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.name == "what-if"
    assert scenario.today == date(2026, 11, 21)
    assert scenario.objective_key == ("priority", "ship_date")
    assert scenario.solver == SolverOptions("highs", 30.0)
    assert len(scenario.lines) == 3


def test_default_name(tmp_path: Path) -> None:
    """Without `name`, a scenario is named after its file's stem, or its folder for scenario.toml."""
    assert load_scenario(write_scenario(tmp_path / "week48")).name == "week48"
    other = tmp_path / "week48" / "rush.toml"
    other.write_text(TOML, encoding="utf-8")
    assert load_scenario(other).name == "rush"


def test_records_are_sorted_and_line_numbers_are_natural(tmp_path: Path) -> None:
    """Items, lots, orders sort by key; lines by order then natural line number, kept as text."""
    path = write_scenario(
        tmp_path,
        {
            "items.csv": "item\nP2\nP1\nK1\nP3\n",
            "lots.csv": "lot,item,warehouse,quantity\nL2,P2,NY,1\nL1,P1,NY,10\n",
            "orders.csv": "order\nSO2\nSO1\n",
            "reservations.csv": None,
            "lines.csv": """\
                order,line,item,quantity,ship_date
                SO2,1,P2,1,2026-12-01
                SO1,10,P1,1,2026-12-01
                SO1,B,P1,1,2026-12-01
                SO1,2,P1,1,2026-12-01
                SO1,01,P1,1,2026-12-01
                SO1,1,P1,1,2026-12-01
                SO1,A,P1,1,2026-12-01
                """,
        },
    )
    scenario = load_scenario(path)
    assert [i.item for i in scenario.items] == ["K1", "P1", "P2", "P3"]
    assert [lot.lot for lot in scenario.lots] == ["L1", "L2"]
    assert [o.order for o in scenario.orders] == ["SO1", "SO2"]
    assert [line.key for line in scenario.lines] == [
        ("SO1", "01"),
        ("SO1", "1"),
        ("SO1", "2"),
        ("SO1", "10"),
        ("SO1", "A"),
        ("SO1", "B"),
        ("SO2", "1"),
    ]


def test_optional_tables_may_be_missing_and_tables_may_be_header_only(tmp_path: Path) -> None:
    """Missing optional tables and header-only tables load as empty tables."""
    path = write_scenario(
        tmp_path,
        {
            "kits.csv": None,
            "alternates.csv": None,
            "safety_stock.csv": "item,warehouse,quantity\n",
            "reservations.csv": None,
            "lines.csv": "order,line,item,quantity,ship_date\n",
        },
    )
    scenario = load_scenario(path)
    assert scenario.kits == ()
    assert scenario.alternates == ()
    assert scenario.safety_stock == ()
    assert scenario.reservations == ()
    assert scenario.lines == ()
    assert len(scenario.items) == 4


def test_blank_optional_table_is_empty_and_blank_required_table_is_an_error(tmp_path: Path) -> None:
    """An optional table saved as an empty file is an empty table; a required one is an error."""
    assert load_scenario(write_scenario(tmp_path / "a", {"kits.csv": ""})).kits == ()
    errors = load_errors(write_scenario(tmp_path / "b", {"orders.csv": ""}))
    assert locations(errors) == {("orders.csv", None, None)}


def test_line_list_of_only_separators_overrides_with_any(tmp_path: Path) -> None:
    """In lines.csv an empty list cell is None (the order's list); a cell of only ';' is () (any)."""
    lines = """\
        order,line,item,quantity,ship_date,warehouses,owners
        SO1,1,P1,4,2026-12-01,;,
        SO1,2,K1,2,2026-12-02, NY ;; CA ;NY, ACME
        """
    scenario = load_scenario(write_scenario(tmp_path, {"lines.csv": lines}))
    first, second = scenario.lines
    assert first.warehouses == ()
    assert first.owners is None
    assert second.warehouses == ("NY", "CA")
    assert second.owners == ("ACME",)


def test_cells_and_headers_are_stripped_and_headers_case_insensitive(tmp_path: Path) -> None:
    """Whitespace around headers and cells is ignored, header names match in any case."""
    path = write_scenario(
        tmp_path,
        {"orders.csv": " Order , Owners ,PRIORITY\n SO1 , ACME ; BETA ,  3 \nSO2,,\n"},
    )
    orders = {o.order: o for o in load_scenario(path).orders}
    assert orders["SO1"].owners == ("ACME", "BETA")
    assert orders["SO1"].priority == 3


def test_excel_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    """A table saved by Excel as "CSV UTF-8" (byte order mark, CRLF line ends) reads normally."""
    path = write_scenario(tmp_path)
    (tmp_path / "kits.csv").write_bytes("\ufeffkit,component,quantity\r\nK1,P1,2\r\n".encode())
    assert load_scenario(path).kits == (KitComponent("K1", "P1", 2),)


def test_booleans_in_every_spelling(tmp_path: Path) -> None:
    """true/false, 1/0, yes/no in any case are booleans."""
    rows = ["P1,TRUE", "P2,False", "P3,1", "K1,0", "P4,yes", "P5,NO", "P6,Yes"]
    path = write_scenario(tmp_path, {"items.csv": "item,stocking\n" + "\n".join(rows) + "\n"})
    stocking = {i.item: i.stocking for i in load_scenario(path).items}
    assert stocking == {
        "P1": True,
        "P2": False,
        "P3": True,
        "K1": False,
        "P4": True,
        "P5": False,
        "P6": True,
    }


def test_far_future_dates_are_dates(tmp_path: Path) -> None:
    """A date beyond pandas' timestamp range (9999-12-31, "never expires") is accepted."""
    path = write_scenario(
        tmp_path, {"lots.csv": "lot,item,warehouse,quantity,expires\nL1,P1,NY,10,9999-12-31\n"}
    )
    assert load_scenario(path).lots[0].expires == date(9999, 12, 31)


def test_blank_rows_are_skipped_and_rows_still_count(tmp_path: Path) -> None:
    """Blank rows are ignored, and errors after them still name the spreadsheet row."""
    path = write_scenario(tmp_path, {"orders.csv": "order,priority\nSO1,1\n\n , \nSO2,x\n"})
    errors = load_errors(path)
    assert locations(errors) == {("orders.csv", 5, "priority")}


def test_unknown_column_warns(tmp_path: Path) -> None:
    """An unknown column is ignored with a UserWarning naming the table and the column."""
    path = write_scenario(tmp_path, {"lots.csv": "lot,item,warehouse,quantity,colour\nL1,P1,NY,10,red\n"})
    with pytest.warns(UserWarning, match=r"lots\.csv.*'colour'") as caught:
        scenario = load_scenario(path)
    assert len(scenario.lots) == 1
    assert {w.filename for w in caught} == {__file__}  # the warning points at the caller of the loader


# --- input errors ----------------------------------------------------------------------------

Expected = list[tuple[str, int | None, str | None, str]]

ERROR_CASES: list[tuple[str, dict[str, str | None], Expected]] = [
    # bad values
    (
        "not a whole number",
        {"lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,abc\n"},
        [("lots.csv", 2, "quantity", "'abc' is not a whole number")],
    ),
    (
        "fraction is not a whole number",
        {"items.csv": "item,pack_size\nP1,2.5\nP2,\nP3,\nK1,\n"},
        [("items.csv", 2, "pack_size", "'2.5' is not a whole number")],
    ),
    (
        "not a date",
        {"lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,4,2026-12-01\nSO1,2,K1,2,2026-13-01\n"},
        [("lines.csv", 3, "ship_date", "'2026-13-01' is not a date")],
    ),
    (
        "not an ISO date",
        {"lots.csv": "lot,item,warehouse,quantity,received\nL1,P1,NY,10,01/05/2026\n"},
        [("lots.csv", 2, "received", "'01/05/2026' is not a date")],
    ),
    (
        "not a boolean",
        {"items.csv": "item,stocking\nP1,maybe\nP2,\nP3,\nK1,\n"},
        [("items.csv", 2, "stocking", "'maybe' is not a boolean")],
    ),
    (
        "unknown order type",
        {"orders.csv": "order,type\nSO1,rush\nSO2,\n"},
        [("orders.csv", 2, "type", "'rush' is not a valid type")],
    ),
    (
        "unknown lot status",
        {"lots.csv": "lot,item,warehouse,quantity,status\nL1,P1,NY,10,lost\n"},
        [("lots.csv", 2, "status", "'lost' is not a valid status")],
    ),
    (
        "unknown fulfillment",
        {"lines.csv": "order,line,item,quantity,ship_date,fulfillment\nSO1,1,P1,4,2026-12-01,drone\n"},
        [("lines.csv", 2, "fulfillment", "'drone' is not a valid fulfillment")],
    ),
    # ranges
    (
        "order priority above 9",
        {"orders.csv": "order,priority\nSO1,12\nSO2,\n"},
        [("orders.csv", 2, "priority", "between 0 and 9, got '12'")],
    ),
    (
        "line priority below 0",
        {"lines.csv": "order,line,item,quantity,ship_date,priority\nSO1,1,P1,4,2026-12-01,-1\n"},
        [("lines.csv", 2, "priority", "between 0 and 9, got '-1'")],
    ),
    (
        "pack size 0",
        {"items.csv": "item,pack_size\nP1,0\nP2,\nP3,\nK1,\n"},
        [("items.csv", 2, "pack_size", "at least 1, got '0'")],
    ),
    (
        "line quantity 0",
        {"lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,0,2026-12-01\n"},
        [("lines.csv", 2, "quantity", "at least 1, got '0'")],
    ),
    (
        "negative lot quantity",
        {"lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,-1\n"},
        [("lots.csv", 2, "quantity", "at least 0, got '-1'")],
    ),
    (
        "negative allocated",
        {"lots.csv": "lot,item,warehouse,quantity,allocated\nL1,P1,NY,10,-1\n"},
        [("lots.csv", 2, "allocated", "at least 0, got '-1'")],
    ),
    (
        "negative planned issue",
        {"lots.csv": "lot,item,warehouse,quantity,planned_issue\nL1,P1,NY,10,-2\n"},
        [("lots.csv", 2, "planned_issue", "at least 0, got '-2'")],
    ),
    (
        "negative item safety stock",
        {"items.csv": "item,safety_stock\nP1,-1\nP2,\nP3,\nK1,\n"},
        [("items.csv", 2, "safety_stock", "at least 0, got '-1'")],
    ),
    (
        "negative warehouse safety stock",
        {"safety_stock.csv": "item,warehouse,quantity\nP1,NY,-3\n"},
        [("safety_stock.csv", 2, "quantity", "at least 0, got '-3'")],
    ),
    (
        "negative window",
        {"items.csv": "item,window_days\nP1,\nP2,-7\nP3,\nK1,\n"},
        [("items.csv", 3, "window_days", "at least 0, got '-7'")],
    ),
    (
        "kit component quantity 0",
        {"kits.csv": "kit,component,quantity\nK1,P1,0\n"},
        [("kits.csv", 2, "quantity", "at least 1, got '0'")],
    ),
    (
        "reservation quantity 0",
        {"reservations.csv": "order,line,lot,quantity\nSO1,1,L1,0\n"},
        [("reservations.csv", 2, "quantity", "at least 1, got '0'")],
    ),
    (
        "alternate rank 0",
        {"alternates.csv": "item,alternate,rank\nP1,P3,0\n"},
        [("alternates.csv", 2, "rank", "at least 1, got '0'")],
    ),
    (
        "negative allocable",
        {"lots.csv": "lot,item,warehouse,quantity,allocated,planned_issue\nL1,P1,NY,10,8,5\n"},
        [("lots.csv", 2, "quantity", "quantity 10 - allocated 8 - planned_issue 5 = -3")],
    ),
    # required values, columns and tables
    (
        "empty required cell",
        {"lines.csv": "order,line,item,quantity,ship_date\nSO1,1,,4,2026-12-01\n"},
        [("lines.csv", 2, "item", "item is required")],
    ),
    (
        "empty required cell in an optional table",
        {"safety_stock.csv": "item,warehouse,quantity\nP1,,1\n"},
        [("safety_stock.csv", 2, "warehouse", "warehouse is required")],
    ),
    (
        "missing required column",
        {"lines.csv": "order,line,item,quantity\nSO1,1,P1,4\n"},
        [("lines.csv", 1, "ship_date", "required column 'ship_date' is missing")],
    ),
    (
        "missing required table",
        {"orders.csv": None},
        [("orders.csv", None, None, "required table orders.csv not found")],
    ),
    (
        "row with too many cells",
        {"orders.csv": "order,priority\nSO1,1\nSO2,2,x\n"},
        [("orders.csv", 3, None, "3 cells but the header has 2 columns")],
    ),
    (
        "column named twice",
        {"orders.csv": "order,priority,priority\nSO1,1,2\nSO2,,\n"},
        [("orders.csv", 1, "priority", "appears more than once")],
    ),
    # duplicate keys
    (
        "duplicate item",
        {"items.csv": "item\nP1\nP2\nP3\nK1\nP1\n"},
        [("items.csv", 6, "item", "duplicate key 'P1', first at row 2")],
    ),
    (
        "duplicate lot",
        {"lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,10\nL1,P2,NY,10\n"},
        [("lots.csv", 3, "lot", "duplicate key 'L1', first at row 2")],
    ),
    (
        "duplicate order",
        {"orders.csv": "order\nSO1\nSO2\nSO1\n"},
        [("orders.csv", 4, "order", "duplicate key 'SO1', first at row 2")],
    ),
    (
        "duplicate line",
        {
            "lines.csv": "order,line,item,quantity,ship_date\n"
            "SO1,1,P1,4,2026-12-01\nSO2,1,P2,6,2026-12-03\nSO1,1,P2,1,2026-12-05\n"
        },
        [("lines.csv", 4, "line", "duplicate key (SO1, 1), first at row 2")],
    ),
    (
        "duplicate kit component",
        {"kits.csv": "kit,component,quantity\nK1,P1,2\nK1,P2,1\nK1,P1,5\n"},
        [("kits.csv", 4, "component", "duplicate key (K1, P1), first at row 2")],
    ),
    (
        "duplicate alternate",
        {"alternates.csv": "item,alternate,rank\nP1,P3,1\nP1,P3,2\n"},
        [("alternates.csv", 3, "alternate", "duplicate key (P1, P3), first at row 2")],
    ),
    (
        "duplicate warehouse safety stock",
        {"safety_stock.csv": "item,warehouse,quantity\nP1,NY,1\nP1,NY,2\n"},
        [("safety_stock.csv", 3, "warehouse", "duplicate key (P1, NY), first at row 2")],
    ),
    # unknown references
    (
        "lot of an unknown item",
        {"lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,10\nL9,P9,NY,1\n"},
        [("lots.csv", 3, "item", "unknown item 'P9'")],
    ),
    (
        "line of an unknown item",
        {"lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,4,2026-12-01\nSO1,2,P9,1,2026-12-01\n"},
        [("lines.csv", 3, "item", "unknown item 'P9'")],
    ),
    (
        "line of an unknown order",
        {"lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,4,2026-12-01\nSO9,1,P1,1,2026-12-01\n"},
        [("lines.csv", 3, "order", "unknown order 'SO9'")],
    ),
    (
        "unknown kit item",
        {"kits.csv": "kit,component,quantity\nK1,P1,2\nK9,P1,1\n"},
        [("kits.csv", 3, "kit", "unknown item 'K9'")],
    ),
    (
        "unknown kit component",
        {"kits.csv": "kit,component,quantity\nK1,P1,2\nK1,P9,1\n"},
        [("kits.csv", 3, "component", "unknown item 'P9'")],
    ),
    (
        "alternate of an unknown item",
        {"alternates.csv": "item,alternate,rank\nP9,P1,1\n"},
        [("alternates.csv", 2, "item", "unknown item 'P9'")],
    ),
    (
        "unknown alternate",
        {"alternates.csv": "item,alternate,rank\nP1,P9,1\n"},
        [("alternates.csv", 2, "alternate", "unknown item 'P9'")],
    ),
    (
        "safety stock of an unknown item",
        {"safety_stock.csv": "item,warehouse,quantity\nP9,NY,1\n"},
        [("safety_stock.csv", 2, "item", "unknown item 'P9'")],
    ),
    (
        "reservation of an unknown order",
        {"reservations.csv": "order,line,lot,quantity\nSO9,1,L1,1\n"},
        [("reservations.csv", 2, "order", "unknown order 'SO9'")],
    ),
    (
        "reservation of an unknown line",
        {"reservations.csv": "order,line,lot,quantity\nSO1,7,L1,1\n"},
        [("reservations.csv", 2, "line", "unknown line (SO1, 7)")],
    ),
    (
        "reservation of an unknown lot",
        {"reservations.csv": "order,line,lot,quantity\nSO1,1,L9,1\n"},
        [("reservations.csv", 2, "lot", "unknown lot 'L9'")],
    ),
    # inconsistencies
    (
        "alternate equal to its item",
        {"alternates.csv": "item,alternate,rank\nP1,P1,1\n"},
        [("alternates.csv", 2, "alternate", "alternate 'P1' is the item itself")],
    ),
    (
        "nested kit",
        {
            "items.csv": "item\nP1\nP2\nP3\nK1\nK2\n",
            "kits.csv": "kit,component,quantity\nK1,P1,2\nK2,P2,1\nK2,K1,1\n",
        },
        [
            (
                "kits.csv",
                4,
                "component",
                "component 'K1' is itself a kit; nested kits are not supported",
            )
        ],
    ),
    (
        "kit component equal to the kit",
        {"kits.csv": "kit,component,quantity\nK1,P1,2\nK1,K1,1\n"},
        [("kits.csv", 3, "component", "component 'K1' is the kit itself")],
    ),
    (
        "lot of a kit item",
        {"lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,10\nL4,K1,NY,5\n"},
        [("lots.csv", 3, "item", "item 'K1' is a kit")],
    ),
    (
        "reservation on a kit line",
        {"reservations.csv": "order,line,lot,quantity\nSO1,1,L1,3\nSO1,2,L1,1\n"},
        [("reservations.csv", 3, "line", "reservations are not made on kit lines")],
    ),
    (
        "reservations above the line quantity",
        {"reservations.csv": "order,line,lot,quantity\nSO1,1,L1,3\nSO1,1,L2,2\n"},
        [
            ("reservations.csv", 2, "quantity", "total 5, above the line's quantity 4"),
            ("reservations.csv", 3, "quantity", "total 5, above the line's quantity 4"),
        ],
    ),
    (
        "reservations above the lot's allocable quantity",
        {"reservations.csv": "order,line,lot,quantity\nSO1,1,L1,3\nSO2,1,L1,5\n"},
        [
            ("reservations.csv", 2, "quantity", "lot 'L1' total 8, above its allocable quantity 7"),
            ("reservations.csv", 3, "quantity", "lot 'L1' total 8, above its allocable quantity 7"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("tables", "expected"),
    [pytest.param(tables, expected, id=name) for name, tables, expected in ERROR_CASES],
)
def test_input_error(tmp_path: Path, tables: dict[str, str | None], expected: Expected) -> None:
    """Each kind of bad input gives exactly its errors: table, row, column, a message with the value."""
    errors = load_errors(write_scenario(tmp_path, tables))
    assert locations(errors) == {(table, row, column) for table, row, column, _ in expected}
    for table, row, column, fragment in expected:
        messages = [e.message for e in errors if (e.table, e.row, e.column) == (table, row, column)]
        assert any(fragment in m for m in messages), (fragment, messages)


TOML_CASES: list[tuple[str, str, str | None, str]] = [
    ("unknown key", TOML + "colour = 'red'\n", "colour", "unknown setting 'colour'"),
    ("missing today", "name = 'x'\n", "today", "today is required"),
    ("bad today", "today = '20-11-2026'\n", "today", "'20-11-2026' is not a date"),
    ("date-time today", "today = 2026-11-20T10:00:00\n", "today", "is not a date"),
    ("missing data folder", TOML + "data = 'nowhere'\n", "data", "data folder 'nowhere' not found"),
    ("empty objective", TOML + "[objective]\nkey = []\n", "objective.key", "non-empty list"),
    (
        "unknown objective field",
        TOML + "[objective]\nkey = ['cost']\n",
        "objective.key",
        "'cost' is not an objective field",
    ),
    (
        "repeated objective field",
        TOML + "[objective]\nkey = ['priority', 'priority']\n",
        "objective.key",
        "listed more than once",
    ),
    (
        "unknown objective key",
        TOML + "[objective]\norder = 1\n",
        "objective.order",
        "unknown setting",
    ),
    (
        "unknown solver",
        TOML + "[solver]\nname = 'cplex'\n",
        "solver.name",
        "'cplex' is not a solver",
    ),
    ("negative time limit", TOML + "[solver]\ntime_limit = -5\n", "solver.time_limit", "got -5"),
    ("text time limit", TOML + "[solver]\ntime_limit = '10'\n", "solver.time_limit", "got '10'"),
    ("unknown solver key", TOML + "[solver]\nthreads = 4\n", "solver.threads", "unknown setting"),
    ("syntax error", TOML + "name = \n", None, "not valid TOML"),
]


@pytest.mark.parametrize(
    ("toml", "column", "fragment"),
    [pytest.param(toml, column, fragment, id=name) for name, toml, column, fragment in TOML_CASES],
)
def test_scenario_file_error(tmp_path: Path, toml: str, column: str | None, fragment: str) -> None:
    """Each bad setting is one error on scenario.toml, naming the setting and the bad value."""
    errors = load_errors(write_scenario(tmp_path, toml=toml))
    assert len(errors) == 1, errors
    (error,) = errors
    assert (error.table, error.column) == ("scenario.toml", column)
    assert fragment in error.message


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    """A TOML syntax error is reported at its line in the file."""
    errors = load_errors(write_scenario(tmp_path, toml=TOML + "name = \n"))
    assert errors[0].row == 2


def test_missing_scenario_file(tmp_path: Path) -> None:
    """A path that is neither a scenario file nor a folder holding one is an input error."""
    errors = load_errors(tmp_path / "missing.toml")
    assert locations(errors) == {("missing.toml", None, None)}
    errors = load_errors(tmp_path)
    assert locations(errors) == {("scenario.toml", None, None)}


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    """Errors in the settings and in several tables, of several kinds, are all raised together."""
    path = write_scenario(
        tmp_path,
        {
            "items.csv": "item,pack_size\nP1,0\nP2,\nP3,\nK1,\nP2,\n",
            "lots.csv": "lot,item,warehouse,quantity\nL1,P1,NY,abc\nL2,P9,CA,8\n",
            "lines.csv": "order,line,item,quantity,ship_date\nSO1,1,P1,4,2026-12-01\nSO9,2,K1,2,tomorrow\n",
            "reservations.csv": "order,line,lot,quantity\nSO1,1,L2,3\nSO1,1,L2,2\n",
        },
        toml=TOML + "[solver]\nname = 'fast'\n",
    )
    errors = load_errors(path)
    assert locations(errors) == {
        ("scenario.toml", None, "solver.name"),
        ("items.csv", 2, "pack_size"),
        ("items.csv", 6, "item"),
        ("lots.csv", 2, "quantity"),
        ("lots.csv", 3, "item"),
        ("lines.csv", 3, "order"),
        ("lines.csv", 3, "ship_date"),
        ("reservations.csv", 2, "quantity"),
        ("reservations.csv", 3, "quantity"),
    }
    assert str(errors[0]).startswith("items.csv, row 2, column pack_size: ")


# ---------------------------------------------------------------------------
# SPEC 8 and the unit column: due, company, unit
# ---------------------------------------------------------------------------

DATED_LOTS = """\
    lot,item,warehouse,owner,quantity,due
    L1,P1,NY,,10,
    L2,P2,CA,ACME,8,2026-12-15
    L3,P2,NY,BETA,5,
    """


def test_due_unit_and_company_are_read(tmp_path: Path) -> None:
    """A lot's due is a date (empty: on hand); an item's unit defaults to pcs; `company` names the
    company as an owner (not set: "")."""
    items = (
        BASE["items.csv"]
        .replace("pack_size\n", "pack_size,unit\n")
        .replace("P2,Capacitor,,,14,", "P2,Capacitor,,,14,,0.1 l")
    )
    path = write_scenario(
        tmp_path / "s", {"lots.csv": DATED_LOTS, "items.csv": items}, TOML + 'company = " MAIN "\n'
    )
    scenario = load_scenario(path)
    assert {lot.lot: lot.due for lot in scenario.lots} == {"L1": None, "L2": date(2026, 12, 15), "L3": None}
    assert {i.item: i.unit for i in scenario.items} == {"K1": "pcs", "P1": "pcs", "P2": "0.1 l", "P3": "pcs"}
    assert scenario.company == "MAIN"
    assert load_scenario(write_scenario(tmp_path / "plain")).company == ""


def test_bad_due_names_table_row_and_column(tmp_path: Path) -> None:
    """A due that is no ISO date is an input error at lots.csv, its row, column due."""
    lots = DATED_LOTS.replace("2026-12-15", "15/12/2026")
    errors = load_errors(write_scenario(tmp_path, {"lots.csv": lots}))
    assert locations(errors) == {("lots.csv", 3, "due")}
    assert "not a date" in errors[0].message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("company = 7", "owner name as text"), ('company = "*"', "one owner name"), ('company = "A;B"', "one")],
)
def test_bad_company_is_an_input_error(tmp_path: Path, value: str, fragment: str) -> None:
    """company must be one owner name: text, not `*`, without `;`."""
    errors = load_errors(write_scenario(tmp_path, toml=TOML + value + "\n"))
    assert [(e.table, e.column) for e in errors] == [("scenario.toml", "company")]
    assert fragment in errors[0].message


def test_what_if_inherits_company(tmp_path: Path) -> None:
    """A what-if that extends a scenario keeps its company, and may set its own."""
    write_scenario(tmp_path, toml=TOML + 'company = "MAIN"\n')
    (tmp_path / "child.toml").write_text('extends = "scenario.toml"\n', encoding="utf-8")
    (tmp_path / "other.toml").write_text('extends = "scenario.toml"\ncompany = ""\n', encoding="utf-8")
    assert load_scenario(tmp_path / "child.toml").company == "MAIN"
    assert load_scenario(tmp_path / "other.toml").company == ""


@pytest.mark.parametrize("name", ["demo.toml", "pinned_epsilon.toml", "stock_count.toml"])
def test_trusted_tables_make_the_scenario_of_the_rows_kept(name: str) -> None:
    """`load_trusted`'s part of every row is the scenario `load_scenario` reads, and of every other
    line and lot (rows in file order) holds exactly those, as the whole scenario's records."""
    path = Path(__file__).resolve().parents[2] / "scenarios" / name
    whole, trusted = load_scenario(path), load_trusted(path)
    lines, lots = np.ones(len(trusted.lines), bool), np.ones(len(trusted.lots), bool)
    assert trusted.part(lines, lots) == whole
    lines[::2], lots[1::2] = False, False
    part = trusted.part(lines, lots)
    kept_lines = set(zip(trusted.lines["order"][lines], trusted.lines["line"][lines]))
    kept_lots = set(trusted.lots["lot"][lots])
    assert part.lines == tuple(ln for ln in whole.lines if ln.key in kept_lines)
    assert part.lots == tuple(lot for lot in whole.lots if lot.lot in kept_lots)
    assert 0 < len(part.lines) < len(whole.lines)
    assert part.replace(lines=whole.lines, lots=whole.lots) == whole
