"""`planner export inventree`: the plan of a scenario imported from InvenTree posted back as InvenTree
allocations, against the stand-in of the recorded real server (tests/planner/io/inventree_replay.py),
read back through the official client.

The recordings and the schema are read from ../shared/realdata (beside the repo); skipped if missing.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from models.loading import load_scenario
from planner.cli import main
from planner.io.exporters.inventree import export, read_state
from planner.io.exporters.post import REQUESTS_FILE, SENT_LOG
from planner.io.importers.inventree import server as client
from planner.io.importers.inventree.units import factor_of
from tests.planner.io.inventree_replay import RECORDED, SCHEMA, TOKEN, Server, schema_problem

pytestmark = pytest.mark.skipif(
    not (RECORDED.is_dir() and SCHEMA.is_file()),
    reason="InvenTree recordings or schema not found in shared/realdata beside the repo",
)


TODAY = ("--today", "2024-03-19")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `scenario` (imported from the stand-in server) and `plan` (its solved plan)."""
    root = tmp_path_factory.mktemp("round-trip")
    running = Server()
    try:
        runner = CliRunner()
        done = runner.invoke(
            main,
            [
                "import",
                "inventree",
                "--url",
                running.url,
                "--token",
                TOKEN,
                *TODAY,
                "--out",
                str(root / "scenario"),
            ],
        )
        assert done.exit_code == 0, done.output
    finally:
        running.stop()
    done = runner.invoke(main, ["solve", str(root / "scenario"), "--out", str(root / "plan")])
    assert done.exit_code == 0, done.output
    return root


@pytest.fixture
def work(planned: Path, tmp_path: Path) -> Path:
    """A copy of the planned folders (an export writes its requests file into the plan's)."""
    shutil.copytree(planned, tmp_path / "w")
    return tmp_path / "w"


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def run_export(server: Server, work: Path, *more: str) -> Result:
    arguments = ["export", "inventree", str(work / "scenario"), str(work / "plan"), "--url", server.url]
    return CliRunner().invoke(main, [*arguments, "--token", TOKEN, *more])


def posts(server: Server) -> list[Any]:
    return [s for s in server.replay.seen if s.method == "POST"]


def planned_quantities(work: Path) -> dict[tuple[str, str, int], Decimal]:
    """The plan's allocations from InvenTree stock items in InvenTree's units: (order, line, stock pk)
    -> quantity, worked out from the scenario's lots and units and allocations.csv."""
    scenario = load_scenario(work / "scenario")
    lots = {lot.lot: lot for lot in scenario.lots}
    units = {i.item: i.unit for i in scenario.items}
    rows = pd.read_csv(work / "plan" / "allocations.csv", dtype=str, keep_default_na=False)
    found: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for row in rows.to_dict("records"):
        lot = lots.get(str(row["lot"]))
        if lot is not None and lot.source_id:
            assert row["source_id"] == lot.source_id
            key = (str(row["order"]), str(row["line"]), int(lot.source_id))
            found[key] += Decimal(int(str(row["quantity"]))) / factor_of(units[lot.item])
    return found


def test_dry_run_lists_every_request_valid_for_the_schema_and_sends_nothing(
    server: Server, work: Path
) -> None:
    """Without --apply: every request is printed and written to the requests file, each valid for
    InvenTree's schema as it would be sent; nothing is posted, only GETs are made; the same run
    again writes the same file and prints the same."""
    done = run_export(server, work)
    assert done.exit_code == 0, done.output
    assert posts(server) == []
    written = json.loads((work / "plan" / REQUESTS_FILE).read_text())
    assert not (work / "plan" / SENT_LOG).exists()
    requests = written["requests"]
    assert (len(requests), len(written["not_sent"])) == (293, 85)  # as docs/imports.md says
    for request in requests:
        assert f"POST {request['path']} " in done.output
        problem = schema_problem(
            "POST",
            request["path"],
            "format=json",
            {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
            json.dumps(request["body"]).encode(),
        )
        assert problem == ""
    again = run_export(server, work)
    assert (work / "plan" / REQUESTS_FILE).read_text() == json.dumps(written, indent=1) + "\n"
    assert again.output == done.output


def test_apply_posts_the_plan_in_inventree_units_and_sends_nothing_twice(server: Server, work: Path) -> None:
    """With --apply every request is valid and accepted; read back through the client, the new
    build items and sales allocations are the plan's allocations from stock items, by stock-item pk,
    in InvenTree's units (decimal litres and metres where the scenario counts smaller units), less
    those not sendable (trackable lines without build outputs). Applying again sends nothing."""
    from inventree.api import InvenTreeAPI
    from inventree.build import BuildItem
    from inventree.sales_order import SalesOrderAllocation

    before_build = {r["pk"] for r in server.replay.lists["/api/build/item/"]}
    before_sales = {r["pk"] for r in server.replay.lists["/api/order/so-allocation/"]}
    dry = run_export(server, work)
    assert dry.exit_code == 0, dry.output
    written = json.loads((work / "plan" / REQUESTS_FILE).read_text())
    done = run_export(server, work, "--apply")
    assert done.exit_code == 0, done.output
    assert server.replay.invalid == []
    log = sent_log(work)
    assert [e["body"] for e in log if e["event"] == "sent"] == [p.body for p in posts(server)]
    assert len(posts(server)) == len(written["requests"])

    api = InvenTreeAPI(server.url, token=TOKEN)
    posted: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    builds = {r["pk"]: r["reference"] for r in server.replay.lists["/api/build/"]}
    sales = {r["pk"]: r["reference"] for r in server.replay.lists["/api/order/so/"]}
    for item in BuildItem.list(api, limit=10000):
        if item.pk not in before_build:
            posted[(builds[item["build"]], str(item["build_line"]), item["stock_item"])] += Decimal(
                str(item["quantity"])
            )
    for allocation in SalesOrderAllocation.list(api, limit=10000):
        if allocation.pk not in before_sales:
            key = (sales[allocation["order"]], str(allocation["line"]), allocation["item"])
            posted[key] += Decimal(str(allocation["quantity"]))
    expected = planned_quantities(work)
    trackable = [
        re.match(r"(\S+)/(\S+): \S+ of stock item (\d+): its part is trackable", n)
        for n in written["not_sent"]
    ]
    not_sent = {(m[1], m[2], int(m[3])) for m in trackable if m}
    assert not_sent
    assert posted == {k: v for k, v in expected.items() if k not in not_sent}
    assert any(q != q.to_integral_value() for q in posted.values())  # paint in litres, wire in metres

    seen = len(server.replay.seen)
    again = run_export(server, work, "--apply")
    assert again.exit_code == 0, again.output
    assert [s for s in server.replay.seen[seen:] if s.method == "POST"] == []
    assert json.loads((work / "plan" / REQUESTS_FILE).read_text()) == written  # the dry run's, as it was


def test_every_apply_appends_what_it_sent_and_the_dry_run_stays(server: Server, work: Path) -> None:
    """A dry run writes the requests file; `--apply` leaves it as it is and appends, to the sent log,
    a line when it starts (what it works out), one per request sent (when, where, the body and
    InvenTree's answer) and one when it ends; a second apply appends after the first's lines, which
    stay byte for byte. The requests worked out by the dry run are those the first apply sends."""
    assert run_export(server, work).exit_code == 0
    requests_text = (work / "plan" / REQUESTS_FILE).read_text()
    planned = json.loads(requests_text)["requests"]
    assert run_export(server, work, "--apply").exit_code == 0
    first = (work / "plan" / SENT_LOG).read_text()
    log = sent_log(work)
    assert [e["event"] for e in log] == ["apply", *["sent"] * len(planned), "done"]
    assert log[0]["requests"] == len(planned)
    sent = [e for e in log if e["event"] == "sent"]
    assert [{k: e[k] for k in ("path", "what")} for e in sent] == [
        {k: r[k] for k in ("path", "what")} for r in planned
    ]
    assert all(isinstance(e["answer"], dict) for e in sent)
    assert {e["server"] for e in log} == {json.loads(requests_text)["server"]}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["at"]) for e in log)
    assert run_export(server, work, "--apply").exit_code == 0
    after = (work / "plan" / SENT_LOG).read_text()
    assert after.startswith(first)
    assert [e["event"] for e in sent_log(work)[len(log) :]] == ["apply", "done"]
    assert (work / "plan" / REQUESTS_FILE).read_text() == requests_text


def test_a_result_folder_with_a_sent_log_is_not_solved_over_unless_forced(server: Server, work: Path) -> None:
    """Once a plan was posted, its folder holds the record of what InvenTree was sent: solving into it
    again is refused (exit 2, the log untouched) until --force."""
    assert run_export(server, work, "--apply").exit_code == 0
    log = (work / "plan" / SENT_LOG).read_bytes()
    again = CliRunner().invoke(main, ["solve", str(work / "scenario"), "--out", str(work / "plan")])
    assert again.exit_code == 2
    assert SENT_LOG in again.output
    assert (work / "plan" / SENT_LOG).read_bytes() == log
    forced = ["solve", str(work / "scenario"), "--out", str(work / "plan"), "--force"]
    assert CliRunner().invoke(main, forced).exit_code == 0


def test_files_the_planner_did_not_write_are_never_replaced(server: Server, work: Path) -> None:
    """A requests file or a sent log that is not the planner's (someone's notes under that name) is
    refused, exit 2, untouched and before anything is posted."""
    notes = work / "plan" / REQUESTS_FILE
    notes.write_text("my notes\n")
    done = run_export(server, work)
    assert done.exit_code == 2
    assert REQUESTS_FILE in done.output
    assert notes.read_text() == "my notes\n"
    notes.unlink()
    log = work / "plan" / SENT_LOG
    log.write_text("my notes\n")
    done = run_export(server, work, "--apply")
    assert done.exit_code == 2
    assert SENT_LOG in done.output
    assert log.read_text() == "my notes\n"
    assert posts(server) == []


def test_a_refused_request_stops_the_run_and_says_what_was_made(server: Server, work: Path) -> None:
    """When InvenTree refuses a request (here: its stock item was used up since the plan, so the real
    server's 400 'Available quantity (0) exceeded'), the run stops there, exit 1, naming the request,
    the answer and the allocations made before it; a run after that sends only the rest."""
    requests = export(load_scenario(work / "scenario"), allocations(work), read_state(connect(server)))
    target = requests.requests[10].body["items"][0]["stock_item"]
    stock = next(r for r in server.replay.lists["/api/stock/"] if r["pk"] == target)
    stock["quantity"] = stock["allocated"]  # used up in InvenTree since the plan
    done = run_export(server, work, "--apply")
    assert done.exit_code == 1
    assert "Available quantity (0) exceeded" in done.output
    assert "made before it (10)" in done.output
    assert f"{SENT_LOG}" in done.output
    assert "nothing was written" not in done.output
    log = sent_log(work)
    assert [e["event"] for e in log] == ["apply", *["sent"] * 10, "refused"]
    assert [e["what"] for e in log[1:11]] == [r.what for r in requests.requests[:10]]
    assert "Available quantity (0) exceeded" in log[-1]["problem"]
    assert log[-1]["what"] == requests.requests[10].what
    assert len(posts(server)) == 11
    stock["quantity"] = stock["allocated"] + 10**6  # restocked
    again = run_export(server, work, "--apply")
    assert again.exit_code == 0, again.output
    assert len(posts(server)) == 11 + len(requests.requests) - 10


def test_trackable_line_is_allocated_per_build_output(server: Server, work: Path) -> None:
    """A planned allocation to a trackable build line goes to the build's outputs in production,
    each output given at most the BOM quantity per unit times its quantity less what it holds, the
    rest not sent; the server then accepts them (valid for the schema)."""
    state = read_state(connect(server))
    scenario = load_scenario(work / "scenario")
    line = next(x for x in scenario.lines if x.order == "BO0001" and x.line == "1")
    lot = max(
        (lot for lot in scenario.lots if lot.source_id and lot.item == line.item), key=lambda x: x.allocable
    )
    quantity = min(line.quantity, lot.allocable)
    rows = pd.DataFrame([{"order": "BO0001", "line": "1", "lot": lot.lot, "quantity": str(quantity)}])
    done = export(scenario, rows, state)
    outputs = {s["pk"]: s for s in state["stock"].values() if s["build"] == 1 and s["is_building"]}
    per_unit = Decimal(str(state["bom"][state["build_lines"][1]["bom_item"]]["quantity"]))
    held: dict[int, Decimal] = defaultdict(Decimal)
    for b in state["build_items"].values():
        if b["build_line"] == 1 and b["install_into"] is not None:
            held[b["install_into"]] += Decimal(str(b["quantity"]))
    given = [r.body["items"][0] for r in done.requests]
    assert given, "some output has room"
    for item in given:
        assert item["output"] in outputs
        assert (
            Decimal(item["quantity"])
            <= per_unit * Decimal(str(outputs[item["output"]]["quantity"])) - held[item["output"]]
        )
    room = sum(per_unit * Decimal(str(o["quantity"])) - held[pk] for pk, o in outputs.items())
    sent = sum(Decimal(item["quantity"]) for item in given)
    assert sent == min(Decimal(quantity), room)
    assert (sent < quantity) == bool(done.not_sent)
    api = connect(server)
    for request in done.requests:
        api.post(request.path, request.body)
    assert server.replay.invalid == []


def test_a_plan_failing_the_checker_is_refused(server: Server, work: Path) -> None:
    """A plan whose allocations.csv names a stock item its lot does not have is refused, exit 2,
    before the server is asked anything."""
    path = work / "plan" / "allocations.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows.loc[rows["source_id"] != "", "source_id"] = "1"
    rows.to_csv(path, index=False)
    done = run_export(server, work)
    assert done.exit_code == 2
    assert "source_id" in done.output
    assert server.replay.seen == []


def sent_log(work: Path) -> list[dict[str, Any]]:
    """The sent log's entries, one JSON object a line."""
    return [json.loads(line) for line in (work / "plan" / SENT_LOG).read_text().splitlines()]


def connect(server: Server) -> Any:
    return client.connect(server.url, TOKEN)


def allocations(work: Path) -> pd.DataFrame:
    return pd.read_csv(work / "plan" / "allocations.csv", dtype=str, keep_default_na=False)
