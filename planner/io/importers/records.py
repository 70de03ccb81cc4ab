"""Reading an export's records safely and checking, once and up front, every field a mapping reads.

Both importers read Django fixtures: a JSON list of `{model, pk, fields}`
records. `read_records` reads one (a file that is not JSON, not UTF-8, nested
too deep or not a list is ImportFailed naming it); `check_records` checks the
records against a small declarative table per importer (model -> field ->
`Field`) and raises one ImportFailed listing every problem, each naming the
file, the record (model and pk), the field and what is wrong. A mapping that
reads only checked fields can then trust them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from models.tables import MAX_QUANTITY
from planner.io.importers.result import MAX_LISTED, ImportFailed

Fields = dict[str, Any]
Kind = Literal["text", "quantity", "integer", "date", "ref", "id", "names"]


@dataclass(frozen=True, slots=True)
class Field:
    """What a mapping needs of one field: its kind, whether it must be given, and for a reference the
    model whose pks (or names) it must be one of. An absent field, None and "" are not given."""

    kind: Kind
    required: bool = False
    model: str = ""
    positive: bool = False
    """A quantity that must be above 0 (a pack size)."""


TEXT = Field("text")
"""A scalar (text or number) that becomes text."""
DATE = Field("date")
"""An ISO date, or a date and time (its first ten characters are the date)."""
INTEGER = Field("integer")
"""A whole number (a priority)."""
ID = Field("id")
"""A text or whole-number id, not checked against a model (a generic relation)."""
NAMES = Field("names")
"""A list of texts (a Django natural key)."""


def quantity(required: bool = False, positive: bool = False) -> Field:
    """A finite decimal of at most MAX_QUANTITY in size (as a number or as text)."""
    return Field("quantity", required, positive=positive)


def ref(model: str, required: bool = False) -> Field:
    """The pk of a record of `model` that the file holds."""
    return Field("ref", required, model)


Schema = Mapping[str, Mapping[str, Field]]


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the file: its model, its pk (None when it has none), its fields and its position
    in the file's list (1 is the first)."""

    model: str
    pk: Any
    fields: Fields
    position: int


def read_records(path: Path, what: str) -> list[Record]:
    """The file's model records; ImportFailed naming the file when it is not a JSON list of records
    (`what` says what it should be, e.g. 'an InvenTree JSON export')."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise ImportFailed(f"{path.name}: cannot read it as {what}: nested too deeply") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFailed(f"{path.name}: cannot read it as {what}: {exc}") from None
    if not isinstance(document, list):
        raise ImportFailed(f"{path.name} is not {what} (a JSON list of model records)")
    return records_of(document, path)


def records_of(document: list[Any], source: Path | str) -> list[Record]:
    """The model records of a parsed export; ImportFailed naming `source` and each entry that is not
    a `{model, pk, fields}` record."""
    records, problems = [], []
    for position, r in enumerate(document, 1):
        if not (
            isinstance(r, dict) and isinstance(r.get("model"), str) and isinstance(r.get("fields"), dict)
        ):
            problems.append(f"record {position}: not a model record (an object with model and fields)")
        elif r.get("pk") is not None and not _is_id(r["pk"]):
            problems.append(f"record {position}: {r['model']} pk {_shown(r['pk'])} is not an id")
        else:
            records.append(Record(r["model"], r.get("pk"), r["fields"], position))
    fail(source, problems)
    return records


def label(record: Record) -> str:
    """The record as messages name it: `model pk 12`, or `model record 7` (its position) without a pk."""
    if record.pk is None:
        return f"{record.model} record {record.position}"
    return named(record.model, record.pk)


def named(model: str, pk: object) -> str:
    """A record of `model` as messages name it: `stock.stockitem pk 12`, `input.demand pk "D1"`."""
    return f"{model} pk {_shown(pk)}"


def check_records(
    source: Path | str,
    records: Iterable[Record],
    schema: Schema,
    keys: Mapping[str, Iterable[object]],
) -> None:
    """ImportFailed listing every problem with the fields `schema` names, and every pk that appears twice
    within a model; `keys[model]` are the pks a reference to `model` may name."""
    known = {model: set(values) for model, values in keys.items()}
    problems: list[str] = []
    seen: dict[tuple[str, Any], Record] = {}
    for record in records:
        pk = record.pk
        if pk is not None and record.model in schema:
            first = seen.setdefault((record.model, pk), record)
            if first is not record:
                where = f"records {first.position} and {record.position}"
                problems.append(f"{label(record)}: appears more than once ({where})")
        for name, spec in schema.get(record.model, {}).items():
            problem = _problem(record.fields.get(name), spec, known)
            if problem:
                problems.append(f"{label(record)}, field {name}: {problem}")
    fail(source, problems)


def fail(source: Path | str, problems: list[str]) -> None:
    """Raise ImportFailed listing `problems` (the first MAX_LISTED and a count of the rest), if any,
    each after the name of `source` (a file's name, or a server's address)."""
    if not problems:
        return
    name = source.name if isinstance(source, Path) else source
    shown = [f"{name}: {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        shown.append(f"{name}: ... and {len(problems) - MAX_LISTED} more problem(s)")
    raise ImportFailed("\n".join(shown))


def _problem(value: object, spec: Field, known: Mapping[str, set[object]]) -> str:
    """What is wrong with one field's value ("" if nothing)."""
    if value is None or value == "":
        return "missing" if spec.required else ""
    match spec.kind:
        case "quantity":
            return _quantity_problem(value, spec.positive)
        case "date":
            return "" if is_date(value) else f"{_shown(value)} is not a date (YYYY-MM-DD)"
        case "integer":
            return "" if _is_integer(value) else f"{_shown(value)} is not a whole number"
        case "ref":
            if not _is_id(value):
                return f"{_shown(value)} is not an id"
            return (
                "" if value in known.get(spec.model, set()) else f"{named(spec.model, value)} does not exist"
            )
        case "id":
            return "" if _is_id(value) else f"{_shown(value)} is not an id"
        case "names":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            return "" if ok else f"{_shown(value)} is not a list of names"
        case _:
            ok = isinstance(value, str | int | float) and not isinstance(value, bool)
            return "" if ok else f"{_shown(value)} is not a text"


def _quantity_problem(value: object, positive: bool) -> str:
    number = as_decimal(value)
    if number is None:
        return f"{_shown(value)} is not a quantity"
    if not number.is_finite():
        return f"{_shown(value)} is not a finite quantity"
    if abs(number) > MAX_QUANTITY:
        return f"{_shown(value)} is more than the planner holds ({MAX_QUANTITY:,})"
    if positive and number <= 0:
        return f"{_shown(value)} is not above 0"
    return ""


def as_decimal(value: object) -> Decimal | None:
    """A JSON number or a text as a Decimal (NaN and Infinity included); None if it is neither."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def is_date(value: object) -> bool:
    """An ISO date, or a text whose first ten characters are one (a date and time)."""
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value) and value.is_integer()
    return isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) < 20


def _is_id(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A value as a message quotes it: a number as it is, a text in double quotes (at most 60 characters),
    a list or an object by what it is."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:56] + "..."
