"""Hostile exports (SPEC 11, issue 18): every record an importer cannot map is named, exit 2, nothing written.

Each test changes one record of a copy of a real demo export (../shared/realdata beside the repo), runs
`planner import` and asserts: exit 2, the message names the file, the model, the pk and the field, no
traceback, and the --out folder does not exist afterwards.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.cli import main
from planner.io.importers import ImportResult, import_inventree, write_import
from planner.io.importers.result import ImportFailed

REALDATA = Path(__file__).resolve().parents[5] / "shared" / "realdata"
INVENTREE = REALDATA / "inventree-demo-dataset" / "inventree_data.json"
FREPPLE = REALDATA / "frepple" / "manufacturing_demo.json"

pytestmark = pytest.mark.skipif(
    not (INVENTREE.is_file() and FREPPLE.is_file()),
    reason=f"demo exports not found in {REALDATA} (shared/realdata beside the repo)",
)

Records = list[dict[str, Any]]


@pytest.fixture(scope="module")
def inventree_records() -> Records:
    records: Records = json.loads(INVENTREE.read_text(encoding="utf-8"))
    return records


@pytest.fixture(scope="module")
def frepple_records() -> Records:
    records: Records = json.loads(FREPPLE.read_text(encoding="utf-8"))
    return records


def record(records: Records, model: str, pk: object = None, **match: object) -> dict[str, Any]:
    """The first record of `model` with that pk (or whose fields match), to change in place."""
    for r in records:
        if r.get("model") != model:
            continue
        if pk is not None and r.get("pk") != pk:
            continue
        if all(r["fields"].get(k) == v for k, v in match.items()):
            return r
    raise AssertionError(f"no {model} {pk} {match} in the demo export")


def imported(kind: str, path: Path, out: Path) -> Result:
    args = ["import", kind, str(path), "--out", str(out)]
    return CliRunner().invoke(main, args + (["--today", "2024-03-19"] if kind == "inventree" else []))


def refused(result: Result, out: Path, *named: str) -> str:
    """The import exited 2 with a message naming every one of `named`, no traceback, nothing written."""
    output = result.output
    assert result.exit_code == 2, output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in output
    for text in named:
        assert text in output, f"{text!r} not in {output!r}"
    assert not out.exists()
    return output


def mutated(records: Records, change: Callable[[Records], None], tmp_path: Path, name: str) -> Path:
    copied = copy.deepcopy(records)
    change(copied)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_text(json.dumps(copied), encoding="utf-8")
    return path


def inventree_refused(
    records: Records, change: Callable[[Records], None], tmp_path: Path, *named: str
) -> str:
    path = mutated(records, change, tmp_path, "inventree_data.json")
    out = tmp_path / "out"
    return refused(imported("inventree", path, out), out, "inventree_data.json", *named)


def set_field(model: str, pk: object, field: str, value: object) -> Callable[[Records], None]:
    def change(records: Records) -> None:
        record(records, model, pk)["fields"][field] = value

    return change


# InvenTree


def test_deeply_nested_json_names_the_file(tmp_path: Path) -> None:
    """A document nested 100,000 deep (Python's parser recurses) is not an export: exit 2, the file named."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    out = tmp_path / "out"
    refused(imported("inventree", path, out), out, "deep.json")
    refused(imported("frepple", path, out), out, "deep.json")


def test_records_that_are_not_model_records_are_named(inventree_records: Records, tmp_path: Path) -> None:
    """A list entry that is not a {model, pk, fields} record is named by its position in the file."""
    inventree_refused(
        inventree_records,
        lambda rs: rs.append(cast(Any, 5)),
        tmp_path,
        f"record {len(inventree_records) + 1}",
    )


def test_a_pk_given_twice_is_named(inventree_records: Records, tmp_path: Path) -> None:
    """Two stock items with one pk: the second would silently replace the first."""
    inventree_refused(
        inventree_records,
        lambda rs: rs.append(copy.deepcopy(record(rs, "stock.stockitem", 2))),
        tmp_path,
        "stock.stockitem pk 2",
        "more than once",
    )


def test_stock_item_without_part(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        lambda rs: record(rs, "stock.stockitem", 2)["fields"].pop("part"),
        tmp_path,
        "stock.stockitem pk 2, field part",
        "missing",
    )


def test_stock_item_of_a_part_that_does_not_exist(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        set_field("stock.stockitem", 2, "part", 9999),
        tmp_path,
        "stock.stockitem pk 2, field part: part.part pk 9999 does not exist",
    )


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "-inf", float("nan"), float("inf"), "1e30", 1e30, "3 kg", True]
)
def test_stock_quantity_not_a_finite_bounded_number(
    inventree_records: Records, tmp_path: Path, value: object
) -> None:
    """NaN and Infinity (as text or as JSON's NaN and Infinity), 10^30, text and booleans are no quantity."""
    inventree_refused(
        inventree_records,
        set_field("stock.stockitem", 2, "quantity", value),
        tmp_path,
        "stock.stockitem pk 2, field quantity",
    )


def test_quantity_above_the_bound_once_in_the_smaller_unit(
    inventree_records: Records, tmp_path: Path
) -> None:
    """999,999,999,999.5 is within 10^12 in the part's unit, but its lots count tenths: 10^13 tenths is
    more than the planner holds, and the stock item is named."""
    inventree_refused(
        inventree_records,
        set_field("stock.stockitem", 2, "quantity", "999999999999.5"),
        tmp_path,
        "stock.stockitem pk 2, field quantity",
        "1/10",
    )


def test_sales_line_of_a_missing_part(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        set_field("order.salesorderlineitem", 1, "part", 9999),
        tmp_path,
        "order.salesorderlineitem pk 1, field part: part.part pk 9999 does not exist",
    )


def test_build_line_whose_bom_line_names_a_missing_part(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        set_field("part.bomitem", 1, "sub_part", 9999),
        tmp_path,
        "part.bomitem pk 1, field sub_part: part.part pk 9999 does not exist",
    )


def test_build_line_of_a_missing_build(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        set_field("build.buildline", 1, "build", 9999),
        tmp_path,
        "build.buildline pk 1, field build: build.build pk 9999 does not exist",
    )


def test_bad_date(inventree_records: Records, tmp_path: Path) -> None:
    inventree_refused(
        inventree_records,
        set_field("order.salesorder", 1, "target_date", "2022-13-45"),
        tmp_path,
        "order.salesorder pk 1, field target_date",
        "2022-13-45",
    )


def test_every_problem_reported_together(inventree_records: Records, tmp_path: Path) -> None:
    """Three bad records, three lines; past 20 problems the rest are counted."""

    def three(records: Records) -> None:
        record(records, "stock.stockitem", 2)["fields"]["quantity"] = "NaN"
        record(records, "order.salesorderlineitem", 1)["fields"]["part"] = 9999
        record(records, "build.build", 1)["fields"]["target_date"] = "someday"

    output = inventree_refused(
        inventree_records,
        three,
        tmp_path / "three",
        "stock.stockitem pk 2, field quantity",
        "order.salesorderlineitem pk 1, field part",
        "build.build pk 1, field target_date",
    )
    assert output.count("inventree_data.json: ") == 3

    def every_build_line(records: Records) -> None:
        for r in records:
            if r["model"] == "build.buildline":
                r["fields"]["quantity"] = "lots"

    output = inventree_refused(
        inventree_records, every_build_line, tmp_path / "all", "and 341 more problem(s)"
    )
    assert output.count("build.buildline pk") == 20


def test_order_ids_from_two_models_that_collide_are_named(inventree_records: Records, tmp_path: Path) -> None:
    """A build and a sales order that share a reference would be one order twice: both are named."""
    orders = import_inventree(INVENTREE, date(2024, 3, 19)).tables["orders.csv"]
    build = orders.loc[orders["type"] == "production", "order"].iloc[0]
    sale = orders.loc[orders["type"] == "sales", "order"].iloc[0]
    build_pk = record(inventree_records, "build.build", reference=build)["pk"]
    sale_pk = record(inventree_records, "order.salesorder", reference=sale)["pk"]

    def change(records: Records) -> None:
        record(records, "build.build", build_pk)["fields"]["reference"] = f" {sale}"

    inventree_refused(
        inventree_records,
        change,
        tmp_path,
        f"build.build pk {build_pk}",
        f"order.salesorder pk {sale_pk}",
        "its order id",
    )


def test_write_import_validates_before_writing(tmp_path: Path) -> None:
    """write_import refuses tables the loader would refuse (a line of an unknown item, quantity 0)."""
    tables = {
        "items.csv": pd.DataFrame({"item": ["A"]}),
        "orders.csv": pd.DataFrame({"order": ["O1"]}),
        "lines.csv": pd.DataFrame(
            {"order": ["O1"], "line": ["1"], "item": ["B"], "quantity": [0], "ship_date": [date(2026, 1, 2)]}
        ),
    }
    result = ImportResult("test", date(2026, 1, 1), tables, {})
    with pytest.raises(ImportFailed, match=r"lines\.csv, row 2, column item") as raised:
        write_import(result, tmp_path / "s", origin="source.json")
    assert "column quantity" in str(raised.value)
    assert "source.json" in str(raised.value)
    assert not (tmp_path / "s").exists()


# frePPLe


def frepple_refused(records: Records, change: Callable[[Records], None], tmp_path: Path, *named: str) -> str:
    path = mutated(records, change, tmp_path, "manufacturing_demo.json")
    out = tmp_path / "out"
    return refused(imported("frepple", path, out), out, "manufacturing_demo.json", *named)


def test_tables_that_fail_validation_are_not_written(frepple_records: Records, tmp_path: Path) -> None:
    """Every record is fine, but items "chair" and "chair " are one item once the planner reads items.csv
    (cells are stripped): the planner's own validation refuses the tables and nothing is written."""

    def change(records: Records) -> None:
        records.append({"model": "input.item", "fields": {"name": "chair "}})
        buffer = {"item_id": "chair ", "location_id": "factory", "onhand": 5}
        records.append({"model": "input.buffer", "fields": buffer})

    frepple_refused(frepple_records, change, tmp_path, "would write", "items.csv", "duplicate")


def first_open_demand(records: Records) -> dict[str, Any]:
    return record(records, "input.demand", status="open")


@pytest.mark.parametrize("value", ["NaN", float("nan"), "Infinity", 1e30, "many"])
def test_frepple_demand_quantity(frepple_records: Records, tmp_path: Path, value: object) -> None:
    name = first_open_demand(frepple_records)["fields"]["name"]

    def change(records: Records) -> None:
        first_open_demand(records)["fields"]["quantity"] = value

    frepple_refused(frepple_records, change, tmp_path, f'input.demand pk "{name}", field quantity')


def test_frepple_operation_plan_of_a_missing_item(frepple_records: Records, tmp_path: Path) -> None:
    plan = record(frepple_records, "input.operationplan", type="PO")["fields"]

    def change(records: Records) -> None:
        record(records, "input.operationplan", reference=plan["reference"])["fields"]["item_id"] = (
            "no such item"
        )

    frepple_refused(
        frepple_records,
        change,
        tmp_path,
        f'input.operationplan pk "{plan["reference"]}", field item_id',
        'input.item pk "no such item" does not exist',
    )


def test_frepple_bad_due_date(frepple_records: Records, tmp_path: Path) -> None:
    """A due date that is not a date was taken as 'no due date' (ship today); it is an error."""
    name = first_open_demand(frepple_records)["fields"]["name"]

    def change(records: Records) -> None:
        first_open_demand(records)["fields"]["due"] = "soon"

    frepple_refused(frepple_records, change, tmp_path, f'input.demand pk "{name}", field due', "soon")


def test_frepple_buffer_without_location_named_by_position(frepple_records: Records, tmp_path: Path) -> None:
    """Records without a pk of their own (buffers, lanes) are named by their position in the file."""
    position = next(i for i, r in enumerate(frepple_records, 1) if r["model"] == "input.buffer")

    def change(records: Records) -> None:
        records[position - 1]["fields"]["location_id"] = "nowhere"

    frepple_refused(frepple_records, change, tmp_path, f"input.buffer record {position}, field location_id")


def test_frepple_demand_named_twice(frepple_records: Records, tmp_path: Path) -> None:
    demand = first_open_demand(frepple_records)
    name = demand["fields"]["name"]
    frepple_refused(
        frepple_records,
        lambda rs: rs.append(copy.deepcopy(demand)),
        tmp_path,
        f'input.demand pk "{name}"',
        "more than once",
    )
