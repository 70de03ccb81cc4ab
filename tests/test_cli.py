"""The `planner` command line (SPEC sections 2 and 6): input errors, outputs, checking, determinism.

Scenario folders are written into tmp_path from CSV text. Commands run in-process
through click's CliRunner (the same `main` the console script calls); one test
runs the installed console script itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from planner.cli import main

CONTRACT_OUTPUTS = {"allocations.csv", "lines.csv", "items.csv", "explain.csv", "summary.json"}
"""The files SPEC section 6 says `planner solve` writes."""
OUTPUTS = CONTRACT_OUTPUTS | {"run.json", "components.txt"}
"""What `planner solve` writes: the contract's files plus run.json, the project's reproducibility
record (input hashes, versions, options, timings; see planner/io/runs.py), and, for a plan proved
optimal, components.txt (the fingerprints a re-plan takes untouched components over by, see
planner/engine/takeover.py). Nothing else."""

TOML = 'name = "cli-test"\ntoday = "2026-11-20"\n'

GOOD: dict[str, str] = {
    "items.csv": """\
        item,description,stocking,safety_stock,window_days,pack_size
        X,Widget,true,0,,1
        Y,Gadget,,2,30,
        N,Service,false,,,
        K,Kit,,,,
        """,
    "lots.csv": """\
        lot,item,warehouse,owner,quantity,allocated,planned_issue,pnp,status,received,expires
        A1,X,NY,,10,,,,,2026-01-05,
        A2,X,CA,,10,,,,,2026-02-05,
        B1,Y,NY,ACME,8,1,,true,available,,2027-03-01
        """,
    "orders.csv": """\
        order,type,priority,full_delivery,released,printed,warehouses,owners,customer
        S,sales,5,,,,,,Acme
        P,production,1,,,,,,
        """,
    "lines.csv": """\
        order,line,item,quantity,ship_date,priority,requires_pnp,full_line,fulfillment,po_received,warehouses,owners,printed
        S,1,X,10,2026-12-01,,,,,,CA;NY,,
        S,2,X,10,2026-12-02,,,,,,CA,,
        P,1,K,2,2026-12-03,,,,,,,,
        P,2,N,4,2026-12-03,,,,,,,,
        """,
    "kits.csv": """\
        kit,component,quantity
        K,Y,2
        K,N,1
        """,
    "reservations.csv": """\
        order,line,lot,quantity
        S,2,A2,3
        """,
}
"""A valid scenario. Its optimum (by hand): S/1 takes NY's 10 (CA;NY, but S/2 can only use CA);
S/2 gets its reservation of 3 from A2 plus 7 more from A2; P/1 gets 2 kits = 4 Y from B1
(allocable 7, safety 2) and 2 N without a lot; P/2 (nonstock) gets 4 without a lot."""

EXPECTED_ALLOCATIONS = [
    ("P", "1", "N", "", 2, "nonstock"),
    ("P", "1", "Y", "B1", 4, "optimizer"),
    ("P", "2", "N", "", 4, "nonstock"),
    ("S", "1", "X", "A1", 10, "optimizer"),
    ("S", "2", "X", "A2", 3, "reservation"),
    ("S", "2", "X", "A2", 7, "optimizer"),
]


def write_scenario(folder: Path, tables: dict[str, str | None] | None = None, toml: str = TOML) -> Path:
    """The good scenario in `folder`, with some tables replaced (text) or left out (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    for name, text in {**GOOD, **(tables or {})}.items():
        if text is not None:
            (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def unwrapped(text: str) -> str:
    """Console text with rich's line wrapping undone (it wraps at 80 columns when not on a terminal)."""
    return text.replace("\n", "")


def read_allocations(out: Path) -> list[tuple[str, str, str, str, int, str]]:
    frame = pd.read_csv(out / "allocations.csv", dtype=str, keep_default_na=False)
    return sorted(
        (r["order"], r["line"], r["item"], r["lot"], int(r["quantity"]), r["source"])
        for r in frame.to_dict("records")
    )


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The good scenario solved once by `planner solve`: (scenario folder, result folder)."""
    root = tmp_path_factory.mktemp("solved")
    scenario = write_scenario(root / "scenario")
    out = root / "out"
    result = invoke("solve", scenario, "--out", out)
    assert result.exit_code == 0, result.stderr
    return scenario, out


# ---------------------------------------------------------------------------
# Input errors: exit 2, every error named by table, row and column, nothing written
# ---------------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param({"lots.csv": None}, [("lots.csv", None, None, "not found")], id="missing_table"),
    pytest.param(
        {
            "lines.csv": """\
            order,line,item,quantity
            S,1,X,10
            """
        },
        [("lines.csv", None, "ship_date", "missing")],
        id="missing_column",
    ),
    pytest.param(
        {
            "lots.csv": """\
            lot,item,warehouse,quantity
            A1,X,NY,10
            A2,X,CA,ten
            B1,Y,NY,8
            """
        },
        [("lots.csv", 3, "quantity", "ten")],
        id="bad_number",
    ),
    pytest.param(
        {
            "lines.csv": """\
            order,line,item,quantity,ship_date
            S,1,X,10,2026-12-01
            S,2,X,10,2026-13-02
            """
        },
        [("lines.csv", 3, "ship_date", "2026-13-02")],
        id="bad_date",
    ),
    pytest.param(
        {
            "orders.csv": """\
            order,full_delivery
            S,maybe
            P,
            """
        },
        [("orders.csv", 2, "full_delivery", "maybe")],
        id="bad_boolean",
    ),
    pytest.param(
        {
            "lines.csv": """\
            order,line,item,quantity,ship_date
            S,1,X,10,2026-12-01
            S,2,ZZZ,10,2026-12-02
            """
        },
        [("lines.csv", 3, "item", "ZZZ")],
        id="unknown_item",
    ),
    pytest.param(
        {
            "lines.csv": """\
            order,line,item,quantity,ship_date
            S,1,X,10,2026-12-01
            S,2,X,10,2026-12-02
            NOPE,1,X,1,2026-12-02
            """
        },
        [("lines.csv", 4, "order", "NOPE")],
        id="unknown_order",
    ),
    pytest.param(
        {
            "lots.csv": """\
            lot,item,warehouse,quantity
            A1,X,NY,10
            A2,X,CA,10
            A1,X,CA,5
            B1,Y,NY,8
            """
        },
        [("lots.csv", 4, "lot", "duplicate")],
        id="duplicate_key",
    ),
    pytest.param(
        {
            "lots.csv": """\
            lot,item,warehouse,quantity,allocated,planned_issue
            A1,X,NY,10,,
            A2,X,CA,10,,
            B1,Y,NY,8,6,3
            """
        },
        [("lots.csv", 4, "quantity", "negative")],
        id="negative_allocable",
    ),
    pytest.param(
        {
            "reservations.csv": """\
            order,line,lot,quantity
            S,1,A2,6
            S,2,A2,5
            """
        },
        [("reservations.csv", 2, "quantity", "A2"), ("reservations.csv", 3, "quantity", "A2")],
        id="reservation_over_lot",
    ),
    pytest.param(
        {
            "reservations.csv": """\
            order,line,lot,quantity
            S,2,A1,6
            S,2,A2,5
            """
        },
        [("reservations.csv", 2, "quantity", "line"), ("reservations.csv", 3, "quantity", "line")],
        id="reservation_over_line",
    ),
]


Place = tuple[str, int | None, str | None, str]
"""Where an error must be reported (table, row, column) and a word its message must contain."""


@pytest.mark.parametrize(("tables", "places"), BAD_INPUTS)
def test_solve_input_error_exits_2_names_the_place_and_writes_nothing(
    tmp_path: Path, tables: dict[str, str | None], places: list[Place]
) -> None:
    """Each kind of input error: `planner solve` exits 2, stderr names the table, row and column
    (with a message about the bad value), reports only that error, and the --out folder is not created."""
    scenario = write_scenario(tmp_path / "scenario", tables)
    out = tmp_path / "out"
    result = invoke("solve", scenario, "--out", out)
    assert result.exit_code == 2, result.output
    for table, row, column, fragment in places:
        lines = [ln for ln in result.stderr.splitlines() if table in ln and fragment in ln]
        if row is not None:
            lines = [ln for ln in lines if f"row {row}" in ln]
        if column is not None:
            lines = [ln for ln in lines if f"column {column}" in ln]
        assert lines, f"no error names {table}, row {row}, column {column} ({fragment}):\n{result.stderr}"
    assert f"{len(places)} input error(s)" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out*")), "a staging folder was left behind"


@pytest.mark.parametrize(("tables", "places"), BAD_INPUTS)
def test_validate_input_error_exits_2(
    tmp_path: Path, tables: dict[str, str | None], places: list[Place]
) -> None:
    """`planner validate` exits 2 on the same inputs and names the same table."""
    scenario = write_scenario(tmp_path / "scenario", tables)
    result = invoke("validate", scenario)
    assert result.exit_code == 2
    assert all(table in result.stderr for table, *_ in places)


def test_several_errors_reported_at_once(tmp_path: Path) -> None:
    """A bad number, a bad date, an unknown item and a duplicate key in one scenario: all four are
    reported in one run (SPEC 2: all at once), and nothing is written."""
    scenario = write_scenario(
        tmp_path / "scenario",
        {
            "lots.csv": """\
                lot,item,warehouse,quantity
                A1,X,NY,lots
                A2,X,CA,10
                A2,X,CA,10
                B1,Y,NY,8
                """,
            "lines.csv": """\
                order,line,item,quantity,ship_date
                S,1,X,10,01/12/2026
                S,2,QQQ,10,2026-12-02
                """,
        },
    )
    out = tmp_path / "out"
    result = invoke("solve", scenario, "--out", out)
    assert result.exit_code == 2
    err = result.stderr
    assert "lots.csv, row 2, column quantity" in err
    assert "lots.csv, row 4, column lot" in err
    assert "lines.csv, row 2, column ship_date" in err
    assert "lines.csv, row 3, column item" in err
    assert "4 input error(s)" in err
    assert not out.exists()


def test_input_error_leaves_an_existing_result_alone(tmp_path: Path) -> None:
    """A failed solve does not touch a result folder already there (nothing is written on input errors)."""
    scenario = write_scenario(tmp_path / "scenario", {"lots.csv": None})
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old result", encoding="utf-8")
    assert invoke("solve", scenario, "--out", out).exit_code == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# ---------------------------------------------------------------------------
# A good scenario
# ---------------------------------------------------------------------------


def test_validate_good_scenario(tmp_path: Path) -> None:
    """`planner validate` on a valid scenario exits 0 and writes nothing to stderr."""
    result = invoke("validate", write_scenario(tmp_path / "scenario"))
    assert result.exit_code == 0, result.stderr
    assert "valid" in result.stdout
    assert result.stderr == ""


def test_solve_writes_exactly_the_contract_files(solved: tuple[Path, Path]) -> None:
    """`planner solve` writes exactly allocations.csv, lines.csv, items.csv and summary.json
    (SPEC 6) and explain.csv (SPEC 10), plus the project's run.json record, and leaves no staging
    folder behind."""
    _, out = solved
    assert {p.name for p in out.iterdir()} == OUTPUTS
    assert not list(out.parent.glob(".out*")), "a staging folder was left behind"


def test_solve_writes_the_hand_computed_plan(solved: tuple[Path, Path]) -> None:
    """The written allocations are the hand-computed optimum, and lines.csv has the contract's columns."""
    _, out = solved
    assert read_allocations(out) == EXPECTED_ALLOCATIONS
    alloc_columns = pd.read_csv(out / "allocations.csv", nrows=0).columns.tolist()
    assert alloc_columns == [
        "order",
        "line",
        "item",
        "lot",
        "warehouse",
        "owner",
        "quantity",
        "source",
        "due",
        "source_id",
    ]
    lines = pd.read_csv(out / "lines.csv", dtype=str, keep_default_na=False)
    assert lines.columns.tolist() == [
        "order",
        "line",
        "item",
        "requested",
        "allocated",
        "status",
        "reason",
        "tier",
        "available_on",
        "unit",
        "ship_date",
        "priority",
        "type",
        "customer",
    ]
    by_key = {(r["order"], r["line"]): r for r in lines.to_dict("records")}
    # what a planner sorts and filters by, repeated from the scenario (the line's priority, else its order's)
    assert [tuple(by_key[("S", "1")][c] for c in ("ship_date", "priority", "type", "customer"))] == [
        ("2026-12-01", "5", "sales", "Acme")
    ]
    assert by_key[("P", "1")]["type"] == "production"
    assert (by_key[("P", "2")]["status"], by_key[("P", "2")]["reason"], by_key[("P", "2")]["tier"]) == (
        "full",
        "nonstock",
        "",
    )
    assert [by_key[k]["tier"] for k in [("S", "1"), ("S", "2"), ("P", "1")]] == ["1", "2", "3"]
    items = pd.read_csv(out / "items.csv", nrows=0).columns.tolist()
    assert items == [
        "item",
        "in_stock",
        "allocated_before",
        "available",
        "required",
        "deficit",
        "allocable",
        "safety_stock",
        "on_order",
        "allocated",
        "available_after",
        "short",
        "unit",
    ]


def test_summary_has_the_contract_fields(solved: tuple[Path, Path]) -> None:
    """summary.json holds SPEC 6's fields: scenario, today, status, solver, seconds, tiers
    [{tier, key, requested, allocated}] and totals (lines, lines_full, requested, allocated, fill_rate)."""
    _, out = solved
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"scenario", "today", "status", "solver", "seconds", "tiers", "totals"} <= set(summary)
    assert summary["scenario"] == "cli-test"
    assert summary["today"] == "2026-11-20"
    assert summary["status"] == "optimal"
    assert isinstance(summary["solver"], str)
    assert summary["solver"]
    assert isinstance(summary["seconds"], int | float)
    assert summary["seconds"] >= 0
    tiers = [{k: t[k] for k in ("tier", "key", "requested", "allocated")} for t in summary["tiers"]]
    assert tiers == [
        {"tier": 1, "key": ["2026-12-01", 5], "requested": 10, "allocated": 10},
        {"tier": 2, "key": ["2026-12-02", 5], "requested": 10, "allocated": 10},
        {"tier": 3, "key": ["2026-12-03", 1], "requested": 2, "allocated": 2},
    ]
    totals = summary["totals"]
    assert {"lines", "lines_full", "requested", "allocated", "fill_rate"} <= set(totals)
    assert (totals["lines"], totals["lines_full"], totals["requested"], totals["allocated"]) == (3, 3, 22, 22)
    assert totals["fill_rate"] == 1.0


def test_check_accepts_the_solved_result(solved: tuple[Path, Path]) -> None:
    """`planner check` on what `planner solve` wrote exits 0."""
    scenario, out = solved
    result = invoke("check", scenario, out)
    assert result.exit_code == 0, result.stderr


def test_check_rejects_a_tampered_result(solved: tuple[Path, Path], tmp_path: Path) -> None:
    """`planner check` exits 1 when one allocation is raised beyond its lot (A1 gives 15 of its 10),
    and names the lot-capacity violation."""
    scenario, out = solved
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for name in OUTPUTS:
        (tampered / name).write_bytes((out / name).read_bytes())
    alloc = pd.read_csv(tampered / "allocations.csv", dtype=str, keep_default_na=False)
    alloc.loc[alloc["lot"] == "A1", "quantity"] = "15"
    alloc.to_csv(tampered / "allocations.csv", index=False)
    lines = pd.read_csv(tampered / "lines.csv", dtype=str, keep_default_na=False)
    lines.loc[(lines["order"] == "S") & (lines["line"] == "1"), "allocated"] = "15"
    lines.to_csv(tampered / "lines.csv", index=False)
    result = invoke("check", scenario, tampered)
    assert result.exit_code == 1
    assert "lot_capacity" in result.stderr
    assert "lot A1" in unwrapped(result.stderr)


def test_check_rejects_a_result_missing_a_file(solved: tuple[Path, Path], tmp_path: Path) -> None:
    """`planner check` exits 1 when the result folder lacks allocations.csv."""
    scenario, out = solved
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "lines.csv").write_bytes((out / "lines.csv").read_bytes())
    result = invoke("check", scenario, partial)
    assert result.exit_code == 1
    assert "allocations.csv" in unwrapped(result.stderr)


def test_solve_is_deterministic(tmp_path: Path) -> None:
    """Two `planner solve` runs of one scenario write byte-identical allocations, lines and items."""
    scenario = write_scenario(tmp_path / "scenario")
    first, second = tmp_path / "first", tmp_path / "second"
    assert invoke("solve", scenario, "--out", first).exit_code == 0
    assert invoke("solve", scenario, "--out", second).exit_code == 0
    for name in ("allocations.csv", "lines.csv", "items.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


TIES: dict[str, str | None] = {
    "items.csv": """\
        item,safety_stock,pack_size
        X,2,
        Y,,2
        Z,,
        K,,
        """,
    "lots.csv": """\
        lot,item,warehouse,owner,quantity
        X4,X,W2,,3
        X1,X,W1,,3
        X3,X,W2,,3
        X2,X,W1,,3
        Z1,Z,W1,,5
        Y2,Y,W1,,9
        Y1,Y,W1,,9
        """,
    "orders.csv": """\
        order,priority
        O4,5
        O1,5
        O3,5
        O2,5
        """,
    "lines.csv": """\
        order,line,item,quantity,ship_date
        O4,1,X,4,2026-12-01
        O1,1,X,4,2026-12-01
        O3,1,X,4,2026-12-01
        O2,1,X,4,2026-12-01
        O2,2,K,3,2026-12-01
        O1,2,Y,5,2026-12-01
        O3,2,Y,5,2026-12-01
        """,
    "kits.csv": """\
        kit,component,quantity
        K,X,1
        K,Y,2
        """,
    "alternates.csv": """\
        item,alternate,rank
        X,Z,1
        """,
    "reservations.csv": None,
}
"""A scenario full of ties: one tier, identical lots, competing lines, a kit, pack sizes, safety stock."""


def test_solve_is_deterministic_across_processes(tmp_path: Path) -> None:
    """`planner solve` run in two processes with different hash seeds writes byte-identical
    allocations, lines and items for a scenario full of ties (SPEC 5.3)."""
    exe = Path(sys.executable).parent / "planner"
    if not exe.exists():
        pytest.skip("console script not installed")
    scenario = write_scenario(tmp_path / "scenario", TIES)
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [exe, "solve", scenario, "--out", out, "--quiet"], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr
        outs.append(out)
    for name in ("allocations.csv", "lines.csv", "items.csv"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_resolve_replaces_the_out_folder(tmp_path: Path) -> None:
    """Re-solving into an existing --out folder replaces it completely: stray files are gone."""
    scenario = write_scenario(tmp_path / "scenario")
    out = tmp_path / "out"
    assert invoke("solve", scenario, "--out", out).exit_code == 0
    (out / "stray.txt").write_text("left from before", encoding="utf-8")
    (out / "lines.csv").write_text("garbage\n", encoding="utf-8")
    assert invoke("solve", scenario, "--out", out).exit_code == 0
    assert {p.name for p in out.iterdir()} == OUTPUTS
    assert read_allocations(out) == EXPECTED_ALLOCATIONS
    assert pd.read_csv(out / "lines.csv").columns[0] == "order"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "scenario"]


def test_greedy_solver_option(tmp_path: Path) -> None:
    """`--solver greedy` writes the ERP-style plan: S/1 takes CA (preferred) so S/2 gets only its
    reservation, a plan `planner check` still accepts as keeping every restriction."""
    scenario = write_scenario(tmp_path / "scenario")
    out = tmp_path / "out"
    assert invoke("solve", scenario, "--out", out, "--solver", "greedy").exit_code == 0
    rows = [r for r in read_allocations(out) if r[0] == "S"]
    assert rows == [
        ("S", "1", "X", "A1", 3, "optimizer"),
        ("S", "1", "X", "A2", 7, "optimizer"),
        ("S", "2", "X", "A2", 3, "reservation"),
    ]
    assert invoke("check", scenario, out).exit_code == 0


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The installed `planner` script: solve exits 0 and writes the result files; bad input exits 2
    with the error on stderr."""
    exe = Path(sys.executable).parent / "planner"
    if not exe.exists():
        pytest.skip("console script not installed")
    good = write_scenario(tmp_path / "good")
    out = tmp_path / "out"
    done = subprocess.run([exe, "solve", good, "--out", out, "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == OUTPUTS
    bad = write_scenario(tmp_path / "bad", {"orders.csv": "order,priority\nS,11\nP,\n"})
    done = subprocess.run([exe, "solve", bad, "--out", tmp_path / "out2"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "orders.csv, row 2, column priority" in done.stderr
    assert not (tmp_path / "out2").exists()


def test_short_help_and_version_flags_and_exit_codes_in_help() -> None:
    """-h is --help (on the group and on a command), -V is --version, and --help documents the exit codes."""
    result = invoke("-h")
    assert result.exit_code == 0
    assert "Exit codes" in unwrapped(result.output)
    assert invoke("solve", "-h").exit_code == 0
    version = invoke("-V")
    assert version.exit_code == 0
    assert "version" in version.output


def test_bad_due_and_company_exit_2_naming_file_row_and_column(tmp_path: Path) -> None:
    """A due that is no date and a company that is no owner name are input errors: exit 2, each named
    by file, row and column, and nothing is written."""
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "scenario.toml").write_text('today = "2026-11-20"\ncompany = "*"\n', encoding="utf-8")
    (folder / "items.csv").write_text("item\nX\n", encoding="utf-8")
    (folder / "lots.csv").write_text(
        "lot,item,warehouse,quantity,due\nL1,X,W,5,2026-13-01\n", encoding="utf-8"
    )
    (folder / "orders.csv").write_text("order\nO\n", encoding="utf-8")
    (folder / "lines.csv").write_text(
        "order,line,item,quantity,ship_date\nO,1,X,5,2026-12-01\n", encoding="utf-8"
    )
    result = invoke("solve", folder, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "lots.csv, row 2, column due: '2026-13-01' is not a date" in result.output
    assert "scenario.toml" in result.output
    assert "company" in result.output
    assert not (tmp_path / "out").exists()
