"""Reading a frePPLe model (a Django fixture): its records by model, every field the mapping reads
checked first, and its quantities, dates and planning date."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from planner.io.importers.records import (
    DATE,
    INTEGER,
    TEXT,
    Field,
    Record,
    Schema,
    check_records,
    fail,
    is_date,
    label,
    quantity,
    read_records,
    ref,
)
from planner.io.importers.result import ImportFailed

SCHEMA: Schema = {
    "input.item": {"name": TEXT, "owner_id": ref("input.item"), "description": TEXT, "category": TEXT},
    "input.location": {"name": TEXT, "owner_id": ref("input.location")},
    "input.operation": {"name": TEXT, "item_id": ref("input.item"), "location_id": ref("input.location")},
    "input.buffer": {
        "item_id": ref("input.item", required=True),
        "location_id": ref("input.location", required=True),
        "onhand": quantity(),
        "minimum": quantity(),
        "type": TEXT,
    },
    "input.demand": {
        "name": Field("text", required=True),
        "status": TEXT,
        "item_id": ref("input.item"),
        "location_id": ref("input.location", required=True),
        "quantity": quantity(),
        "minshipment": quantity(),
        "priority": INTEGER,
        "due": DATE,
        "customer_id": TEXT,
    },
    "input.itemdistribution": {
        "item_id": ref("input.item"),
        "location_id": ref("input.location"),
        "origin_id": ref("input.location"),
        "leadtime": quantity(),
        "sizeminimum": quantity(),
        "sizemultiple": quantity(),
        "priority": INTEGER,
    },
    "input.operationplan": {
        "type": TEXT,
        "status": TEXT,
        "reference": TEXT,
        "name": TEXT,
        "item_id": ref("input.item"),
        "location_id": ref("input.location"),
        "origin_id": ref("input.location"),
        "destination_id": ref("input.location"),
        "operation_id": ref("input.operation"),
        "quantity": quantity(),
        "startdate": DATE,
        "enddate": DATE,
    },
    "common.parameter": {"name": TEXT},
}
"""Every field the mapping reads, checked before it reads any."""
NATURAL_PK = {
    "input.item": "name",
    "input.location": "name",
    "input.operation": "name",
    "input.demand": "name",
    "input.operationplan": "reference",
}
"""The field that is the pk of a frePPLe model (others, buffers and lanes, are named by position)."""


def read_model(path: Path) -> dict[str, list[Record]]:
    """The model's records by model, every field the mapping reads checked (ImportFailed naming each bad
    record, its field and the problem)."""
    records = read_records(path, "a frePPLe JSON model")
    named = [_with_natural_pk(r) for r in records]
    models: dict[str, list[Record]] = defaultdict(list)
    for r in named:
        models[r.model].append(r)
    if not models["input.item"] and not models["input.demand"]:
        raise ImportFailed(f"{path.name} holds no input.item or input.demand records: not a frePPLe model")
    keys = {model: [r.pk for r in models[model] if r.pk is not None] for model in NATURAL_PK}
    check_records(path, named, SCHEMA, keys)
    return models


def _with_natural_pk(record: Record) -> Record:
    """The record with frePPLe's pk (its name or reference) where its model has one and it is an id."""
    pk = record.fields.get(NATURAL_PK.get(record.model, ""))
    if isinstance(pk, str | int) and not isinstance(pk, bool) and pk != "":
        return replace(record, pk=pk)
    return record


def dec(value: object) -> Decimal:
    """A quantity the records' check accepted (absent is 0)."""
    return Decimal(str(value).strip()) if value not in (None, "") else Decimal(0)


def day(value: object) -> date | None:
    """A date the records' check accepted (absent is None)."""
    return date.fromisoformat(str(value)[:10]) if value else None


def current_date(path: Path, records: list[Record]) -> date | None:
    """The `currentdate` parameter, the model's planning date; ImportFailed if it is not a date."""
    for r in records:
        if r.fields.get("name") == "currentdate":
            value = r.fields.get("value")
            if not isinstance(value, str) or not is_date(value):
                fail(
                    path,
                    [f"{label(r)}, field value: {json.dumps(str(value))[:60]} is not a date (YYYY-MM-DD)"],
                )
            return day(value)
    return None
