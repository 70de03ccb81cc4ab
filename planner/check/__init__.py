"""An independent checker: does a plan keep the contract (SPEC sections 2-5)?

The checker shares no code with the optimiser. Eligibility (section 3) and the
hard restrictions (section 4) are transcribed again here, plainly, so that a
mistake in one cannot hide behind the same mistake in the other. It reads the
plan as written (allocations.csv and lines.csv), never the model.

Every problem is collected as a `Violation`, never raised; the list comes back
sorted by rule, then message. Each rule is one generator of messages below,
registered with its code in `_RULES`. Besides the contract's restrictions there
are "mismatch" (a row's item, warehouse, owner or requested quantity
contradicts the scenario) and "table_format" (a missing column, a quantity that
is not a whole number, an unknown source, a line listed twice).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native  # type: ignore[attr-defined]  # as to_dict does

from models.collector import collector_paused
from models.records import Item, Line, LineKey, Lot, Scenario

ALLOCATION_COLUMNS = ("order", "line", "item", "lot", "warehouse", "owner", "quantity", "source")
LINE_COLUMNS = ("order", "line", "item", "requested", "allocated", "status", "reason", "tier")
SOURCES = ("optimizer", "reservation", "nonstock")
SHORT_REASONS = (
    "short",
    "full_line_short",
    "pack_size",
    "safety_stock",
    "no_eligible_stock",
    "full_delivery_blocked",
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a short code and a sentence naming what and how much."""

    rule: str
    message: str


class _Row(NamedTuple):
    """One row of allocations.csv, coerced."""

    order: str
    line: str
    item: str
    lot: str
    warehouse: str
    owner: str
    quantity: int
    source: str

    @property
    def key(self) -> LineKey:
        return (self.order, self.line)


class _Result(NamedTuple):
    """One row of lines.csv, coerced; None where a number did not parse."""

    item: str
    requested: int | None
    allocated: int | None
    status: str
    reason: str
    tier: str


def _name(key: LineKey) -> str:
    return f"line {key[0]}/{key[1]}"


# --------------------------------------------------------------------------
# What the scenario says: SPEC section 3, transcribed again
# --------------------------------------------------------------------------


class _Facts:
    """The scenario looked up by key: which lines take part, which lot may serve which line."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.today = scenario.today
        self.items = {i.item: i for i in scenario.items}
        self.lots = {lot.lot: lot for lot in scenario.lots}
        self.lots_of_item: dict[str, list[Lot]] = defaultdict(list)
        for each in scenario.lots:
            self.lots_of_item[each.item].append(each)
        self.orders = {o.order: o for o in scenario.orders}
        self.lines = {ln.key: ln for ln in scenario.lines}
        self.kits: dict[str, dict[str, int]] = {}
        for kc in scenario.kits:
            self.kits.setdefault(kc.kit, {})[kc.component] = kc.quantity
        self.alternates: dict[str, set[str]] = defaultdict(set)
        for alt in scenario.alternates:
            self.alternates[alt.item].add(alt.alternate)
        self.lines_of_order: dict[str, list[Line]] = defaultdict(list)
        for ln in scenario.lines:
            self.lines_of_order[ln.order].append(ln)
        self.reason = {key: self._no_part_reason(ln) for key, ln in self.lines.items()}
        self._serving: dict[str, dict[str, set[str]]] = {}
        self._giving: dict[str, set[str]] = {}
        self.honoured: dict[tuple[LineKey, str], int] = defaultdict(int)
        """Reserved quantity per (line, lot) of the reservations that are honoured."""
        for r in scenario.reservations:
            line, lot = self.lines.get((r.order, r.line)), self.lots.get(r.lot)
            if line is None or lot is None or self.is_kit(line) or self.reason[line.key] is not None:
                continue
            if self.why_not_serve(line, lot) is None:
                self.honoured[(line.key, lot.lot)] += r.quantity
        self.reserved_on_line: dict[LineKey, int] = defaultdict(int)
        self.reserved_from_lot: dict[str, int] = defaultdict(int)
        for (key, lot_id), quantity in self.honoured.items():
            self.reserved_on_line[key] += quantity
            self.reserved_from_lot[lot_id] += quantity

    def item(self, name: str) -> Item:
        return self.items.get(name) or Item(name)

    def is_kit(self, line: Line) -> bool:
        return line.item in self.kits

    def reserved(self, key: LineKey) -> int:
        """What honoured reservations give the line."""
        return self.reserved_on_line.get(key, 0)

    def priority(self, line: Line) -> int:
        return line.priority if line.priority is not None else self.orders[line.order].priority

    def _no_part_reason(self, line: Line) -> str | None:
        """The first reason of SPEC section 3 that keeps the line out, or None when it takes part."""
        order = self.orders[line.order]
        item = self.item(line.item)  # a kit line: the kit item's flags
        printed = line.printed if line.printed is not None else order.printed
        if order.type == "quote":
            return "quote"
        if not order.released:
            return "not_released"
        if printed:
            return "printed"
        if line.fulfillment == "vendor_shipment":
            return "vendor_shipment"
        if line.fulfillment == "special_order" and not line.po_received:
            return "po_not_received"
        if not item.stocking:
            return "nonstock"
        if item.window_days is not None and line.ship_date > self.today + timedelta(days=item.window_days):
            return "outside_window"
        return None

    def serving_items(self, line: Line) -> dict[str, set[str]]:
        """Each part the line needs (its item, or each kit component) -> the items whose lots give it."""
        if line.item not in self._serving:
            parts = self.kits.get(line.item, {line.item: 1})
            self._serving[line.item] = {part: {part} | self.alternates[part] for part in parts}
        return self._serving[line.item]

    def giving_items(self, line: Line) -> set[str]:
        """The items whose lots may give the line some part: every set of `serving_items` at once."""
        if line.item not in self._giving:
            self._giving[line.item] = set().union(*self.serving_items(line).values())
        return self._giving[line.item]

    def why_not_serve(self, line: Line, lot: Lot) -> str | None:
        """Why the lot may not serve the line (SPEC section 3), or None when it may."""
        if lot.status != "available":
            return f"its status is {lot.status}"
        if lot.expires is not None and lot.expires < self.today:
            return f"it expired on {lot.expires.isoformat()}"
        if lot.item not in self.giving_items(line):
            return f"its item {lot.item} is not {line.item}, an alternate or a kit component"
        order = self.orders[line.order]
        warehouses = line.warehouses if line.warehouses is not None else order.warehouses
        owners = line.owners if line.owners is not None else order.owners
        if warehouses and lot.warehouse not in warehouses:
            return f"its warehouse {lot.warehouse} is not in {';'.join(warehouses)}"
        if owners and lot.owner not in owners:
            return f"its owner {lot.owner!r} is not in {';'.join(owners)}"
        if line.requires_pnp and not lot.pnp:
            return "the line requires pnp and the lot is not pnp"
        return None

    def has_stock(self, line: Line) -> bool:
        """Some lot that may serve the line has allocable stock left after honoured reservations
        (kits: every stocking component has one)."""
        for part, items in self.serving_items(line).items():
            if self.is_kit(line) and not self.item(part).stocking:
                continue
            if not any(
                lot.allocable - self.reserved_from_lot.get(lot.lot, 0) > 0
                and self.why_not_serve(line, lot) is None
                for item in items
                for lot in self.lots_of_item[item]
            ):
                return False
        return True


# --------------------------------------------------------------------------
# Reading the plan's tables
# --------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as `to_dict` gives it (numpy scalars as Python's, pd.NA as None), stripped; "" when empty."""
    value = maybe_box_native(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _integers(texts: list[str]) -> list[int | None]:
    """`_integer` of each text, each distinct text parsed once."""
    parsed = {text: _integer(text) for text in set(texts)}
    return [parsed[text] for text in texts]


def _cells(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[str, list[str]]:
    """Each column's cells as `_text`, top to bottom; a missing column reads as empty cells and, of
    columns with equal names, the last counts (as in `to_dict`)."""
    if not frame.columns.is_unique:
        frame = frame.loc[:, ~frame.columns.duplicated(keep="last")]
    cells: dict[str, list[str]] = {}
    for column in columns:
        if column not in frame.columns:
            cells[column] = [""] * len(frame)
            continue
        series = frame[column]
        if series.dtype.kind in "iu" and not series.hasnans:  # whole numbers, none missing
            cells[column] = [str(value) for value in series.tolist()]
        else:
            cells[column] = [
                value.strip() if type(value) is str else _text(value) for value in series.tolist()
            ]
    return cells


def _missing_columns(frame: pd.DataFrame, columns: tuple[str, ...], table: str) -> list[Violation]:
    """A table lacking columns is reported (an empty frame without columns is an empty table)."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing or (len(frame) == 0 and len(frame.columns) == 0):
        return []
    return [Violation("table_format", f"{table} lacks column(s) {', '.join(missing)}")]


def _read_allocations(frame: pd.DataFrame) -> tuple[list[_Row], list[Violation]]:
    """The allocation rows whose quantity is a whole number; problems with the others reported."""
    cells = _cells(frame, ALLOCATION_COLUMNS)
    quantities = _integers(cells["quantity"])
    columns = [quantities if c == "quantity" else cells[c] for c in ALLOCATION_COLUMNS]
    rows = [
        _Row(order, line, item, lot, warehouse, owner, quantity, source)
        for order, line, item, lot, warehouse, owner, quantity, source in zip(*columns)
        if quantity is not None
    ]
    problems: list[Violation] = []
    for number, (quantity, source) in enumerate(zip(quantities, cells["source"]), start=1):
        if quantity is not None and quantity > 0 and source in SOURCES:
            continue
        order, line, lot = (cells[c][number - 1] for c in ("order", "line", "lot"))
        where = f"allocations row {number} ({order}/{line}, lot {lot or '-'})"
        if quantity is None:
            text = cells["quantity"][number - 1]
            problems.append(Violation("table_format", f"{where}: quantity {text!r} is no number"))
            continue
        if quantity <= 0:
            problems.append(Violation("table_format", f"{where}: quantity {quantity} is not positive"))
        if source not in SOURCES:
            problems.append(Violation("table_format", f"{where}: unknown source {source!r}"))
    return rows, problems


def _read_lines(frame: pd.DataFrame) -> tuple[dict[LineKey, _Result], list[Violation]]:
    """The lines table by (order, line), first row per line; duplicates and bad numbers reported."""
    cells = _cells(frame, LINE_COLUMNS)
    numbers = {column: _integers(cells[column]) for column in ("requested", "allocated")}
    results: dict[LineKey, _Result] = {}
    problems: list[Violation] = []
    columns = [numbers[c] if c in numbers else cells[c] for c in LINE_COLUMNS]
    for number, (order, line, item, requested, allocated, status, reason, tier) in enumerate(
        zip(*columns), start=1
    ):
        key = (order, line)
        if requested is None or allocated is None:
            for column in ("requested", "allocated"):
                if numbers[column][number - 1] is None:
                    text = cells[column][number - 1]
                    message = f"lines row {number} ({_name(key)}): {column} {text!r} is no whole number"
                    problems.append(Violation("table_format", message))
        if key in results:
            problems.append(Violation("table_format", f"lines row {number}: {_name(key)} is listed twice"))
            continue
        results[key] = _Result(item, requested, allocated, status, reason, tier)
    return results, problems


class _Plan:
    """The plan's rows and line results, with the sums the rules need."""

    def __init__(self, rows: list[_Row], results: dict[LineKey, _Result], lines: tuple[Line, ...]) -> None:
        self.rows = rows
        self.results = results
        self.by_line: dict[LineKey, list[_Row]] = defaultdict(list)
        self.given_to_line: dict[LineKey, int] = defaultdict(int)
        self.optimizer_by_lot: dict[str, int] = defaultdict(int)
        for row in rows:
            key = row.key
            self.by_line[key].append(row)
            self.given_to_line[key] += row.quantity
            if row.source == "optimizer":
                self.optimizer_by_lot[row.lot] += row.quantity
        self.allocated: list[tuple[LineKey, Line, int]] = []
        """Scenario lines listed in the lines table with a whole-number allocated, in scenario order."""
        for line in lines:
            key = line.key
            result = results.get(key)
            if result is not None and result.allocated is not None:
                self.allocated.append((key, line, result.allocated))

    def given(self, key: LineKey) -> int:
        """The quantity of all rows of the line."""
        return self.given_to_line.get(key, 0)


# --------------------------------------------------------------------------
# The rules: each yields the messages of its violations
# --------------------------------------------------------------------------

Rule = Callable[[_Facts, _Plan], Iterator[str]]


def _unknown_references(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Every row names a known line and lot; the lines table lists exactly the scenario's lines."""
    for row in plan.rows:
        if row.key not in facts.lines:
            yield f"an allocation row names unknown {_name(row.key)}"
        if row.lot and row.lot not in facts.lots:
            yield f"an allocation row of {_name(row.key)} names unknown lot {row.lot}"
    for key in plan.results:
        if key not in facts.lines:
            yield f"the lines table names unknown {_name(key)}"
    for key in facts.lines:
        if key not in plan.results:
            yield f"{_name(key)} is missing from the lines table"


def _mismatches(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A lot row repeats its lot's item, warehouse and owner; a lines row its line's item and quantity."""
    for row in plan.rows:
        lot = facts.lots.get(row.lot)
        if lot is None or (row.item, row.warehouse, row.owner) == (lot.item, lot.warehouse, lot.owner):
            continue
        for column, said, true in (
            ("item", row.item, lot.item),
            ("warehouse", row.warehouse, lot.warehouse),
            ("owner", row.owner, lot.owner),
        ):
            if said != true:
                yield f"a row of {_name(row.key)} from lot {lot.lot} says {column} {said!r}, not {true!r}"
    for key, result in plan.results.items():
        line = facts.lines.get(key)
        if line is None:
            continue
        if result.item != line.item:
            yield f"{_name(key)} is listed with item {result.item!r}, the line's is {line.item!r}"
        if result.requested is not None and result.requested != line.quantity:
            yield f"{_name(key)} is listed as requesting {result.requested}, the line asks {line.quantity}"


def _lots_may_not_serve(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Every lot row comes from a lot that may serve its line (SPEC section 3)."""
    for row in plan.rows:
        line, lot = facts.lines.get(row.key), facts.lots.get(row.lot)
        if line is not None and lot is not None:
            why = facts.why_not_serve(line, lot)
            if why is not None:
                yield f"lot {lot.lot} gives {row.quantity} to {_name(row.key)} but may not serve it: {why}"


def _lot_capacity(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """No lot gives more than its allocable quantity, reservations included."""
    given: dict[str, int] = defaultdict(int)
    for row in plan.rows:
        if row.lot in facts.lots:
            given[row.lot] += row.quantity
    for name, quantity in sorted(given.items()):
        lot = facts.lots[name]
        if quantity > lot.allocable:
            yield (
                f"lot {name} (item {lot.item}, {lot.warehouse}) gives {quantity} but can give "
                f"{lot.allocable} (quantity {lot.quantity} - allocated {lot.allocated} "
                f"- planned_issue {lot.planned_issue})"
            )


def _over_safety_stock(facts: _Facts, plan: _Plan, lots: list[Lot], stock: int, what: str) -> Iterator[str]:
    """The optimiser takes at most max(0, A - R - S) from these lots (SPEC 4.2)."""
    usable = {lot.lot: lot for lot in lots if lot.usable_on(facts.today)}
    allocable = sum(lot.allocable for lot in usable.values())
    reserved = sum(facts.reserved_from_lot.get(lot, 0) for lot in usable)
    taken = sum(plan.optimizer_by_lot.get(lot, 0) for lot in usable)
    limit = max(0, allocable - reserved - stock)
    if taken > limit:
        yield (
            f"{what}: the optimiser takes {taken} but may take at most {limit} "
            f"(allocable {allocable} - reserved {reserved} - safety stock {stock})"
        )


def _safety_stock(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Automatic allocation leaves each item's safety stock, and each (item, warehouse)'s."""
    for item in facts.scenario.items:
        if item.safety_stock > 0:
            lots = facts.lots_of_item[item.item]
            yield from _over_safety_stock(facts, plan, lots, item.safety_stock, f"item {item.item}")
    for ss in facts.scenario.safety_stock:
        if ss.quantity > 0:
            lots = [lot for lot in facts.lots_of_item[ss.item] if lot.warehouse == ss.warehouse]
            yield from _over_safety_stock(facts, plan, lots, ss.quantity, f"item {ss.item} in {ss.warehouse}")


def _reservations(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Each honoured reservation is reservation rows of exactly its quantity; there are no others."""
    rows: dict[tuple[LineKey, str], int] = defaultdict(int)
    for row in plan.rows:
        if row.source == "reservation":
            rows[(row.key, row.lot)] += row.quantity
    for key, lot in sorted(set(rows) | set(facts.honoured)):
        want, got = facts.honoured.get((key, lot), 0), rows.get((key, lot), 0)
        if want != got:
            what = f"reserves {want}" if want else "has no honoured reservation"
            yield f"{_name(key)} {what} from lot {lot} but the plan's reservation rows give {got}"


def _eligibility(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A line that takes no part (other than a nonstock one) gets nothing."""
    for key, reason in facts.reason.items():
        if reason is None or reason == "nonstock":
            continue
        result = plan.results.get(key)
        allocated = result.allocated if result is not None else None
        given = plan.given(key)
        if given or allocated:
            yield f"{_name(key)} takes no part ({reason}) but is allocated {allocated}, its rows give {given}"


def _nonstock_rows(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Rows without a lot are nonstock rows of a nonstock line or of a kit's nonstock component."""
    for row in plan.rows:
        if row.lot:
            if row.source == "nonstock":
                yield f"a nonstock row of {_name(row.key)} names lot {row.lot}"
            continue
        line = facts.lines.get(row.key)
        if line is None or facts.reason[line.key] not in (None, "nonstock"):
            continue
        if row.source != "nonstock":
            yield f"a row of {_name(row.key)} without a lot has source {row.source!r}"
        parts = facts.kits.get(line.item, {})
        nonstock_parts = {p for p in parts if not facts.item(p).stocking}
        fits_line = facts.reason[line.key] == "nonstock" and row.item in {line.item, *parts}
        if not fits_line and row.item not in nonstock_parts:
            yield f"{_name(row.key)} gets {row.quantity} of {row.item} with no lot, which is no nonstock part"


def _nonstock_lines(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A nonstock line is allocated in full by nonstock rows: of its item, or (kits) of each component."""
    for key, line, allocated in plan.allocated:
        if facts.reason[key] != "nonstock":
            continue
        rows = plan.by_line.get(key, [])
        by_item: dict[str, int] = defaultdict(int)
        for row in rows:
            by_item[row.item] += row.quantity
        as_item = by_item == {line.item: line.quantity}
        parts = facts.kits.get(line.item)
        as_parts = parts is not None and by_item == {p: line.quantity * q for p, q in parts.items()}
        if allocated != line.quantity:
            yield f"nonstock {_name(key)} is allocated {allocated} of {line.quantity}, not in full"
        elif any(row.source != "nonstock" or row.lot for row in rows) or not (as_item or as_parts):
            yield f"nonstock {_name(key)} must get its {line.quantity} of {line.item} by nonstock rows"


def _line_quantity(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """No line gets more than its quantity or less than zero; a non-kit line's rows sum to its allocated."""
    for key, line, allocated in plan.allocated:
        if allocated > line.quantity or allocated < 0:
            yield f"{_name(key)} is allocated {allocated} of {line.quantity}"
        given = plan.given(key)
        if given != allocated and not facts.is_kit(line):
            yield f"{_name(key)} is listed as allocated {allocated} but its rows give {given}"


def _can_split(supply: dict[str, int], demand: dict[str, int], serves: dict[str, set[str]]) -> bool:
    """Whether all supply can go to parts it serves, each part getting exactly its demand (max flow)."""
    if sum(supply.values()) != sum(demand.values()):
        return False
    left, need = dict(supply), dict(demand)
    flow: dict[tuple[str, str], int] = defaultdict(int)  # (supply, part) -> quantity sent
    while True:  # augment along a shortest path s0 -> p0 <- s1 -> p1 ... -> pk with need[pk] > 0
        parent: dict[tuple[str, str], tuple[str, str] | None] = {("s", s): None for s, q in left.items() if q}
        queue, end = deque(parent), None
        while queue and end is None:
            kind, name = node = queue.popleft()
            if kind == "s":
                nexts = [("p", p) for p in sorted(serves.get(name, set())) if p in need]
            else:
                nexts = [("s", s) for s in sorted(left) if flow[(s, name)] > 0]
            for nxt in (n for n in nexts if n not in parent):
                parent[nxt] = node
                queue.append(nxt)
                if nxt[0] == "p" and need[nxt[1]] > 0:
                    end = nxt
                    break
        if end is None:
            return all(q == 0 for q in need.values())
        path: list[tuple[str, str]] = [end]
        while (up := parent[path[-1]]) is not None:
            path.append(up)
        names = [name for _, name in reversed(path)]
        backward = [flow[(names[i + 1], names[i])] for i in range(1, len(names) - 1, 2)]
        amount = min([left[names[0]], need[names[-1]], *backward])
        left[names[0]] -= amount
        need[names[-1]] -= amount
        for i in range(0, len(names), 2):
            flow[(names[i], names[i + 1])] += amount
        for i in range(1, len(names) - 1, 2):
            flow[(names[i + 1], names[i])] -= amount


def _kit_ratio(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A kit line of k kits gets exactly k x per-kit quantity of each component (lots or nonstock rows)."""
    for key, line, kits in plan.allocated:
        if not facts.is_kit(line) or facts.reason[key] is not None:
            continue
        parts = facts.kits[line.item]
        serving = facts.serving_items(line)
        supply: dict[str, int] = defaultdict(int)  # by lot item ("lot:X") or nonstock item ("nonstock:X")
        serves: dict[str, set[str]] = {}  # which components each supply may count for
        for row in plan.by_line.get(key, []):
            lot = facts.lots.get(row.lot)
            item = lot.item if lot is not None else row.item
            if row.lot:
                node, fits = f"lot:{item}", {p for p, items in serving.items() if item in items}
            else:
                nonstock = item in parts and not facts.item(item).stocking
                node, fits = f"nonstock:{item}", ({item} if nonstock else set())
            if fits:  # rows that fit no component are lot_may_not_serve or nonstock violations
                supply[node] += row.quantity
                serves[node] = fits
        demand = {p: kits * q for p, q in parts.items()}
        if all(len(fits) == 1 for fits in serves.values()):
            got: dict[str, int] = defaultdict(int)
            for node, quantity in supply.items():
                got[min(serves[node])] += quantity
            for part, q in sorted(parts.items()):
                if got[part] != demand[part]:
                    yield (
                        f"kit {_name(key)} is allocated {kits} kits, so component {part} needs "
                        f"{kits} x {q} = {demand[part]}, but gets {got[part]}"
                    )
        elif not _can_split(supply, demand, serves):
            yield (
                f"kit {_name(key)} is allocated {kits} kits, but no split of its rows gives "
                f"each component {kits} x its per-kit quantity"
            )


def _pack_size(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A taking-part line gets, beyond reservations, a multiple of its item's pack size (kits: kit item's)."""
    for key, line, allocated in plan.allocated:
        pack = facts.item(line.item).pack_size
        if pack > 1 and facts.reason[key] is None:
            added = allocated - facts.reserved(key)
            if added % pack != 0:
                yield f"{_name(key)} gets {added} beyond reservations, not a multiple of pack size {pack}"


def _full_line(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A full_line line gets its whole quantity or nothing beyond its reservations."""
    for key, line, allocated in plan.allocated:
        if not line.full_line or facts.reason[key] is not None:
            continue
        reserved = facts.reserved(key)
        if allocated not in (line.quantity, reserved):
            yield f"full_line {_name(key)} gets {allocated}: not {line.quantity} nor reserved {reserved}"


def _full_delivery(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A full_delivery order has every non-nonstock line taking part and full, or none beyond reservations."""
    allocated = {key: a for key, _, a in plan.allocated}
    for order in facts.scenario.orders:
        if not order.full_delivery:
            continue
        lines = [ln for ln in facts.lines_of_order.get(order.order, []) if facts.reason[ln.key] != "nonstock"]
        if any(ln.key not in allocated for ln in lines):
            continue
        short = [ln for ln in lines if facts.reason[ln.key] is not None or allocated[ln.key] != ln.quantity]
        beyond = [ln for ln in lines if allocated[ln.key] != facts.reserved(ln.key)]
        if short and beyond:
            served = ", ".join(f"{ln.line} ({allocated[ln.key]} of {ln.quantity})" for ln in beyond)
            unserved = ", ".join(
                f"{ln.line} ({facts.reason[ln.key] or f'{allocated[ln.key]} of {ln.quantity}'})"
                for ln in short
            )
            yield (
                f"full_delivery order {order.order} is served in part: lines {served} get more than "
                f"reserved while lines {unserved} are not served in full"
            )


def _status(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """Status is full when allocated == requested, partial when between, none when zero."""
    for key, line, allocated in plan.allocated:
        want = "full" if allocated == line.quantity else "none" if allocated == 0 else "partial"
        said = plan.results[key].status
        if said != want:
            yield f"{_name(key)} is allocated {allocated} of {line.quantity}: {want}, not {said!r}"


def _reasons(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A line's reason is its exclusion code, empty when full, else a shortage code that can be true."""
    for key, line, allocated in plan.allocated:
        said, kept_out = plan.results[key].reason, facts.reason[key]
        wrong: str | None = None
        if kept_out is not None:
            wrong = f"it takes no part ({kept_out})" if said != kept_out else None
        elif allocated == line.quantity:
            wrong = "it is allocated in full" if said else None
        else:
            wrong = _why_short_reason_wrong(facts, line, said)
        if wrong is not None:
            yield f"{_name(key)} has reason {said!r} but {wrong}"


def _why_short_reason_wrong(facts: _Facts, line: Line, said: str) -> str | None:
    """Why `said` cannot explain why a taking-part line is not full, or None when it can."""
    order = facts.orders[line.order]
    if said not in SHORT_REASONS:
        return f"a line not served in full needs one of {', '.join(SHORT_REASONS)}"
    if said == "no_eligible_stock" and facts.has_stock(line):
        return "a lot that may serve it has allocable stock"
    if said not in ("no_eligible_stock", "full_delivery_blocked") and not facts.has_stock(line):
        return "no lot that may serve it has allocable stock (no_eligible_stock)"
    if said == "full_delivery_blocked" and not order.full_delivery:
        return f"order {order.order} is not full_delivery"
    if said == "full_line_short" and not line.full_line:
        return "it is not a full_line line"
    if said == "pack_size" and facts.item(line.item).pack_size <= 1:
        return f"item {line.item} has pack size 1"
    return None


def _tier_key(facts: _Facts, line: Line) -> tuple[object, ...]:
    """The line's values of the scenario's objective key (priority: the line's, else its order's)."""
    return tuple(
        [facts.priority(line) if f == "priority" else getattr(line, f) for f in facts.scenario.objective_key]
    )


def _tiers(facts: _Facts, plan: _Plan) -> Iterator[str]:
    """A taking-part line's tier is its key's rank among all taking-part keys (1 = first); others none."""
    lines = [(line, _tier_key(facts, line), facts.reason[line.key] is None) for line in facts.scenario.lines]
    rank = {key: str(n) for n, key in enumerate(sorted({key for _, key, part in lines if part}), start=1)}
    written = {tier: _tier_as_number(tier) for tier in {result.tier for result in plan.results.values()}}
    for line, key, taking_part in lines:
        result = plan.results.get(line.key)
        if result is None:
            continue
        want = rank[key] if taking_part else ""
        if written[result.tier] != want:
            shown = ", ".join(str(v) for v in key)
            yield f"{_name(line.key)} (key {shown}) is in tier {result.tier!r}, expected {want!r}"


def _tier_as_number(tier: str) -> str:
    """A written tier as the whole number it says ("1.0" -> "1"), else as written."""
    number = _integer(tier)
    return tier if number is None else str(number)


_RULES: tuple[tuple[str, Rule], ...] = (
    ("unknown_reference", _unknown_references),
    ("mismatch", _mismatches),
    ("lot_may_not_serve", _lots_may_not_serve),
    ("lot_capacity", _lot_capacity),
    ("safety_stock", _safety_stock),
    ("reservation", _reservations),
    ("eligibility", _eligibility),
    ("nonstock", _nonstock_rows),
    ("nonstock", _nonstock_lines),
    ("line_quantity", _line_quantity),
    ("kit_ratio", _kit_ratio),
    ("pack_size", _pack_size),
    ("full_line", _full_line),
    ("full_delivery", _full_delivery),
    ("status", _status),
    ("reason", _reasons),
    ("tier", _tiers),
)


def check_tables(scenario: Scenario, allocations: pd.DataFrame, lines: pd.DataFrame) -> list[Violation]:
    """Every way the plan's allocations and lines tables break the contract; empty when they keep it."""
    found = _missing_columns(allocations, ALLOCATION_COLUMNS, "allocations")
    found += _missing_columns(lines, LINE_COLUMNS, "lines")
    if not found:
        with collector_paused():
            found = _violations(scenario, allocations, lines)
    return sorted(set(found), key=lambda v: (v.rule, v.message))


def _violations(scenario: Scenario, allocations: pd.DataFrame, lines: pd.DataFrame) -> list[Violation]:
    """The violations of tables that have every column, in no particular order."""
    rows, row_problems = _read_allocations(allocations)
    results, line_problems = _read_lines(lines)
    facts, plan = _Facts(scenario), _Plan(rows, results, scenario.lines)
    found = row_problems + line_problems
    found += [Violation(code, message) for code, rule in _RULES for message in rule(facts, plan)]
    return found


def check_dir(scenario: Scenario, out_dir: Path) -> list[Violation]:
    """`check_tables` on the allocations.csv and lines.csv of a written plan."""
    frames: list[pd.DataFrame] = []
    for name in ("allocations.csv", "lines.csv"):
        path = Path(out_dir) / name
        if not path.is_file():
            return [Violation("table_format", f"{path} is missing")]
        frames.append(pd.read_csv(path, dtype=str, keep_default_na=False))
    return check_tables(scenario, frames[0], frames[1])
