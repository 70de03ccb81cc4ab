"""Reading a live InvenTree server: the stand-in server answers as the recorded real one did, the
import through the official client reads it with requests valid for InvenTree's schema, and it gives
the fixture import's scenario except where the server's lists do not carry the data.

The recordings and the schema are read from ../shared/realdata (beside the repo); skipped if missing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from planner.cli import main
from planner.io.importers import import_inventree, import_inventree_server, write_import
from tests.planner.io.inventree_replay import RECORDED, SCHEMA, TOKEN, WRITES, Replay, Server, recorded

FIXTURE = RECORDED.parent / "inventree-demo-dataset" / "inventree_data.json"
TODAY = date(2024, 3, 19)

pytestmark = pytest.mark.skipif(
    not (RECORDED.is_dir() and SCHEMA.is_file() and FIXTURE.is_file()),
    reason="InvenTree recordings, schema or demo dataset not found in shared/realdata beside the repo",
)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def test_replay_answers_the_recorded_writes_as_the_real_server() -> None:
    """Each recorded write, sent in the recorded order, gets the recorded status and body, and the
    recorded follow-up lists of allocations read back the same records (the stand-in is faithful)."""
    running = Server()
    try:
        auth = {"Authorization": f"Token {TOKEN}"}
        for name in WRITES:
            exchange = recorded(name)
            request = exchange["request"]
            answer = requests.post(
                running.url + request["path"], params=request["query"], json=request["body"], headers=auth
            )
            assert (answer.status_code, answer.json()) == (exchange["status"], exchange["response"]), name
            for follow in exchange["followup"]:
                path, query = follow["request"]["path"], follow["request"]["query"]
                if path in ("/api/build/item/", "/api/order/so-allocation/"):
                    got = requests.get(running.url + path, params=query, headers=auth).json()
                    drop = "shipment_detail"
                    expected = [{k: v for k, v in r.items() if k != drop} for r in follow["response"]]
                    assert [{k: v for k, v in r.items() if k != drop} for r in got] == expected, name
                elif path.startswith(("/api/build/line/", "/api/order/so-line/", "/api/stock/")):
                    got = requests.get(running.url + path, headers=auth).json()
                    assert got["allocated"] == follow["response"]["allocated"], (name, path)
    finally:
        running.stop()


def test_replay_pages_a_list_as_the_recorded_pages() -> None:
    """A list read with limit and offset gives the recorded envelope and pages (company-paginated)."""
    replay = Replay.load()
    replay.base = "http://127.0.0.1:8000"
    exchange = recorded("company-paginated")
    pages = [replay.page("/api/company/", p["query"]) for p in exchange["page_requests"]]
    assert pages == exchange["pages"]


def folder_text(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Each CSV table of a scenario folder as rows of text cells."""
    return {
        p.name: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8"))))
        for p in sorted(folder.glob("*.csv"))
    }


def test_server_import_equals_the_fixture_import_but_where_the_lists_lack_data(
    server: Server, tmp_path: Path
) -> None:
    """Imported from the server (the same demo data, as InvenTree 1.4 serves it) the scenario's tables
    are the fixture import's, cell for cell, except exactly: no received dates (no stock history is
    read), the open purchase lines in packs (PO0012's 3 x 100 m and 5 x 500 m) counted in packs (no
    supplier parts are read), and the one BOM substitute (none read). Every request is valid for
    InvenTree's schema and carries the token."""
    live = import_inventree_server(server.url, TOKEN, TODAY)
    write_import(live, tmp_path / "live", "demo")
    write_import(import_inventree(FIXTURE, TODAY), tmp_path / "fixture", "demo")
    assert server.replay.invalid == []
    assert {s.authorization for s in server.replay.seen if s.path != "/api/"} == {f"Token {TOKEN}"}
    assert all(s.method == "GET" for s in server.replay.seen)
    ours, theirs = folder_text(tmp_path / "live"), folder_text(tmp_path / "fixture")
    assert ours.keys() == theirs.keys()
    for name in ours.keys() - {"lots.csv", "alternates.csv"}:
        assert ours[name] == theirs[name], name
    lots, fixture_lots = ours["lots.csv"], theirs["lots.csv"]
    assert [r["lot"] for r in lots] == [r["lot"] for r in fixture_lots]
    assert all(r["received"] == "" for r in lots)
    differ = {
        r["lot"]: (f["quantity"], r["quantity"])
        for r, f in zip(lots, fixture_lots)
        if {**r, "received": ""} != {**f, "received": ""}
    }
    assert differ == {"PO0012/30": ("300", "3"), "PO0012/31": ("250000", "500")}
    missing = [r for r in theirs["alternates.csv"] if r not in ours["alternates.csv"]]
    assert [(r["item"], r["alternate"], r["rank"]) for r in missing] == [("MAX232IDR", "MCP2561SN", "2")]
    assert len(ours["alternates.csv"]) == len(theirs["alternates.csv"]) - 1
    assert live.report["assumed.lots_to_come.pack_quantity_unknown_1"] == 10


def test_cli_imports_from_url_or_environment_and_refuses_both_sources(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`planner import inventree --url --token` writes the folder; INVENTREE_API_HOST and
    INVENTREE_API_TOKEN do the same; a FIXTURE with --url, or neither, is a usage error (exit 2);
    an unreachable server or a wrong token is exit 2, naming the server, nothing written, no token
    printed."""
    runner = CliRunner()
    done = runner.invoke(
        main, ["import", "inventree", "--url", server.url, "--token", TOKEN, "--out", str(tmp_path / "a")]
    )
    assert done.exit_code == 0, done.output
    assert (tmp_path / "a" / "lots.csv").is_file()
    monkeypatch.setenv("INVENTREE_API_HOST", server.url)
    monkeypatch.setenv("INVENTREE_API_TOKEN", TOKEN)
    done = runner.invoke(main, ["import", "inventree", "--out", str(tmp_path / "b")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "a" / "lots.csv").read_text() == (tmp_path / "b" / "lots.csv").read_text()
    done = runner.invoke(main, ["import", "inventree", str(FIXTURE), "--out", str(tmp_path / "c")])
    assert done.exit_code == 0, done.output  # the environment's server does not stand in the way
    both = runner.invoke(main, ["import", "inventree", str(FIXTURE), "--url", server.url, "--out", "x"])
    assert both.exit_code == 2
    monkeypatch.delenv("INVENTREE_API_HOST")
    neither = runner.invoke(main, ["import", "inventree", "--out", str(tmp_path / "d")])
    assert neither.exit_code == 2
    wrong = runner.invoke(
        main, ["import", "inventree", "--url", server.url, "--token", "nope", "--out", str(tmp_path / "e")]
    )
    assert wrong.exit_code == 2
    assert server.url.removeprefix("http://") in wrong.output
    assert "nope" not in wrong.output
    assert not (tmp_path / "e").exists()
