"""A plan as InvenTree allocations: the requests that post it, worked out against the server's state.

Each allocation of the plan from a lot with a `source_id` (an InvenTree stock item) becomes one
request, one item each as InvenTree's recorded exchanges send them: `POST /api/build/{id}/allocate/`
`{"items": [{"build_line", "stock_item", "quantity", "output"?}]}` for a line of a build order,
`POST /api/order/so/{id}/allocate/` `{"items": [{"line_item", "stock_item", "quantity"}],
"shipment"}` for a sales-order line. Quantities are in InvenTree's units (the scenario's divided by
the item's unit factor, `units.factor_of`) as the schema's decimal strings. A trackable build line
takes its stock per build output (InvenTree refuses it without one): the build's outputs in
production, in pk order, each up to the BOM quantity per unit times its quantity less what it holds.
A sales allocation goes to the order's first open shipment, or to one a request before it creates.

What InvenTree already holds is not sent again: per line, what was allocated to it since the import
(its open quantity then, from the scenario, less its open quantity now) counts as the plan's first
allocations to it, already made.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from models.records import Scenario
from planner.io.importers.inventree import server
from planner.io.importers.inventree.units import factor_of

READS = {
    "builds": "build/",
    "build_lines": "build/line/",
    "bom": "bom/",
    "build_items": "build/item/",
    "stock": "stock/",
    "sales": "order/so/",
    "sales_lines": "order/so-line/",
    "shipments": "order/so/shipment/",
}
"""The lists the export reads (under /api/), whole."""
SHIPMENT = "planner-{n}"
"""The reference of a shipment the export creates (the first n its order does not use)."""


@dataclass(frozen=True, slots=True)
class Request:
    """One request to send: method, path under /api/, body, and what it does in words."""

    path: str
    body: dict[str, Any]
    what: str
    shipment_from: int | None = None
    """For a sales allocation: the index of the request that creates its shipment (its body's
    `shipment` is that answer's pk)."""

    def shown(self) -> dict[str, Any]:
        """As the requests file and the dry run give it."""
        shown = {"method": "POST", "path": f"/api/{self.path}", "body": self.body, "what": self.what}
        return shown | ({"shipment_from": self.shipment_from} if self.shipment_from is not None else {})


@dataclass(slots=True)
class Export:
    """The requests that post a plan, and the allocations not sent, each with why."""

    requests: list[Request] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)
    already: int = 0
    """Allocations (or parts of them) InvenTree already holds."""


def read_state(api: Any) -> dict[str, dict[Any, Any]]:
    """The server's records the export needs, per READS name: builds and sales orders by reference,
    the others by pk."""
    state = {}
    for name, path in READS.items():
        records = server.read_list(api, path)
        key = "reference" if name in ("builds", "sales") else "pk"
        state[name] = {r[key]: r for r in records}
    return state


def export(scenario: Scenario, allocations: pd.DataFrame, state: dict[str, dict[Any, Any]]) -> Export:
    """The requests that post the plan `allocations` (allocations.csv as text cells) of `scenario`
    to a server in `state` (`read_state`)."""
    items = {i.item: i for i in scenario.items}
    lots = {lot.lot: lot for lot in scenario.lots}
    lines = {(x.order, x.line): x for x in scenario.lines}
    types = {o.order: o.type for o in scenario.orders}
    planned: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    done = Export()
    columns = (allocations[c].astype(str).tolist() for c in ("order", "line", "lot", "quantity"))
    for order, line, name, quantity in zip(*columns):
        lot = lots.get(name)
        if lot is None or not lot.source_id:
            if name:
                done.not_sent.append(f"{order}/{line}: lot {name} is no InvenTree stock item")
            continue
        factor = factor_of(items[lot.item].unit)
        planned[(order, line)][lot.source_id] += Decimal(int(quantity)) / factor
    outputs = _outputs(state)
    shipments: dict[Any, tuple[int | None, int | None]] = {}
    for (order, line), by_stock in planned.items():
        x = lines[(order, line)]
        open_then = Decimal(x.quantity) / factor_of(items[x.item].unit)
        if types.get(order) == "production":
            _build_line(done, state, outputs, order, line, by_stock, open_then)
        else:
            _sales_line(done, state, shipments, order, line, by_stock, open_then)
    return done


def _already(done: Export, by_stock: dict[str, Decimal], added: Decimal) -> list[tuple[int, Decimal]]:
    """The (stock item, quantity) still to send of a line's planned allocations, in order, the first
    `added` (allocated since the import) counted as made."""
    left = []
    for stock, quantity in by_stock.items():
        made = min(quantity, max(added, Decimal(0)))
        added -= made
        done.already += made > 0
        if quantity > made:
            left.append((int(stock), quantity - made))
    return left


def _build_line(
    done: Export,
    state: dict[str, dict[Any, Any]],
    outputs: dict[Any, list[dict[str, Any]]],
    order: str,
    line: str,
    by_stock: dict[str, Decimal],
    open_then: Decimal,
) -> None:
    build, record = state["builds"].get(order), state["build_lines"].get(_pk(line))
    if build is None or record is None or record["build"] != build["pk"]:
        done.not_sent.append(f"{order}/{line}: the server has no such build line")
        return
    open_now = _dec(record["quantity"]) - _dec(record["allocated"])
    path = f"build/{build['pk']}/allocate/"
    for stock, quantity in _already(done, by_stock, open_then - open_now):
        item = {"build_line": record["pk"], "stock_item": stock}
        if not record["trackable"]:
            done.requests.append(_request(path, item, quantity, f"{order} line {line}", stock))
            continue
        left = quantity
        per_unit = _dec(state["bom"][record["bom_item"]]["quantity"])
        for output in outputs.get(build["pk"], []):
            room = per_unit * _dec(output["quantity"]) - output["taken"][record["pk"]]
            part = min(left, max(room, Decimal(0)))
            if part > 0:
                output["taken"][record["pk"]] += part
                where = f"{order} line {line}, build output {output['pk']}"
                done.requests.append(_request(path, item | {"output": output["pk"]}, part, where, stock))
                left -= part
        if left > 0:
            done.not_sent.append(
                f"{order}/{line}: {_text(left)} of stock item {stock}: its part is trackable and no build"
                " output in production has room for it (create build outputs in InvenTree first)"
            )


def _sales_line(
    done: Export,
    state: dict[str, dict[Any, Any]],
    shipments: dict[Any, tuple[int | None, int | None]],
    order: str,
    line: str,
    by_stock: dict[str, Decimal],
    open_then: Decimal,
) -> None:
    sale, record = state["sales"].get(order), state["sales_lines"].get(_pk(line))
    if sale is None or record is None or record["order"] != sale["pk"]:
        done.not_sent.append(f"{order}/{line}: the server has no such sales-order line")
        return
    open_now = _dec(record["quantity"]) - _dec(record["shipped"]) - _dec(record["allocated"])
    for stock, quantity in _already(done, by_stock, open_then - open_now):
        if sale["pk"] not in shipments:
            shipments[sale["pk"]] = _shipment(done, state, sale)
        shipment, created = shipments[sale["pk"]]
        item = {"line_item": record["pk"], "stock_item": stock}
        request = _request(f"order/so/{sale['pk']}/allocate/", item, quantity, f"{order} line {line}", stock)
        done.requests.append(
            Request(request.path, request.body | {"shipment": shipment}, request.what, created)
        )


def _shipment(
    done: Export, state: dict[str, dict[Any, Any]], sale: dict[str, Any]
) -> tuple[int | None, int | None]:
    """The order's first open shipment (its pk, None); else (None, the index of the request this adds
    to create one)."""
    own = [s for pk, s in sorted(state["shipments"].items()) if s["order"] == sale["pk"]]
    for s in own:
        if not s.get("shipment_date"):
            return int(s["pk"]), None
    taken = {s["reference"] for s in own}
    reference = next(
        SHIPMENT.format(n=n) for n in range(1, len(own) + 2) if SHIPMENT.format(n=n) not in taken
    )
    done.requests.append(
        Request(
            "order/so/shipment/",
            {"order": sale["pk"], "reference": reference},
            f"new shipment {reference} of {sale['reference']}",
        )
    )
    return None, len(done.requests) - 1


def _outputs(state: dict[str, dict[Any, Any]]) -> dict[Any, list[dict[str, Any]]]:
    """Per build, its outputs in production (pk order) with what each holds per build line."""
    taken: dict[Any, dict[Any, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for b in state["build_items"].values():
        if b.get("install_into") is not None:
            taken[b["install_into"]][b["build_line"]] += _dec(b["quantity"])
    found: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for pk, s in sorted(state["stock"].items()):
        if s.get("is_building") and s.get("build") is not None:
            found[s["build"]].append(s | {"taken": taken[pk]})
    return found


def _request(path: str, item: dict[str, Any], quantity: Decimal, where: str, stock: int) -> Request:
    text = _text(quantity)
    return Request(path, {"items": [item | {"quantity": text}]}, f"{where}: {text} of stock item {stock}")


def _text(quantity: Decimal) -> str:
    """A quantity as InvenTree's schema wants it: a decimal string, no exponent, no trailing zeros."""
    return format(quantity.normalize(), "f")


def _dec(value: object) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _pk(line: str) -> int | None:
    return int(line) if line.isdigit() else None
