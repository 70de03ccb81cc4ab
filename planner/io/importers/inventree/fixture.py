"""Reading an InvenTree export: its records by model, its quantities, dates and part names, and the
status codes InvenTree gives stock items and orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.io.importers.records import (
    DATE,
    ID,
    INTEGER,
    NAMES,
    TEXT,
    Field,
    Record,
    Schema,
    check_records,
    fail,
    label,
    quantity,
    read_records,
    ref,
)
from planner.io.importers.result import ImportFailed, Tally

STOCK_AVAILABLE = (10, 50, 55)
"""OK, attention needed, damaged: the statuses InvenTree allocates from."""
STOCK_STATUS = {60: "destroyed", 65: "rejected", 70: "lost", 75: "quarantined", 85: "returned"}
BUILD_OPEN = (10, 20, 25)
"""Pending, production, on hold."""
SALES_OPEN = (10, 15, 25)
"""Pending, in progress, on hold."""
ON_HOLD = 25
PURCHASE_OPEN = (10, 20)

Fields = dict[str, Any]


@dataclass(slots=True)
class Fixture:
    """The fixture's records by model, each {pk: fields}."""

    models: dict[str, dict[Any, Fields]] = field(default_factory=lambda: defaultdict(dict))

    def __getitem__(self, model: str) -> dict[Any, Fields]:
        return self.models.get(model, {})


SCHEMA: Schema = {
    "part.part": {
        "IPN": TEXT,
        "name": TEXT,
        "revision": TEXT,
        "description": TEXT,
        "units": TEXT,
        "minimum_stock": quantity(),
        "variant_of": ref("part.part"),
    },
    "part.bomitem": {"sub_part": ref("part.part", required=True)},
    "part.bomitemsubstitute": {"bom_item": ref("part.bomitem"), "part": ref("part.part", required=True)},
    "stock.stocklocation": {"name": TEXT, "parent": ref("stock.stocklocation")},
    "stock.stockitem": {
        "part": ref("part.part", required=True),
        "quantity": quantity(required=True),
        "location": ref("stock.stocklocation"),
        "owner": ref("users.owner"),
        "batch": TEXT,
        "serial": TEXT,
        "expiry_date": DATE,
    },
    "stock.stockitemtracking": {"item": ref("stock.stockitem"), "date": DATE},
    "users.owner": {"owner_type": NAMES, "owner_id": ID},
    "auth.group": {"name": TEXT},
    "company.company": {"name": TEXT},
    "company.supplierpart": {"part": ref("part.part"), "pack_quantity_native": quantity(positive=True)},
    "build.build": {
        "reference": Field("text", required=True),
        "part": ref("part.part", required=True),
        "quantity": quantity(required=True),
        "completed": quantity(),
        "priority": INTEGER,
        "target_date": DATE,
        "parent": ref("build.build"),
        "sales_order": ref("order.salesorder"),
        "take_from": ref("stock.stocklocation"),
        "destination": ref("stock.stocklocation"),
    },
    "build.buildline": {
        "build": ref("build.build", required=True),
        "bom_item": ref("part.bomitem"),
        "quantity": quantity(required=True),
    },
    "build.builditem": {
        "build_line": ref("build.buildline", required=True),
        "stock_item": ref("stock.stockitem", required=True),
        "quantity": quantity(required=True),
    },
    "order.salesorder": {
        "reference": Field("text", required=True),
        "target_date": DATE,
        "customer": ref("company.company"),
    },
    "order.salesorderlineitem": {
        "order": ref("order.salesorder", required=True),
        "part": ref("part.part", required=True),
        "quantity": quantity(required=True),
        "shipped": quantity(),
        "target_date": DATE,
    },
    "order.salesordershipment": {"shipment_date": DATE},
    "order.salesorderallocation": {
        "line": ref("order.salesorderlineitem", required=True),
        "item": ref("stock.stockitem", required=True),
        "shipment": ref("order.salesordershipment"),
        "quantity": quantity(required=True),
    },
    "order.purchaseorder": {
        "reference": Field("text", required=True),
        "target_date": DATE,
        "destination": ref("stock.stocklocation"),
    },
    "order.purchaseorderlineitem": {
        "order": ref("order.purchaseorder", required=True),
        "part": ref("company.supplierpart"),
        "quantity": quantity(required=True),
        "received": quantity(),
        "target_date": DATE,
        "destination": ref("stock.stocklocation"),
    },
}
"""Every field the mapping reads, checked before it reads any (status codes and flags are only
compared, so any value is safe)."""


def read_fixture(path: Path) -> Fixture:
    """The export's records by model, every field the mapping reads checked (ImportFailed naming each
    bad record, its field and the problem)."""
    return fixture_of(read_records(path, "an InvenTree JSON export"), path)


def fixture_of(records: list[Record], source: Path | str) -> Fixture:
    """The records by model, checked as `read_fixture` checks a file's (`source` names where they come
    from in messages: the file, or the server)."""
    fx = Fixture()
    for r in records:
        if r.pk is not None:
            fx.models[r.model].setdefault(r.pk, r.fields)
    if not fx["part.part"]:
        name = source.name if isinstance(source, Path) else source
        raise ImportFailed(f"{name} holds no part.part records: not an InvenTree export")
    fail(source, [f"{label(r)}: has no pk" for r in records if r.pk is None])
    check_records(source, records, SCHEMA, {model: fx[model].keys() for model in fx.models})
    return fx


def dec(value: object) -> Decimal:
    """A quantity the records' check accepted (absent is 0)."""
    return Decimal(str(value).strip()) if value not in (None, "") else Decimal(0)


def date_of(value: object) -> date | None:
    """A date the records' check accepted (absent is None)."""
    return date.fromisoformat(str(value)[:10]) if value else None


def item_names(parts: dict[Any, Fields], tally: Tally) -> dict[Any, str]:
    """Item ids as InvenTree displays parts: `IPN | name | revision`; a repeated one gets ` #pk`."""
    full = {}
    for pk, p in parts.items():
        pieces = [
            str(p.get("IPN") or "").strip(),
            str(p.get("name") or "").strip(),
            str(p.get("revision") or ""),
        ]
        full[pk] = " | ".join(s.strip() for s in pieces if s.strip()) or f"part {pk}"
    seen: dict[str, int] = defaultdict(int)
    for name in full.values():
        seen[name] += 1
    for pk, name in full.items():
        if seen[name] > 1:
            full[pk] = f"{name} #{pk}"
            tally.add("assumed.items.id_made_unique")
    return full
