"""What-if scenario files (issue 3): `extends` chains and the table edits `[[override]]`, `[[add]]`
and `[[remove]]` (models/edits.py, models/loading.py).

Every test writes a small base scenario into tmp_path (`base/base.toml` with its CSV tables in
`base/data/`) and a what-if TOML file that extends it, then loads the what-if with `load_scenario`.
"""

from __future__ import annotations

import textwrap
import tomllib
from datetime import date
from pathlib import Path

import pytest

from models.edits import cell_text, parse_edits
from models.errors import InputError, InputErrors
from models.loading import load_scenario
from models.records import (
    Alternate,
    KitComponent,
    Line,
    LineKey,
    Lot,
    Order,
    Reservation,
    Scenario,
    SolverOptions,
)
from models.tables import TABLES

BASE_TABLES: dict[str, str] = {
    "items.csv": """\
        item,description,stocking,pack_size
        X,Widget,true,1
        Y,Gadget,true,1
        """,
    "lots.csv": """\
        lot,item,warehouse,quantity,received
        A1,X,NY,10,2026-01-05
        A2,X,CA,10,2026-02-05
        B1,Y,NY,5,
        """,
    "orders.csv": """\
        order,type,priority,full_delivery,warehouses
        S1,sales,1,false,
        S2,sales,5,false,NY
        """,
    "lines.csv": """\
        order,line,item,quantity,ship_date
        S1,1,X,8,2026-12-01
        S1,2,Y,3,2026-12-01
        S2,1,X,6,2026-12-02
        """,
    "reservations.csv": """\
        order,line,lot,quantity
        S1,1,A1,2
        S1,2,B1,1
        S2,1,A2,4
        """,
}
"""The base tables; kits.csv, alternates.csv and safety_stock.csv are absent (optional)."""

BASE_TOML = 'name = "base"\ntoday = "2026-11-20"\ndata = "data"\n'


def write_base(root: Path, toml: str = BASE_TOML) -> Path:
    """Write `root/base/base.toml` and its tables in `root/base/data/`; returns the TOML path."""
    data = root / "base" / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, text in BASE_TABLES.items():
        (data / name).write_text(textwrap.dedent(text), encoding="utf-8")
    path = root / "base" / "base.toml"
    path.write_text(toml, encoding="utf-8")
    return path


def write_whatif(
    root: Path,
    body: str,
    name: str = "whatif.toml",
    files: dict[str, str] | None = None,
    extends: str | None = "base/base.toml",
) -> Path:
    """Write the base, then `root/<name>` (extending the base unless `extends` is None) and side CSVs."""
    if not (root / "base" / "base.toml").exists():
        write_base(root)
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = f'extends = "{extends}"\n' if extends is not None else ""
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    for file, text in (files or {}).items():
        (path.parent / file).write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_errors(path: Path) -> list[InputError]:
    """The errors `load_scenario` raises for `path` (fails the test if it loads)."""
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    return info.value.errors


def by_key(scenario: Scenario) -> tuple[dict[str, Order], dict[LineKey, Line], dict[str, Lot]]:
    """Orders by order, lines by (order, line), lots by lot."""
    return (
        {o.order: o for o in scenario.orders},
        {ln.key: ln for ln in scenario.lines},
        {lt.lot: lt for lt in scenario.lots},
    )


def reservations(scenario: Scenario) -> set[tuple[str, str, str, int]]:
    return {(r.order, r.line, r.lot, r.quantity) for r in scenario.reservations}


BASE_RESERVATIONS = {("S1", "1", "A1", 2), ("S1", "2", "B1", 1), ("S2", "1", "A2", 4)}


# --- the base and cell text ------------------------------------------------------------------------


def test_the_base_alone_loads_unchanged(tmp_path: Path) -> None:
    """The base scenario of these tests is valid, so every error below comes from the what-if."""
    scenario = load_scenario(write_base(tmp_path))
    orders, lines, lots = by_key(scenario)
    assert scenario.name == "base"
    assert set(orders) == {"S1", "S2"}
    assert set(lines) == {("S1", "1"), ("S1", "2"), ("S2", "1")}
    assert set(lots) == {"A1", "A2", "B1"}
    assert reservations(scenario) == BASE_RESERVATIONS


def test_an_extends_only_whatif_equals_its_base_but_for_the_name(tmp_path: Path) -> None:
    """A what-if with nothing but `extends` is its base with its own name (the file stem)."""
    base = load_scenario(write_base(tmp_path))
    whatif = load_scenario(write_whatif(tmp_path, "", name="same.toml"))
    assert whatif.name == "same"
    assert whatif == base.replace(name="same")


def test_cell_text_turns_toml_values_into_csv_cell_text() -> None:
    """TOML values become the text a CSV cell would hold: true/false, ISO dates, ;-joined lists."""
    assert cell_text(True) == "true"
    assert cell_text(False) == "false"
    assert cell_text(date(2026, 11, 24)) == "2026-11-24"
    assert cell_text(["CA", "NY"]) == "CA;NY"
    assert cell_text([date(2026, 1, 2), True]) == "2026-01-02;true"
    assert cell_text(7) == "7"
    assert cell_text(" SO-1 ") == "SO-1"


# --- override --------------------------------------------------------------------------------------


def test_override_sets_int_bool_date_and_list_values(tmp_path: Path) -> None:
    """`set` writes TOML ints, booleans, dates and arrays into the matching rows, parsed like CSV cells,
    including into a column the base file does not have (requires_pnp)."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "orders"
        where = { order = "S1" }
        set = { priority = 0, full_delivery = true, warehouses = ["CA", "NY"] }

        [[override]]
        table = "lines"
        where = { order = "S1", line = 1 }
        set = { ship_date = 2026-11-30, requires_pnp = true }
        """,
    )
    orders, lines, _ = by_key(load_scenario(path))
    assert orders["S1"].priority == 0
    assert orders["S1"].full_delivery is True
    assert orders["S1"].warehouses == ("CA", "NY")
    assert lines[("S1", "1")].ship_date == date(2026, 11, 30)
    assert lines[("S1", "1")].requires_pnp is True
    # Rows the where does not match keep their values.
    assert orders["S2"].priority == 5
    assert orders["S2"].warehouses == ("NY",)
    assert lines[("S1", "2")].ship_date == date(2026, 12, 1)
    assert lines[("S1", "2")].requires_pnp is False


def test_override_false_and_table_name_with_csv_suffix(tmp_path: Path) -> None:
    """A boolean false is written as false, and `table` may be given with its .csv suffix."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "lots.csv"
        where = { lot = "B1" }
        set = { pnp = false, expires = 2027-01-31 }
        """,
    )
    lots = by_key(load_scenario(path))[2]
    assert lots["B1"].pnp is False
    assert lots["B1"].expires == date(2027, 1, 31)
    assert lots["A1"].pnp is True
    assert lots["A1"].expires is None


def test_override_changes_every_row_matching_all_where_columns(tmp_path: Path) -> None:
    """`where` is an AND over its columns, matching exact cell text; every matching row is set."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "lots"
        where = { item = "X" }
        set = { status = "quarantine" }

        [[override]]
        table = "lots"
        where = { item = "X", warehouse = "CA" }
        set = { allocated = 3 }
        """,
    )
    lots = by_key(load_scenario(path))[2]
    assert lots["A1"].status == lots["A2"].status == "quarantine"
    assert lots["B1"].status == "available"
    assert (lots["A1"].allocated, lots["A2"].allocated, lots["B1"].allocated) == (0, 3, 0)


def test_override_in_the_subtable_form(tmp_path: Path) -> None:
    """`[override.where]` / `[override.set]` sub-tables under `[[override]]` are the same edit."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "orders"
        [override.where]
        order = "S2"
        [override.set]
        priority = 0
        """,
    )
    assert by_key(load_scenario(path))[0]["S2"].priority == 0


# --- add -------------------------------------------------------------------------------------------


def test_add_appends_rows_from_a_csv_beside_the_scenario_file(tmp_path: Path) -> None:
    """`[[add]]` appends the file's rows (its own column order and subset; empty cells take defaults)."""
    path = write_whatif(
        tmp_path,
        """\
        [[add]]
        table = "lots"
        file = "extra_lots.csv"
        """,
        files={
            "extra_lots.csv": """\
                quantity,lot,warehouse,item,status
                7,C1,NY,X,
                3,C2,CA,Y,quarantine
                """
        },
    )
    lots = by_key(load_scenario(path))[2]
    assert set(lots) == {"A1", "A2", "B1", "C1", "C2"}
    assert lots["C1"] == Lot("C1", "X", "NY", 7)
    assert lots["C2"] == Lot("C2", "Y", "CA", 3, status="quarantine")
    assert lots["A1"] == Lot("A1", "X", "NY", 10, received=date(2026, 1, 5))


def test_add_creates_an_optional_table_the_base_does_not_have(tmp_path: Path) -> None:
    """Rows can be added to an optional table (alternates, kits) that has no file in the base."""
    path = write_whatif(
        tmp_path,
        """\
        [[add]]
        table = "alternates"
        file = "alternates_extra.csv"

        [[add]]
        table = "items"
        file = "kit_item.csv"

        [[add]]
        table = "kits"
        file = "kit_rows.csv"
        """,
        files={
            "alternates_extra.csv": "item,alternate,rank\nX,Y,2\n",
            "kit_item.csv": "item,description\nK,Kit\n",
            "kit_rows.csv": "kit,component,quantity\nK,X,2\nK,Y,1\n",
        },
    )
    scenario = load_scenario(path)
    assert scenario.alternates == (Alternate("X", "Y", 2),)
    assert scenario.kits == (KitComponent("K", "X", 2), KitComponent("K", "Y", 1))
    assert {i.item for i in scenario.items} == {"X", "Y", "K"}


# --- remove and its cascade -------------------------------------------------------------------------


def test_remove_an_order_drops_its_lines_and_their_reservations(tmp_path: Path) -> None:
    """Removing an order removes its lines and the reservations of those lines, nothing else."""
    path = write_whatif(
        tmp_path,
        """\
        [[remove]]
        table = "orders"
        where = { order = "S1" }
        """,
    )
    scenario = load_scenario(path)
    orders, lines, lots = by_key(scenario)
    assert set(orders) == {"S2"}
    assert set(lines) == {("S2", "1")}
    assert reservations(scenario) == {("S2", "1", "A2", 4)}
    assert set(lots) == {"A1", "A2", "B1"}


def test_remove_a_line_drops_its_reservations(tmp_path: Path) -> None:
    """Removing a line removes its reservations; its order and the order's other lines stay."""
    path = write_whatif(
        tmp_path,
        """\
        [[remove]]
        table = "lines"
        where = { order = "S1", line = "1" }
        """,
    )
    scenario = load_scenario(path)
    orders, lines, _ = by_key(scenario)
    assert set(orders) == {"S1", "S2"}
    assert set(lines) == {("S1", "2"), ("S2", "1")}
    assert reservations(scenario) == {("S1", "2", "B1", 1), ("S2", "1", "A2", 4)}


def test_remove_a_lot_drops_its_reservations(tmp_path: Path) -> None:
    """Removing a lot removes the reservations on it; the lines they were for stay."""
    path = write_whatif(
        tmp_path,
        """\
        [[remove]]
        table = "lots"
        where = { lot = "A1" }
        """,
    )
    scenario = load_scenario(path)
    _, lines, lots = by_key(scenario)
    assert set(lots) == {"A2", "B1"}
    assert ("S1", "1") in lines
    assert reservations(scenario) == {("S1", "2", "B1", 1), ("S2", "1", "A2", 4)}


def test_remove_every_row_that_matches(tmp_path: Path) -> None:
    """A remove drops every matching row (here both lines of item X) and cascades for each."""
    path = write_whatif(
        tmp_path,
        """\
        [[remove]]
        table = "lines"
        where = { item = "X" }
        """,
    )
    scenario = load_scenario(path)
    assert {ln.key for ln in scenario.lines} == {("S1", "2")}
    assert reservations(scenario) == {("S1", "2", "B1", 1)}


# --- file order --------------------------------------------------------------------------------------


def test_edits_are_listed_in_file_order_even_with_interleaved_kinds(tmp_path: Path) -> None:
    """parse_edits keeps the order of the [[...]] headers across kinds and numbers each kind on its own."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "lots"
        where = { lot = "A1" }
        set = { quantity = 1 }

        [[add]]
        table = "lots"
        file = "c1.csv"

        [[remove]]
        table = "orders"
        where = { order = "S2" }

        [[override]]
        table = "lots"
        where = { lot = "C1" }
        set = { quantity = 2 }

        [[add]]
        table = "items"
        file = "c1.csv"
        """,
        files={"c1.csv": "lot,item,warehouse,quantity\nC1,X,NY,7\n"},
    )
    text = path.read_text(encoding="utf-8")
    edits, problems = parse_edits(tomllib.loads(text), text, path, (t.name for t in TABLES))
    assert problems == []
    assert [(e.kind, e.table, e.label) for e in edits] == [
        ("override", "lots.csv", "whatif.toml, override 1"),
        ("add", "lots.csv", "whatif.toml, add 1"),
        ("remove", "orders.csv", "whatif.toml, remove 1"),
        ("override", "lots.csv", "whatif.toml, override 2"),
        ("add", "items.csv", "whatif.toml, add 2"),
    ]
    assert edits[3].where == {"lot": "C1"}
    assert edits[3].set == {"quantity": "2"}


def test_add_a_lot_then_override_it(tmp_path: Path) -> None:
    """An override after an add sees the added row (edits run in file order)."""
    path = write_whatif(
        tmp_path,
        """\
        [[add]]
        table = "lots"
        file = "c1.csv"

        [[override]]
        table = "lots"
        where = { lot = "C1" }
        set = { quantity = 9, warehouse = "CA" }
        """,
        files={"c1.csv": "lot,item,warehouse,quantity\nC1,X,NY,7\n"},
    )
    lots = by_key(load_scenario(path))[2]
    assert lots["C1"] == Lot("C1", "X", "CA", 9)


def test_override_then_remove_the_same_row(tmp_path: Path) -> None:
    """Override then remove of one row: the override applies, then the row is gone (no error)."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "orders"
        where = { order = "S2" }
        set = { priority = 0 }

        [[remove]]
        table = "orders"
        where = { priority = "0" }
        """,
    )
    scenario = load_scenario(path)
    assert {o.order for o in scenario.orders} == {"S1"}
    assert {ln.key for ln in scenario.lines} == {("S1", "1"), ("S1", "2")}


def test_remove_then_override_the_removed_row_is_an_error(tmp_path: Path) -> None:
    """An override after a remove of its row matches nothing: the where error names that override."""
    path = write_whatif(
        tmp_path,
        """\
        [[remove]]
        table = "lots"
        where = { lot = "A2" }

        [[override]]
        table = "lots"
        where = { lot = "A2" }
        set = { quantity = 1 }
        """,
    )
    assert load_errors(path) == [
        InputError("whatif.toml, override 1", None, "where", "{ lot = 'A2' } matches no row of lots.csv")
    ]


@pytest.mark.parametrize(("first_priority", "second_priority"), [(0, 3), (3, 0)])
def test_two_overrides_of_one_cell_the_later_wins(
    tmp_path: Path, first_priority: int, second_priority: int
) -> None:
    """Two overrides of the same cell apply in file order: the value of the later one stays."""
    path = write_whatif(
        tmp_path,
        f"""\
        [[override]]
        table = "orders"
        where = {{ order = "S1" }}
        set = {{ priority = {first_priority} }}

        [[override]]
        table = "orders"
        where = {{ order = "S1" }}
        set = {{ priority = {second_priority} }}
        """,
    )
    assert by_key(load_scenario(path))[0]["S1"].priority == second_priority


CASCADE_AFTER_EDIT = {
    "override a line, then remove its order": """\
        [[override]]
        table = "lines"
        where = { order = "S1", line = "1" }
        set = { quantity = 1 }

        [[remove]]
        table = "orders"
        where = { order = "S1" }
        """,
    "remove a line, then remove its order": """\
        [[remove]]
        table = "lines"
        where = { order = "S1", line = "1" }

        [[remove]]
        table = "orders"
        where = { order = "S1" }
        """,
    "add a line, then remove its order": """\
        [[add]]
        table = "lines"
        file = "s1_line3.csv"

        [[remove]]
        table = "orders"
        where = { order = "S1" }
        """,
    "add a reservation, then remove its lot": """\
        [[add]]
        table = "reservations"
        file = "res_a1.csv"

        [[remove]]
        table = "orders"
        where = { order = "S1" }

        [[remove]]
        table = "lots"
        where = { lot = "A1" }
        """,
}


@pytest.mark.parametrize("body", CASCADE_AFTER_EDIT.values(), ids=list(CASCADE_AFTER_EDIT))
def test_an_edit_before_a_removal_applies_and_the_cascade_then_drops_its_rows(
    tmp_path: Path, body: str
) -> None:
    """File order holds across tables: an edit of a line or reservation written *before* the removal
    of its order or lot applies to the row that exists at that point, and the removal then cascades
    over it. Every case ends as "S1 removed" (plus lot A1 in the last): no error."""
    path = write_whatif(
        tmp_path,
        body,
        files={
            "s1_line3.csv": "order,line,item,quantity,ship_date\nS1,3,X,1,2026-12-03\n",
            "res_a1.csv": "order,line,lot,quantity\nS2,1,A1,1\n",
        },
    )
    scenario = load_scenario(path)
    assert {o.order for o in scenario.orders} == {"S2"}
    assert {ln.key for ln in scenario.lines} == {("S2", "1")}
    assert reservations(scenario) == {("S2", "1", "A2", 4)}


# --- extends --------------------------------------------------------------------------------------


def test_three_level_chain_merges_settings_and_applies_every_level_in_order(tmp_path: Path) -> None:
    """top -> mid -> base in three folders: top-level keys override (today), [solver] and [objective]
    merge key by key, `data` stays relative to the base file (a decoy `data` folder beside the
    what-ifs is not used), adds are read beside the file that names them, the edits of all levels
    apply base first, and the name is the top file's stem."""
    write_base(
        tmp_path,
        BASE_TOML
        + """\
[objective]
key = ["priority", "ship_date"]

[solver]
name = "highs"
time_limit = 60

[[override]]
table = "orders"
where = { order = "S1" }
set = { priority = 2 }
""",
    )
    write_whatif(
        tmp_path,
        """\
        today = 2026-11-21

        [solver]
        time_limit = 30

        [[override]]
        table = "orders"
        where = { order = "S1" }
        set = { priority = 3 }

        [[add]]
        table = "lots"
        file = "mid_lots.csv"
        """,
        name="mid/mid.toml",
        extends="../base/base.toml",
        files={"mid_lots.csv": "lot,item,warehouse,quantity\nM1,Y,CA,4\n"},
    )
    top = write_whatif(
        tmp_path,
        """\
        [objective]
        key = ["ship_date"]

        [[override]]
        table = "lots"
        where = { lot = "M1" }
        set = { quantity = 6 }

        [[remove]]
        table = "lots"
        where = { lot = "A2" }
        """,
        name="top/top.toml",
        extends="../mid/mid.toml",
    )
    for folder in (tmp_path / "top" / "data", tmp_path / "mid" / "data"):
        folder.mkdir()
        (folder / "items.csv").write_text("this is not the data folder\n", encoding="utf-8")

    scenario = load_scenario(top)
    assert scenario.name == "top"
    assert scenario.today == date(2026, 11, 21)
    assert scenario.objective_key == ("ship_date",)
    assert scenario.solver == SolverOptions("highs", 30.0)
    orders, _, lots = by_key(scenario)
    assert orders["S1"].priority == 3
    assert set(lots) == {"A1", "B1", "M1"}
    assert lots["M1"] == Lot("M1", "Y", "CA", 6)
    assert reservations(scenario) == {("S1", "1", "A1", 2), ("S1", "2", "B1", 1)}

    mid = load_scenario(tmp_path / "mid" / "mid.toml")
    assert mid.name == "mid"
    assert mid.objective_key == ("priority", "ship_date")
    assert mid.solver == SolverOptions("highs", 30.0)
    assert set(by_key(mid)[2]) == {"A1", "A2", "B1", "M1"}


def test_top_level_settings_override_the_base(tmp_path: Path) -> None:
    """today, the objective key and the solver name of the what-if replace the base's; a solver
    key it does not set (time_limit) is inherited."""
    write_base(tmp_path, BASE_TOML + '[solver]\nname = "highs"\ntime_limit = 60\n')
    path = write_whatif(
        tmp_path,
        """\
        today = "2026-11-25"
        [objective]
        key = ["priority", "ship_date"]
        [solver]
        name = "greedy"
        """,
    )
    scenario = load_scenario(path)
    assert scenario.today == date(2026, 11, 25)
    assert scenario.objective_key == ("priority", "ship_date")
    assert scenario.solver == SolverOptions("greedy", 60.0)
    base = load_scenario(tmp_path / "base" / "base.toml")
    assert base.today == date(2026, 11, 20)
    assert base.solver == SolverOptions("highs", 60.0)


@pytest.mark.parametrize(("own_name", "expected"), [(None, "rush"), ("Rush order", "Rush order")])
def test_name_is_not_inherited(tmp_path: Path, own_name: str | None, expected: str) -> None:
    """A what-if's name is its own `name`, or its file stem; never the base's name."""
    body = f'name = "{own_name}"\n' if own_name else ""
    assert load_scenario(write_whatif(tmp_path, body, name="rush.toml")).name == expected


def test_base_without_data_key_reads_the_tables_beside_the_base_file(tmp_path: Path) -> None:
    """A base with no `data` (tables beside it) extended from another folder still reads its own folder."""
    base = tmp_path / "base"
    base.mkdir()
    for name, text in BASE_TABLES.items():
        (base / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (base / "base.toml").write_text('today = "2026-11-20"\n', encoding="utf-8")
    path = write_whatif(tmp_path, "", name="elsewhere/w.toml", extends="../base/base.toml")
    scenario = load_scenario(path)
    assert scenario.name == "w"
    assert {lt.lot for lt in scenario.lots} == {"A1", "A2", "B1"}


def test_data_set_in_the_whatif_is_relative_to_the_whatif(tmp_path: Path) -> None:
    """A what-if that names its own `data` folder reads it relative to itself, not to the base."""
    write_base(tmp_path)
    own = tmp_path / "w" / "data"
    own.mkdir(parents=True)
    for name, text in BASE_TABLES.items():
        (own / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (own / "lots.csv").write_text("lot,item,warehouse,quantity\nZ1,X,NY,1\n", encoding="utf-8")
    (own / "reservations.csv").write_text("order,line,lot,quantity\n", encoding="utf-8")
    path = write_whatif(tmp_path, 'data = "data"\n', name="w/w.toml", extends="../base/base.toml")
    assert {lt.lot for lt in load_scenario(path).lots} == {"Z1"}


# --- errors -------------------------------------------------------------------------------------------


def test_a_cycle_of_extends_is_an_error(tmp_path: Path) -> None:
    """a.toml -> b.toml -> a.toml is reported as a cycle on column extends, naming the files."""
    write_base(tmp_path)
    (tmp_path / "a.toml").write_text('extends = "b.toml"\ntoday = "2026-11-20"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    errors = load_errors(tmp_path / "a.toml")
    cycles = [e for e in errors if e.column == "extends"]
    assert len(cycles) == 1
    assert cycles[0].table == "a.toml"
    assert cycles[0].row is None
    assert "cycle" in cycles[0].message
    assert "a.toml -> b.toml -> a.toml" in cycles[0].message


def test_a_file_extending_itself_is_a_cycle(tmp_path: Path) -> None:
    """A file that extends itself is the shortest cycle."""
    (tmp_path / "self.toml").write_text('extends = "self.toml"\ntoday = "2026-11-20"\n', encoding="utf-8")
    errors = load_errors(tmp_path / "self.toml")
    assert any(e.table == "self.toml" and e.column == "extends" and "cycle" in e.message for e in errors)


def test_extending_a_missing_file_is_an_error(tmp_path: Path) -> None:
    """A base file that does not exist is reported, naming it."""
    path = write_whatif(tmp_path, "", extends="nope.toml")
    errors = load_errors(path)
    assert any("nope.toml" in e.message and "not found" in e.message for e in errors)


@pytest.mark.parametrize("kind", ["override", "remove"])
def test_a_where_matching_nothing_is_an_error(tmp_path: Path, kind: str) -> None:
    """A where that matches no row names the scenario file and the edit, on column where, exactly."""
    body = f"""\
        [[{kind}]]
        table = "orders"
        where = {{ order = "S9", priority = 1 }}
        """ + ("set = { priority = 0 }\n" if kind == "override" else "")
    errors = load_errors(write_whatif(tmp_path, body))
    assert errors == [
        InputError(
            f"whatif.toml, {kind} 1",
            None,
            "where",
            "{ order = 'S9', priority = '1' } matches no row of orders.csv",
        )
    ]
    assert str(errors[0]) == (
        f"whatif.toml, {kind} 1, column where: "
        "{ order = 'S9', priority = '1' } matches no row of orders.csv"
    )


def test_an_error_in_an_inherited_edit_names_the_base_file(tmp_path: Path) -> None:
    """An edit written in the base keeps the base file's name in its label when loaded via a what-if."""
    write_base(
        tmp_path,
        BASE_TOML + '[[remove]]\ntable = "lots"\nwhere = { lot = "gone" }\n',
    )
    errors = load_errors(write_whatif(tmp_path, ""))
    assert [(e.table, e.column) for e in errors] == [("base.toml, remove 1", "where")]


@pytest.mark.parametrize(
    ("edit", "column"),
    [
        ('[[override]]\ntable = "orders"\nwhere = { colour = "red" }\nset = { priority = 0 }\n', "colour"),
        ('[[override]]\ntable = "orders"\nwhere = { order = "S1" }\nset = { colour = "red" }\n', "colour"),
        ('[[remove]]\ntable = "lots"\nwhere = { bin = "7" }\n', "bin"),
    ],
    ids=["where", "set", "remove-where"],
)
def test_an_unknown_column_in_where_or_set_is_an_error(tmp_path: Path, edit: str, column: str) -> None:
    """A column the table does not have, in where or set, is one error naming the edit and the column."""
    errors = load_errors(write_whatif(tmp_path, edit))
    assert len(errors) == 1
    assert errors[0].table.startswith("whatif.toml, ")
    assert column in errors[0].message
    assert "no column" in errors[0].message


def test_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    """An edit of a table that is not one of the scenario's names the edit and the bad table."""
    errors = load_errors(write_whatif(tmp_path, '[[remove]]\ntable = "widgets"\nwhere = { widget = "W" }\n'))
    assert len(errors) == 1
    assert errors[0].table == "whatif.toml"
    assert "whatif.toml, remove 1" in errors[0].message
    assert "'widgets'" in errors[0].message


def test_an_added_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    """An [[add]] whose file does not exist (beside the scenario file) names the edit and the file."""
    errors = load_errors(write_whatif(tmp_path, '[[add]]\ntable = "lots"\nfile = "nope.csv"\n'))
    assert len(errors) == 1
    assert "whatif.toml, add 1" in errors[0].message
    assert "'nope.csv' not found" in errors[0].message


def test_an_invalid_cell_in_an_added_row_names_the_added_file_and_row(tmp_path: Path) -> None:
    """Cell and cross-table errors in added rows point at the added file and its spreadsheet row
    (row 2 = first data row), not at a row of the base table."""
    path = write_whatif(
        tmp_path,
        '[[add]]\ntable = "lots"\nfile = "early.csv"\n',
        files={
            "early.csv": """\
                lot,item,warehouse,quantity
                E1,X,NY,ten
                E2,X,NY,5
                E3,Z,NY,5
                """
        },
    )
    assert load_errors(path) == [
        InputError("early.csv (added to lots.csv)", 2, "quantity", "'ten' is not a whole number"),
        InputError("early.csv (added to lots.csv)", 4, "item", "unknown item 'Z'"),
    ]


def test_an_added_row_duplicating_a_key_is_reported_on_the_added_row(tmp_path: Path) -> None:
    """An added lot whose id is already in the base is a duplicate, reported on the added file's row."""
    path = write_whatif(
        tmp_path,
        '[[add]]\ntable = "lots"\nfile = "dup.csv"\n',
        files={"dup.csv": "lot,item,warehouse,quantity\nA1,X,NY,1\n"},
    )
    errors = load_errors(path)
    assert [(e.table, e.row, e.column) for e in errors] == [("dup.csv (added to lots.csv)", 2, "lot")]
    assert "duplicate key 'A1'" in errors[0].message


def test_an_invalid_overridden_value_mentions_the_edit(tmp_path: Path) -> None:
    """A value set by an override that fails validation is reported at the base row and column,
    with "(set by whatif.toml, override N)"."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "orders"
        where = { order = "S1" }
        set = { customer = "Acme" }

        [[override]]
        table = "orders"
        where = { order = "S2" }
        set = { priority = 10 }
        """,
    )
    assert load_errors(path) == [
        InputError(
            "orders.csv",
            3,
            "priority",
            "priority must be between 0 and 9, got '10' (set by whatif.toml, override 2)",
        )
    ]


def test_an_invalid_value_set_on_an_added_row_mentions_the_override(tmp_path: Path) -> None:
    """An override that writes a bad value into an *added* row says which override set it, as for a
    base row: the added file does not hold that value, so naming only the file misleads."""
    path = write_whatif(
        tmp_path,
        """\
        [[add]]
        table = "lots"
        file = "c1.csv"

        [[override]]
        table = "lots"
        where = { lot = "C1" }
        set = { quantity = "many" }
        """,
        files={"c1.csv": "lot,item,warehouse,quantity\nC1,X,NY,7\n"},
    )
    errors = load_errors(path)
    assert len(errors) == 1
    assert errors[0].column == "quantity"
    assert "(set by whatif.toml, override 1)" in errors[0].message


def test_added_rows_of_an_absent_optional_table_must_have_its_required_columns(tmp_path: Path) -> None:
    """Rows added to an optional table the base lacks go through the same checks as a file would:
    a required column (kits.csv quantity) missing from the added file is an input error, never a
    record with quantity None (which crashes the solver)."""
    path = write_whatif(
        tmp_path,
        """\
        [[add]]
        table = "items"
        file = "kit_item.csv"

        [[add]]
        table = "kits"
        file = "kit_rows.csv"
        """,
        files={"kit_item.csv": "item\nK\n", "kit_rows.csv": "kit,component\nK,X\n"},
    )
    errors = load_errors(path)
    assert any(e.column == "quantity" for e in errors)


def test_an_inline_array_of_edits_is_not_silently_ignored(tmp_path: Path) -> None:
    """`override = [{ ... }]` is the same TOML data as an `[[override]]` header; the loader must apply
    it or reject it, never load the scenario as if the edit were not there."""
    path = write_whatif(
        tmp_path,
        'override = [{ table = "orders", where = { order = "S1" }, set = { priority = 0 } }]\n',
    )
    try:
        scenario = load_scenario(path)
    except InputErrors:
        return
    assert by_key(scenario)[0]["S1"].priority == 0


def test_every_error_is_reported_together(tmp_path: Path) -> None:
    """Edit, added-row and overridden-value errors of one what-if come back in one InputErrors."""
    path = write_whatif(
        tmp_path,
        """\
        [[override]]
        table = "orders"
        where = { order = "S9" }
        set = { priority = 0 }

        [[override]]
        table = "orders"
        where = { order = "S1" }
        set = { colour = "red" }

        [[remove]]
        table = "widgets"
        where = { widget = "W" }

        [[add]]
        table = "lots"
        file = "missing.csv"

        [[add]]
        table = "lots"
        file = "early.csv"

        [[override]]
        table = "lines"
        where = { order = "S2" }
        set = { quantity = 0 }
        """,
        files={"early.csv": "lot,item,warehouse,quantity\nE1,X,NY,ten\n"},
    )
    errors = load_errors(path)
    found = {(e.table, e.row, e.column) for e in errors}
    assert ("whatif.toml, override 1", None, "where") in found
    assert any(e.table == "whatif.toml, override 2" and "colour" in e.message for e in errors)
    assert any(e.table == "whatif.toml" and "remove 1" in e.message for e in errors)
    assert any(
        e.table == "whatif.toml" and "add 1" in e.message and "missing.csv" in e.message for e in errors
    )
    assert ("early.csv (added to lots.csv)", 2, "quantity") in found
    assert any(
        (e.table, e.row, e.column) == ("lines.csv", 4, "quantity")
        and "(set by whatif.toml, override 3)" in e.message
        for e in errors
    )
    assert len(errors) == 6


def test_reservation_row_numbers_survive_a_removal(tmp_path: Path) -> None:
    """After rows are removed, an error in a later base row still names that row's place in the file."""
    data = write_base(tmp_path).parent / "data"
    (data / "reservations.csv").write_text(
        "order,line,lot,quantity\nS1,1,A1,2\nS1,2,B1,1\nS2,1,A2,many\n", encoding="utf-8"
    )
    path = write_whatif(tmp_path, '[[remove]]\ntable = "lots"\nwhere = { lot = "A1" }\n')
    assert load_errors(path) == [
        InputError("reservations.csv", 4, "quantity", "'many' is not a whole number")
    ]


def test_reservation_on_a_removed_lot_is_gone_before_validation(tmp_path: Path) -> None:
    """A base reservation that would be invalid against the removed lot never reaches validation:
    the remove's cascade drops it first, so the what-if loads."""
    scenario = load_scenario(write_whatif(tmp_path, '[[remove]]\ntable = "lots"\nwhere = { lot = "B1" }\n'))
    assert reservations(scenario) == {("S1", "1", "A1", 2), ("S2", "1", "A2", 4)}
    assert Reservation("S1", "2", "B1", 1) not in scenario.reservations
