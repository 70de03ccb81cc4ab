"""A stand-in InvenTree server on loopback for the tests: it answers what a real server answered.

Reads replay `../shared/realdata/inventree-api-recorded/` (each list as recorded, whole; with
`limit`/`offset` in the envelope `{count, next, previous, results}` that `company-paginated.json`
shows, sliced from the same list; `?field=value` filters and `<list>/<pk>/` as the recorded
follow-ups use them). Writes follow the recorded exchanges: an allocation of more than a stock
item's quantity less all its allocations is refused with the recorded 400 body; a trackable build
line without `output` is refused (after the quantity check, as the server does); otherwise 201,
echoing the items with quantities as 5-decimal strings, adding to a build item of the same line,
stock item and output or creating the next pk; a shipment is created with the next pk. What the
recordings do not show is not modelled: an allocation naming an output is accepted as given.

Every request is validated against InvenTree's OpenAPI schema (`api-534.yaml`, with openapi-core)
and kept, so a test can assert that none was invalid.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
RECORDED = REALDATA / "inventree-api-recorded"
SCHEMA = REALDATA / "inventree-api-schema" / "api-534.yaml"
TOKEN = "replay-token"
SCHEMA_HOST = "http://localhost:8000"
"""The schema's server; requests are validated as if sent there (path, query, headers, body)."""

WRITES = (
    "build-allocate",
    "build-allocate-over",
    "build-allocate-trackable-no-output",
    "so-shipment-create",
    "so-allocate",
    "so-allocate-over-exhausted",
    "so-allocate-over",
    "build-allocate-over-line",
)
"""The recorded writes, in the order they were made on one database."""


def recorded(name: str) -> Any:
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _openapi() -> Any:
    from openapi_core import Config, OpenAPI

    # The schema as served fails strict checking of the schema itself (a default outside its enum).
    return OpenAPI.from_file_path(str(SCHEMA), config=Config(spec_validator_cls=None))


def schema_problem(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> str:
    """Why InvenTree's schema rejects the request ("" when it accepts it)."""
    import warnings

    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        method=method,
        base_url=SCHEMA_HOST,
        path=path,
        query_string=query,
        headers=list(headers.items()),
        data=body,
        content_type=headers.get("Content-Type"),
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # schemes openapi-core does not know (oauth2)
            _openapi().validate_request(WerkzeugOpenAPIRequest(builder.get_request()))
    except Exception as exc:
        return f"{method} {path}?{query}: {exc}"
    return ""


def number(value: Decimal) -> str:
    """A quantity as the server's messages give it: 110, 0, 2.5."""
    return format(value.normalize(), "f") if value else "0"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str


@dataclass
class Replay:
    """The server's state: the recorded lists, and what the writes since changed."""

    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    root: Any = None
    me: Any = None
    seen: list[Seen] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    base: str = ""
    line_allocated: dict[tuple[str, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    stock_allocated: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @classmethod
    def load(cls) -> Replay:
        replay = cls(root=recorded("api-root")["pages"][0], me=recorded("user-me")["response"])
        for file in sorted(RECORDED.glob("*.json")):
            data = json.loads(file.read_text(encoding="utf-8"))
            request = data["request"]
            if request["method"] == "GET" and not request["query"] and isinstance(data.get("pages"), list):
                page = data["pages"][0]
                if isinstance(page, list):
                    replay.lists[request["path"]] = page
        return replay

    # --- reads ---

    def get(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        if path == "/api/":
            return 200, self.root
        if path == "/api/user/me/":
            return 200, self.me
        if path in self.lists:
            return 200, self.page(path, query)
        head, _, tail = path.rstrip("/").rpartition("/")
        if f"{head}/" in self.lists and tail.isdigit():
            for record in self.lists[f"{head}/"]:
                if record["pk"] == int(tail):
                    return 200, self.current(f"{head}/", record)
        return 404, {"detail": "Not found."}

    def current(self, path: str, record: dict[str, Any]) -> dict[str, Any]:
        """The record with the allocations made since the recording."""
        if path in ("/api/build/line/", "/api/order/so-line/"):
            delta = self.line_allocated.get((path, record["pk"]), Decimal(0))
            return record | {"allocated": float(Decimal(str(record["allocated"])) + delta)}
        if path == "/api/stock/":
            delta = self.stock_allocated.get(record["pk"], Decimal(0))
            return record | {"allocated": float(Decimal(str(record["allocated"])) + delta)}
        return record

    def page(self, path: str, query: dict[str, str]) -> Any:
        filters = {k: v for k, v in query.items() if k not in ("limit", "offset", "format")}
        records = [
            self.current(path, r)
            for r in self.lists[path]
            if all(str(r.get(k)) == v for k, v in filters.items())
        ]
        if "limit" not in query:
            return records
        limit, offset = int(query["limit"]), int(query.get("offset", 0))
        return {
            "count": len(records),
            "next": self.link(path, limit, offset + limit) if offset + limit < len(records) else None,
            "previous": self.link(path, limit, offset - limit) if offset > 0 else None,
            "results": records[offset : offset + limit],
        }

    def link(self, path: str, limit: int, offset: int) -> str:
        return f"{self.base}{path}?limit={limit}" + (f"&offset={offset}" if offset > 0 else "")

    # --- writes ---

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if path == "/api/order/so/shipment/":
            return self.new_shipment(body)
        if parts[:2] == ["api", "build"] and parts[3:] == ["allocate"]:
            return self.allocate(int(parts[2]), body, build=True)
        if parts[:3] == ["api", "order", "so"] and parts[4:] == ["allocate"]:
            return self.allocate(int(parts[3]), body, build=False)
        return 405, {"detail": f'Method "POST" not allowed at {path}.'}

    def record(self, path: str, pk: int) -> dict[str, Any]:
        return next(self.current(path, r) for r in self.lists[path] if r["pk"] == pk)

    def available(self, stock_pk: int) -> Decimal:
        stock = self.record("/api/stock/", stock_pk)
        return Decimal(str(stock["quantity"])) - Decimal(str(stock["allocated"]))

    def allocate(self, order: int, body: Any, build: bool) -> tuple[int, Any]:
        assert len(body["items"]) == 1, "the recordings show one item per request"
        item = body["items"][0]
        quantity, stock_pk = Decimal(item["quantity"]), item["stock_item"]
        if quantity > self.available(stock_pk):
            message = f"Available quantity ({number(self.available(stock_pk))}) exceeded"
            return 400, {"items": [{"quantity": [message]}]}
        key = "build_line" if build else "line_item"
        lines = "/api/build/line/" if build else "/api/order/so-line/"
        line = self.record(lines, item[key])
        output = item.get("output")
        if build and line["trackable"] and output is None:
            message = "Build output must be specified for allocation of tracked parts"
            return 400, {"items": [{"output": [message]}]}
        self.line_allocated[(lines, line["pk"])] += quantity
        self.stock_allocated[stock_pk] += quantity
        echo = {key: item[key], "stock_item": stock_pk, "quantity": f"{quantity:.5f}"}
        if build:
            self.add_build_item(order, line, stock_pk, quantity, output)
            return 201, {"items": [echo | {"output": output}]}
        self.add_sales_allocation(order, line, stock_pk, quantity, body.get("shipment"))
        return 201, {"items": [echo], "shipment": body.get("shipment")}

    def add_build_item(
        self, build: int, line: dict[str, Any], stock_pk: int, quantity: Decimal, output: int | None
    ) -> None:
        items = self.lists["/api/build/item/"]
        for existing in items:
            if (existing["build_line"], existing["stock_item"], existing["install_into"]) == (
                line["pk"],
                stock_pk,
                output,
            ):
                existing["quantity"] = float(Decimal(str(existing["quantity"])) + quantity)
                return
        stock = self.record("/api/stock/", stock_pk)
        items.append(
            {
                "pk": max(r["pk"] for r in items) + 1,
                "build": build,
                "build_line": line["pk"],
                "install_into": output,
                "stock_item": stock_pk,
                "quantity": float(quantity),
                "location": stock["location"],
                "bom_reference": line["reference"],
            }
        )

    def add_sales_allocation(
        self, order: int, line: dict[str, Any], stock_pk: int, quantity: Decimal, shipment: int | None
    ) -> None:
        allocations = self.lists["/api/order/so-allocation/"]
        stock = self.record("/api/stock/", stock_pk)
        allocations.append(
            {
                "pk": max(r["pk"] for r in allocations) + 1,
                "item": stock_pk,
                "quantity": float(quantity),
                "shipment": shipment,
                "line": line["pk"],
                "part": stock["part"],
                "order": order,
                "serial": stock["serial"],
                "location": stock["location"],
            }
        )

    def new_shipment(self, body: Any) -> tuple[int, Any]:
        shipments = self.lists["/api/order/so/shipment/"]
        template = recorded("so-shipment-create")["response"]
        shipment = {k: v for k, v in template.items() if not k.endswith("_detail") or v is None}
        shipment |= {"pk": max(r["pk"] for r in shipments) + 1, "order": body["order"]}
        shipment |= {"reference": body["reference"]}
        shipments.append(shipment)
        if body["order"] == template["order"]:
            shipment = template | {"pk": shipment["pk"], "reference": body["reference"]}
        return 201, shipment


class _Handler(BaseHTTPRequestHandler):
    replay: Replay
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")}
        with self.lock:
            problem = schema_problem(method, url.path, url.query, headers, raw)
            if problem:
                self.replay.invalid.append(problem)
            body = json.loads(raw) if raw else None
            auth = self.headers.get("Authorization", "")
            self.replay.seen.append(Seen(method, url.path, query, body, auth))
            if url.path != "/api/" and auth != f"Token {TOKEN}":
                status, answer = 401, {"detail": "Authentication credentials were not provided."}
            elif method == "GET":
                status, answer = self.replay.get(url.path, query)
            else:
                status, answer = self.replay.post(url.path, body)
        text = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)


class Server:
    """The replay served on 127.0.0.1 (a free port) from a thread; `stop()` shuts it down."""

    def __init__(self) -> None:
        self.replay = Replay.load()
        handler = type("Handler", (_Handler,), {"replay": self.replay})
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.replay.base = self.url
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()
