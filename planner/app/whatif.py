"""What-ifs made by hand: change a priority, a lot's quantity, a window, an order's keep or `today`,
pin a line's lots, solve, save.

A `WhatIf` is a list of `Change`s (and maybe a new `today`) and of pins (SPEC 9) on a base
scenario. `apply` makes the edited `Scenario` with `Scenario.replace`, writing nothing;
`to_toml` writes the same edit as a scenario file that `extends` the base with
`[[override]]` entries (the format of `models.edits`), and its pins as an `[[add]]` of a
pins CSV beside it (`pins_csv`), so `load_scenario` of the saved file gives the same
scenario, and `planner run` can re-run it in batch. Pins are checked against the whole
scenario by the loader itself: `apply_pinned` writes the what-if into a scratch folder and
loads it, so what the dashboard solves is what the batch will.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from models.cells import write_csv_text
from models.errors import InputError, InputErrors, PlannerError
from models.loading import load_scenario, settings_file
from models.records import Lot, Pin, Scenario
from models.tables import PINS
from planner.result.output import safe_name, write_file_atomically

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")

Value = bool | int | date | None
"""A new cell value; None empties the cell (the column's default: the order's priority, no window)."""

EDITABLE: dict[str, tuple[str, ...]] = {
    "orders": ("priority", "keep"),
    "lines": ("priority", "ship_date"),
    "lots": ("quantity",),
    "items": ("window_days",),
}
"""The columns a what-if may change, per table (the Scenario field holding its records)."""

KEYS: dict[str, tuple[str, ...]] = {
    "orders": ("order",),
    "lines": ("order", "line"),
    "lots": ("lot",),
    "items": ("item",),
}
"""The columns that name the row a change is aimed at, per table."""


class WhatIfError(PlannerError):
    """The edit does not fit the scenario: a row it names is missing or a value is out of range."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Change:
    """Set `column` of the `table` rows matching every (column, text) of `where` to `value`."""

    table: str
    where: tuple[tuple[str, str], ...]
    column: str
    value: Value

    @property
    def target(self) -> tuple[str, tuple[tuple[str, str], ...], str]:
        """What the change sets; a later change of the same target replaces it."""
        return (self.table, self.where, self.column)

    def describe(self) -> str:
        """One line for people: `lines SO-1002 / 1: priority = 0`."""
        shown = "" if self.value is None else str(self.value)
        return f"{self.table} {' / '.join(v for _, v in self.where)}: {self.column} = {shown or '(empty)'}"


def order_priority(order: str, priority: int) -> Change:
    return Change("orders", (("order", order),), "priority", priority)


def line_priority(order: str, line: str, priority: int | None) -> Change:
    """The line's own priority; None gives it back its order's."""
    return Change("lines", (("order", order), ("line", line)), "priority", priority)


def line_ship_date(order: str, line: str, ship_date: date) -> Change:
    return Change("lines", (("order", order), ("line", line)), "ship_date", ship_date)


def order_keep(order: str, keep: bool) -> Change:
    """Whether the order's lines keep what the previous plan gave them (SPEC 9)."""
    return Change("orders", (("order", order),), "keep", keep)


def pin(order: str, line: str, lot: str, quantity: int, only: bool = False) -> Pin:
    """A pin (SPEC 9): the line gets exactly `quantity` of `lot` (0: none of it); `only`: nothing from
    any lot it is not pinned to."""
    return Pin(order, line, lot, quantity, only, table=PINS.name)


def release(order: str, line: str, lot: str) -> Pin:
    """The line released: nothing from `lot` (one that may serve it) and, being pinned to it only,
    nothing from any other lot."""
    return pin(order, line, lot, 0, only=True)


def describe_pin(pin: Pin) -> str:
    """One line for people: `pin SO-1006 / 1: 30 of ENC-NY-1`, `release SO-1006 / 1`."""
    if pin.only and pin.quantity == 0:
        return f"release {pin.order} / {pin.line} (nothing from any lot)"
    return f"pin {pin.order} / {pin.line}: {pin.quantity} of {pin.lot}" + (
        ", only its pinned lots" if pin.only else ""
    )


def lot_quantity(lot: str, quantity: int) -> Change:
    return Change("lots", (("lot", lot),), "quantity", quantity)


def item_window(item: str, days: int | None) -> Change:
    """The item's scheduling window in days; None: no window."""
    return Change("items", (("item", item),), "window_days", days)


@dataclass(frozen=True, slots=True)
class WhatIf:
    """An edit of a base scenario, named as the scenario it makes."""

    name: str
    today: date | None = None
    changes: tuple[Change, ...] = ()
    pins: tuple[Pin, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.today is None and not self.changes and not self.pins

    def with_pin(self, new: Pin) -> WhatIf:
        """This edit plus `new`, which replaces an earlier pin of the same line and lot; a release
        (`only`) replaces every pin of its line."""
        kept = tuple(
            p for p in self.pins if p.key != new.key or (p.lot != new.lot and not new.only and not p.only)
        )
        return dataclasses.replace(self, pins=(*kept, new))

    def without_pin(self, index: int) -> WhatIf:
        return dataclasses.replace(self, pins=self.pins[:index] + self.pins[index + 1 :])

    def with_change(self, change: Change) -> WhatIf:
        """This edit plus `change`, which replaces an earlier change of the same target."""
        kept = tuple(c for c in self.changes if c.target != change.target)
        return dataclasses.replace(self, changes=(*kept, change))

    def without_change(self, index: int) -> WhatIf:
        return dataclasses.replace(self, changes=self.changes[:index] + self.changes[index + 1 :])

    def with_today(self, today: date | None) -> WhatIf:
        return dataclasses.replace(self, today=today)

    def renamed(self, name: str) -> WhatIf:
        """The same edit under another name (a blank name keeps this one)."""
        return dataclasses.replace(self, name=name.strip() or self.name)


def apply(scenario: Scenario, whatif: WhatIf) -> Scenario:
    """The base scenario with the edit made, named `whatif.name`; raises `WhatIfError` if it does not fit."""
    problems = [f"{c.describe()}: {p}" for c in whatif.changes if (p := _check_value(c))]
    if problems:
        raise WhatIfError(problems)
    orders = _edited(scenario.orders, "orders", whatif.changes, problems)
    lines = _edited(scenario.lines, "lines", whatif.changes, problems)
    lots = _edited(scenario.lots, "lots", whatif.changes, problems)
    items = _edited(scenario.items, "items", whatif.changes, problems)
    problems += _lot_floor_problems(scenario, lots)
    if problems:
        raise WhatIfError(problems)
    return scenario.replace(
        name=whatif.name,
        today=whatif.today or scenario.today,
        orders=orders,
        lines=lines,
        lots=lots,
        items=items,
    )


def apply_pinned(base: Path, scenario: Scenario, whatif: WhatIf) -> Scenario:
    """The base scenario (file `base`, loaded as `scenario`) with the edit made, pins included: a
    what-if without pins is `apply`; one with pins is written into a scratch folder and loaded, so
    the loader checks its pins against every table as it will in the batch. The scenario's previous
    plan, if it was given one, is kept. Raises `WhatIfError` if the edit does not fit."""
    if not whatif.pins:
        return apply(scenario, whatif)
    apply(scenario, dataclasses.replace(whatif, pins=()))  # the changes' own problems first
    with tempfile.TemporaryDirectory(prefix="planner-whatif-") as scratch:
        target = Path(scratch) / file_name(whatif.name)
        try:
            edited = load_scenario(_write(whatif.renamed(target.stem), base, target))
        except InputErrors as exc:
            raise WhatIfError([_pin_problem(e, whatif) for e in exc.errors]) from None
    return edited.replace(name=whatif.name, previous=scenario.previous)


def _edited(
    rows: tuple[R, ...], table: str, changes: tuple[Change, ...], problems: list[str]
) -> tuple[R, ...]:
    """The records of one table with the changes aimed at it made, in order."""
    out = list(rows)
    for change in (c for c in changes if c.table == table):
        hits = [i for i, r in enumerate(out) if all(getattr(r, k) == v for k, v in change.where)]
        if not hits:
            problems.append(f"{change.describe()}: no such row in {table}")
        for i in hits:
            out[i] = dataclasses.replace(out[i], **{change.column: change.value})
    return tuple(out)


def _pin_problem(error: InputError, whatif: WhatIf) -> str:
    """A loader's error in the what-if's pins, naming the pin (the scratch file's row is the pin's)."""
    index = (error.row or 0) - 2  # row 1 is the header
    if 0 <= index < len(whatif.pins):
        return f"{describe_pin(whatif.pins[index])}: {error.message}"
    return error.message


def _check_value(change: Change) -> str:
    """Why the value cannot go in its column (the loader's ranges), or ''."""
    if change.table not in EDITABLE or change.column not in EDITABLE[change.table]:
        return f"{change.table}.{change.column} cannot be changed here"
    value = change.value
    if change.column == "ship_date":
        return "" if isinstance(value, date) else "needs a date"
    if change.column == "keep":
        return "" if isinstance(value, bool) or value is None else "needs true or false"
    if value is None:
        return "" if change.table in ("lines", "items") else "needs a value"
    if not isinstance(value, int) or isinstance(value, bool):
        return "needs a whole number"
    if change.column == "priority" and not 0 <= value <= 9:
        return "priority runs from 0 (highest) to 9"
    if value < 0:
        return "cannot be negative"
    return ""


def lot_floor(scenario: Scenario, lot: str) -> int:
    """The least quantity lot `lot` may have: what is committed elsewhere and what reservations and
    pins take (a pin beyond the reservations of its line and lot, SPEC 9)."""
    record = next(r for r in scenario.lots if r.lot == lot)
    reserved: dict[tuple[str, str], int] = {}
    for r in scenario.reservations:
        if r.lot == lot:
            reserved[(r.order, r.line)] = reserved.get((r.order, r.line), 0) + r.quantity
    pinned = sum(max(0, p.quantity - reserved.get(p.key, 0)) for p in scenario.pins if p.lot == lot)
    return record.allocated + record.planned_issue + sum(reserved.values()) + pinned


def _lot_floor_problems(scenario: Scenario, lots: tuple[Lot, ...]) -> list[str]:
    out = []
    for before, after in zip(scenario.lots, lots):
        if after is not before and after.quantity < (floor := lot_floor(scenario, before.lot)):
            out.append(
                f"lot {before.lot}: quantity {after.quantity} is below {floor}"
                " (allocated elsewhere, planned issues and reservations)"
            )
    return out


WHATIF_HEADER = "# What-if on "
"""How every what-if file the planner writes begins (so it may replace one it wrote)."""


def to_toml(
    whatif: WhatIf,
    base: Path,
    target: Path,
    origin: str = "made in the dashboard",
    added: tuple[tuple[str, str], ...] = (),
) -> str:
    """The text of a scenario file at `target` that extends `base` with this edit; `origin` says where
    it was made, and `added` (table, file beside `target`) become `[[add]]` edits after the changes."""
    # a folder scenario is extended through its scenario.toml: `extends` names a file (SPEC)
    extends = Path(os.path.relpath(settings_file(base).resolve(), target.parent.resolve())).as_posix()
    out = [f"{WHATIF_HEADER}{base.name}, {origin}."]
    out += ["#  - " + " ".join(c.describe().splitlines()) for c in whatif.changes]
    out += ["#  - " + " ".join(describe_pin(p).splitlines()) for p in whatif.pins]
    out += [f"name = {_toml(whatif.name)}", f"extends = {_toml(extends)}"]
    if whatif.today is not None:
        out.append(f"today = {_toml(whatif.today)}")
    for change in whatif.changes:
        where = ", ".join(f"{k} = {_toml(v)}" for k, v in change.where)
        out += [
            "",
            "[[override]]",
            f"table = {_toml(change.table)}",
            f"where = {{ {where} }}",
            f"set = {{ {change.column} = {_toml(change.value)} }}",
        ]
    for table, file in added:
        out += ["", "[[add]]", f"table = {_toml(table)}", f"file = {_toml(file)}"]
    return "\n".join(out) + "\n"


def _toml(value: Value | str) -> str:
    """A TOML value: a basic string, whole number or local date; None as the empty cell ""."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML basic strings


def to_query(whatif: WhatIf) -> str:
    """The what-if as one line of JSON text, for a URL query parameter (`from_query` reads it back)."""
    changes = [[c.table, [list(pair) for pair in c.where], c.column, _plain(c.value)] for c in whatif.changes]
    data: dict[str, object] = {"name": whatif.name, "today": _plain(whatif.today), "changes": changes}
    if whatif.pins:
        data["pins"] = [[p.order, p.line, p.lot, p.quantity, p.only] for p in whatif.pins]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Value) -> bool | int | str | None:
    return value.isoformat() if isinstance(value, date) else value


def from_query(text: str) -> WhatIf:
    """The what-if `to_query` wrote; raises WhatIfError for any other text (a URL edited or cut off)."""
    try:
        data = json.loads(text)
        name, today, changes = data["name"], data["today"], data["changes"]
        if not isinstance(name, str) or not isinstance(changes, list):
            raise TypeError("name or changes of the wrong type")
        edit = WhatIf(name, None if today is None else date.fromisoformat(today))
        for table, where, column, value in changes:
            change = Change(table, tuple((str(k), str(v)) for k, v in where), column, value)
            if change.column == "ship_date" and isinstance(value, str):
                change = dataclasses.replace(change, value=date.fromisoformat(value))
            if problem := _check_value(change) or _check_where(change, where):
                raise ValueError(f"{change.describe()}: {problem}")
            edit = edit.with_change(change)
        for order, line, lot, quantity, only in data.get("pins", []):
            plain = all(isinstance(x, str) for x in (order, line, lot)) and isinstance(only, bool)
            if not plain or not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                raise ValueError(f"pin {[order, line, lot, quantity, only]}: not a pin")
            edit = edit.with_pin(pin(order, line, lot, quantity, only))
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise WhatIfError([f"not a what-if of this dashboard: {exc}"]) from None
    return edit


def _check_where(change: Change, where: object) -> str:
    """Why `where` (as read) does not name a row of the change's table by its key, or ''."""
    pairs = change.where
    plain = isinstance(where, list) and all(
        isinstance(p, list) and all(isinstance(x, str) for x in p) for p in where
    )
    return "" if plain and tuple(k for k, _ in pairs) == KEYS[change.table] else "names no row"


def file_name(name: str) -> str:
    """A safe file name for a what-if called `name`."""
    return safe_name(name, "whatif") + ".toml"


def save(whatif: WhatIf, base: Path, folder: Path, overwrite: bool = False) -> Path:
    """Write the what-if into `folder` as `<name>.toml` extending `base`, atomically; never replaces
    `base` itself nor follows a link. Its name is made the safe name its file has (SPEC 11).

    Raises FileExistsError if the file is there and `overwrite` is False, or it is `base` or a link.
    """
    target = folder / file_name(whatif.name)
    if target.is_symlink():
        raise FileExistsError(f"{target} is a link; the planner does not write through it")
    if target.resolve() == base.resolve():
        raise FileExistsError(f"{target.name} is the scenario the what-if starts from; choose another name")
    pins = pins_file(target)
    for path in (target, pins) if whatif.pins else (target,):
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists already")
        if path.is_symlink():
            raise FileExistsError(f"{path} is a link; the planner does not write through it")
    return _write(whatif.renamed(target.stem), base, target)


def pins_file(target: Path) -> Path:
    """The pins CSV a what-if saved as `target` adds its pins from: `<stem>_pins.csv` beside it."""
    return target.with_name(f"{target.stem}_pins.csv")


def pins_csv(whatif: WhatIf) -> str:
    """The what-if's pins as pins.csv rows (order, line, lot, quantity, only)."""
    frame = pd.DataFrame(
        [[p.order, p.line, p.lot, p.quantity, "true" if p.only else "false"] for p in whatif.pins],
        columns=["order", "line", "lot", "quantity", "only"],
    )
    return write_csv_text(frame)


def _write(whatif: WhatIf, base: Path, target: Path) -> Path:
    """The what-if written as `target` (and its pins beside it), each file atomically."""
    added: tuple[tuple[str, str], ...] = ()
    if whatif.pins:
        write_file_atomically(pins_file(target), pins_csv(whatif))
        added = (("pins", pins_file(target).name),)
    write_file_atomically(target, to_toml(whatif, base, target, added=added))
    return target
