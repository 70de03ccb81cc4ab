"""Reading an InvenTree export: its records by model, its quantities, dates and part names, and the
status codes InvenTree gives stock items and orders."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

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


def read_fixture(path: Path) -> Fixture:
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(f"cannot read {path} as an InvenTree JSON export: {exc}") from exc
    if not isinstance(records, list):
        raise ImportFailed(f"{path} is not an InvenTree export (a JSON list of model records)")
    fx = Fixture()
    for record in records:
        if isinstance(record, dict) and isinstance(record.get("fields"), dict) and "model" in record:
            fx.models[str(record["model"])][record.get("pk")] = record["fields"]
    if not fx["part.part"]:
        raise ImportFailed(f"{path} holds no part.part records: not an InvenTree export")
    return fx


def dec(value: object) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation as exc:
        raise ImportFailed(f"'{value}' is not a quantity") from exc


def date_of(value: object) -> date | None:
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
