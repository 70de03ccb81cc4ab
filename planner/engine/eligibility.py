"""Eligibility (SPEC section 3): which lines take part and which lot may serve which line.

`prepare(scenario)` turns a scenario into plain prepared tables. The model
builder, the greedy baseline and the reports loop over these and never filter
the data themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from models.codes import Filter, Reason, Source
from models.records import ANY_OWNER, Item, Line, LineKey, Lot, Order, Scenario, line_sort_key
from planner.engine.pins import NO_PINS, PinState, resolve_pins
from planner.engine.previous import Need, PreviousState, resolve_previous

LATE_NOTED = 20
"""How many late lots the note on late supply names (the rest are counted)."""


@dataclass(frozen=True, slots=True)
class PreparedLine:
    """One order line with its effective settings (the order's, where the line has none)."""

    key: LineKey
    item: str
    requested: int
    """Open quantity: units, or kits for a kit line."""
    ship_date: date
    priority: int
    tier_key: tuple[object, ...]
    reason: str | None
    """Why the line takes no part (INELIGIBLE_REASONS), or None when it takes part."""
    is_kit: bool
    pack_size: int
    full_line: bool
    full_delivery: bool
    requires_pnp: bool
    warehouses: tuple[str, ...]
    owners: tuple[str, ...]
    order_type: str
    reserved: int = 0
    """Quantity fixed by honoured reservations (and, re-planning, what the line carries over of the
    previous plan: SPEC 9)."""
    keep: bool = False
    """The line keeps at least what the previous plan gave it (SPEC 9)."""

    @property
    def takes_part(self) -> bool:
        return self.reason is None

    @property
    def open_after_reservations(self) -> int:
        return self.requested - self.reserved


@dataclass(frozen=True, slots=True)
class Demand:
    """What one participating line asks of one item's stock: `per_unit` x the line's quantity."""

    line: int
    item: str
    per_unit: int


@dataclass(frozen=True, slots=True)
class Pair:
    """Lot `lot` may serve demand `demand`; `cost` is the lot's place in the line's preference."""

    demand: int
    lot: int
    cost: int


@dataclass(frozen=True, slots=True)
class CapGroup:
    """Safety stock: the optimiser takes at most `cap` from these lots together."""

    label: str
    lots: tuple[int, ...]
    cap: int
    lacking: int = 0
    """How far the lots' stock (after reservations, pins and carried quantities) falls below the
    safety stock: stock added to them makes that up before the optimiser may take any."""


@dataclass(frozen=True, slots=True)
class HonouredReservation:
    """Quantity fixed on a line before the tiers: a reservation, or what it carries over of the
    previous plan (source `previous`)."""

    line: int
    lot: int
    quantity: int
    source: Source = Source.RESERVATION


@dataclass(frozen=True, slots=True)
class IgnoredReservation:
    order: str
    line: str
    lot: str
    quantity: int
    why: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything the optimiser needs, as plain indexed tables.

    Lines, lots and tiers are sorted; indices into them are stable for one scenario.
    `capacity[l]` is what lot l still gives the optimiser (allocable less honoured
    reservations; 0 for a lot that may not be used).
    """

    scenario: Scenario
    lines: tuple[PreparedLine, ...]
    lots: tuple[Lot, ...]
    capacity: tuple[int, ...]
    demands: tuple[Demand, ...]
    nonstock_components: tuple[Demand, ...]
    pairs: tuple[Pair, ...]
    cap_groups: tuple[CapGroup, ...]
    reservations: tuple[HonouredReservation, ...]
    ignored_reservations: tuple[IgnoredReservation, ...]
    tiers: tuple[tuple[object, ...], ...]
    """The tiers the engine solves in turn: the contract's, after a first tier of the lines pins
    force to complete when there are any (planner.engine.pins)."""
    line_tier: tuple[int | None, ...]
    """Index into `tiers` of each line; None for lines that take no part."""
    report_tiers: tuple[tuple[object, ...], ...]
    """The contract's tiers (SPEC 5.1), as summary.json and lines.csv report them."""
    report_tier: tuple[int | None, ...]
    """Index into `report_tiers` of each line; None for lines that take no part."""
    blocked_orders: frozenset[str]
    """Full-delivery orders with a line that takes no part (other than nonstock)."""
    line_demands: tuple[tuple[int, ...], ...]
    """Demand indices of each line (empty for lines that take no part)."""
    demand_pairs: tuple[tuple[int, ...], ...]
    """Pair indices of each demand, in the line's preference order."""
    lot_pairs: tuple[tuple[int, ...], ...]
    """Pair indices of each lot."""
    lot_groups: tuple[tuple[int, ...], ...]
    """Safety-stock group indices of each lot, item-wide before per-warehouse."""
    lot_lists: tuple[tuple[int, ...], ...]
    """The distinct lists of lots that demands may use, best first."""
    demand_lots: tuple[int, ...]
    """Per demand, its lots: an index into lot_lists (demands with equal indices may use the same lots)."""
    notes: tuple[str, ...] = ()
    """What preparing the data noticed, for summary.json (late supply to come)."""
    previous: PreviousState | None = None
    """The previous plan re-planned from (SPEC 9), or None."""
    pins: PinState = NO_PINS
    """The pins (SPEC 9)."""

    def reported(self) -> Prepared:
        """The tables a plan reports from: without the make-up lines of kit lines whose pins are not
        in kit ratio (their allocations are their kit lines', planner.engine.pins)."""
        if not self.pins.kit_of:
            return self
        n = min(self.pins.kit_of)
        return replace(
            self,
            lines=self.lines[:n],
            line_tier=self.line_tier[:n],
            report_tier=self.report_tier[:n],
            line_demands=self.line_demands[:n],
        )

    def tier_name(self, tier: int) -> str:
        """How notes name solved tier `tier` (an index into `tiers`): by its number in the contract,
        as summary.json numbers tiers, or as the pinned tier."""
        pinned = len(self.tiers) - len(self.report_tiers)  # 1 when a pinned tier comes first
        return "the pinned tier" if tier < pinned else f"tier {tier + 1 - pinned}"


def _ineligible_reason(line: Line, order: Order, line_item: Item, today: date) -> Reason | None:
    if order.type == "quote":
        return Reason.QUOTE
    if not order.released:
        return Reason.NOT_RELEASED
    if order.printed if line.printed is None else line.printed:
        return Reason.PRINTED
    if line.fulfillment == "vendor_shipment":
        return Reason.VENDOR_SHIPMENT
    if line.fulfillment == "special_order" and not line.po_received:
        return Reason.PO_NOT_RECEIVED
    if not line_item.stocking:
        return Reason.NONSTOCK
    if line_item.window_days is not None and line.ship_date > today + timedelta(days=line_item.window_days):
        return Reason.OUTSIDE_WINDOW
    return None


def tier_keys(
    fields: tuple[str, ...], ship_dates: list[date], priorities: list[int]
) -> list[tuple[object, ...]]:
    """Each line's tier key: its values of the objective's fields, in the key's order."""
    columns: dict[str, list[Any]] = {"ship_date": ship_dates, "priority": priorities}
    return list(zip(*(columns[f] for f in fields))) if fields else [()] * len(ship_dates)


def earlier_tiers(
    fields: tuple[str, ...], ship_dates: np.ndarray, priorities: np.ndarray, at: int
) -> np.ndarray:
    """Which lines' tier keys (`tier_keys`) are below line `at`'s, on columns: the fields compared in
    the key's order, as tuples compare."""
    columns = {"ship_date": ship_dates, "priority": priorities}
    below = np.zeros(len(ship_dates), dtype=bool)
    same = np.ones(len(ship_dates), dtype=bool)
    for f in fields:
        column = columns[f]
        below |= same & (column < column[at])
        same &= column == column[at]
    return below


def _owner_allowed(lot: Lot, owners: tuple[str, ...], company: str) -> bool:
    """SPEC 3 and 8: the lot's owner is in the list, or the list has `*`; an empty list is any owner,
    or only the company's own lots (owner "" or the company) when the scenario names the company."""
    owner = lot.owner or company
    if not owners:
        return not company or owner == company
    return owner in owners or ANY_OWNER in owners


def _owner_position(lot: Lot, owners: tuple[str, ...], company: str) -> int:
    """The lot's place in the line's owners list (at `*` when not named itself)."""
    if not owners:
        return 0
    owner = lot.owner or company
    return owners.index(owner) if owner in owners else owners.index(ANY_OWNER)


def _line_filters(lot: Lot, line: PreparedLine, company: str, today: date) -> list[Filter]:
    """The line-side conditions of sections 3 and 8 the lot fails (item and usability aside)."""
    arrives = lot.arrives(today)
    failed = []
    if line.warehouses and lot.warehouse not in line.warehouses:
        failed.append(Filter.WAREHOUSES)
    if not _owner_allowed(lot, line.owners, company):
        failed.append(Filter.OWNERS)
    if line.requires_pnp and not lot.pnp:
        failed.append(Filter.PNP)
    if arrives is not None and arrives > line.ship_date:
        failed.append(Filter.DUE)
    return failed


def _may_serve(lot: Lot, line: PreparedLine, company: str, today: date) -> bool:
    """The line-side conditions of sections 3 and 8 (item and usability are checked by the caller)."""
    return not _line_filters(lot, line, company, today)


def _preference(lot: Lot, line: PreparedLine, alt_rank: int, company: str, today: date) -> tuple[object, ...]:
    """Sections 5.2 and 8: primary item, owner and warehouse order, stock on hand before supply to
    come, earlier receipt, FEFO, FIFO, lot id."""
    return (
        alt_rank,
        _owner_position(lot, line.owners, company),
        line.warehouses.index(lot.warehouse) if line.warehouses else 0,
        lot.to_come,
        lot.arrives(today) or date.min,
        lot.expires or date.max,
        lot.received or date.max,
        lot.lot,
    )


def _prepare_lines(scenario: Scenario, kit_items: set[str]) -> list[PreparedLine]:
    """Every line in (order, line) order, with the order's settings where the line has none."""
    items = {i.item: i for i in scenario.items}
    orders = {o.order: o for o in scenario.orders}
    number_key = {n: line_sort_key(n) for n in {ln.line for ln in scenario.lines}}
    lines = sorted(scenario.lines, key=lambda x: (x.order, number_key[x.line]))
    order_of = [orders[ln.order] for ln in lines]
    priorities = [o.priority if ln.priority is None else ln.priority for ln, o in zip(lines, order_of)]
    keys = tier_keys(scenario.objective_key, [ln.ship_date for ln in lines], priorities)
    return [
        PreparedLine(
            key=(ln.order, ln.line),
            item=ln.item,
            requested=ln.quantity,
            ship_date=ln.ship_date,
            priority=priority,
            tier_key=tier_key,
            reason=_ineligible_reason(ln, order, items[ln.item], scenario.today),
            is_kit=ln.item in kit_items,
            pack_size=items[ln.item].pack_size,
            full_line=ln.full_line,
            full_delivery=order.full_delivery,
            requires_pnp=ln.requires_pnp,
            warehouses=order.warehouses if ln.warehouses is None else ln.warehouses,
            owners=order.owners if ln.owners is None else ln.owners,
            order_type=order.type,
            keep=scenario.keeps(order, ln),
        )
        for ln, order, priority, tier_key in zip(lines, order_of, priorities, keys)
    ]


def prepare(scenario: Scenario) -> Prepared:
    """Apply section 3, reservations, pins and the previous plan; list every (demand, lot) pair with
    its preference cost."""
    today = scenario.today
    items = {i.item: i for i in scenario.items}
    components: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k in sorted(scenario.kits, key=lambda k: (k.kit, k.component)):
        components[k.kit].append((k.component, k.quantity))
    alternates: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for a in sorted(scenario.alternates, key=lambda a: (a.item, a.rank, a.alternate)):
        alternates[a.item].append((a.alternate, a.rank))

    lines = _prepare_lines(scenario, set(components))
    lots = tuple(sorted(scenario.lots, key=lambda lot: lot.lot))
    lot_index = {lot.lot: i for i, lot in enumerate(lots)}
    usable = [lot.usable_on(today) for lot in lots]
    lots_of_item: dict[str, list[int]] = defaultdict(list)
    for i, lot in enumerate(lots):
        if usable[i]:
            lots_of_item[lot.item].append(i)

    company = scenario.company

    found_sources: dict[str, tuple[tuple[int, int], ...]] = {}

    def sources(item: str) -> tuple[tuple[int, int], ...]:
        """(lot, alternate rank) for every usable lot of the item or its alternates (listed once per item)."""
        if item not in found_sources:
            found = [(i, 0) for i in lots_of_item[item]]
            for alt, rank in alternates[item]:
                found += [(i, rank) for i in lots_of_item[alt]]
            found_sources[item] = tuple(found)
        return found_sources[item]

    arrivals: dict[str, list[date]] = {}

    def horizon(item: str, ship_date: date) -> date | None:
        """The latest arrival among the item's usable lots to come (alternates too) that a line
        shipping on `ship_date` may use: lines with equal horizons may use the same lots."""
        if item not in arrivals:
            found = {lots[lo].arrives(today) for lo, _ in sources(item)}
            arrivals[item] = sorted(d for d in found if d is not None)
        days = arrivals[item]
        at = bisect_right(days, ship_date)
        return days[at - 1] if at else None

    # Full-delivery orders blocked by a line that takes no part.
    blocked = frozenset(
        ln.key[0] for ln in lines if ln.full_delivery and ln.reason not in (None, Reason.NONSTOCK)
    )

    def parts_of(li: int) -> list[Need]:
        line = lines[li]
        parts = components[line.item] if line.is_kit else [(line.item, 1)]
        return [
            Need(
                per_unit,
                frozenset([item, *(a for a, _ in alternates[item])]) if items[item].stocking else frozenset(),
                item,
            )
            for item, per_unit in parts
        ]

    giving: dict[int, frozenset[str]] = {}  # per line asked about: the items whose lots may give it

    def why_not_serve(li: int, lo: int) -> str | None:
        """Why lot `lo` may not serve line `li` (section 3 and 8), or None when it may."""
        line, lot = lines[li], lots[lo]
        if li not in giving:
            giving[li] = frozenset().union(*(n.items for n in parts_of(li)))
        if not usable[lo]:
            return "lot is not available or has expired"
        if lot.item not in giving[li]:
            return "lot holds another item"
        if (arrives := lot.arrives(today)) is not None and arrives > line.ship_date:
            return f"lot is due {arrives.isoformat()}, after the line ships ({line.ship_date.isoformat()})"
        if not _may_serve(lot, line, company, today):
            return "lot may not serve the line (warehouse, owner or pnp)"
        return None

    # Reservations: honoured when the line takes part and the lot may serve it.
    line_index = {ln.key: i for i, ln in enumerate(lines)}
    honoured: list[HonouredReservation] = []
    ignored: list[IgnoredReservation] = []
    reserved_on_line: dict[int, int] = defaultdict(int)
    reserved_from_lot: dict[int, int] = defaultdict(int)
    reserved_pair: dict[tuple[int, int], int] = defaultdict(int)
    for r in sorted(scenario.reservations, key=lambda r: (r.order, line_sort_key(r.line), r.lot)):
        li, lo = line_index[(r.order, r.line)], lot_index[r.lot]
        line = lines[li]
        why = f"line takes no part ({line.reason})" if not line.takes_part else why_not_serve(li, lo)
        if why:
            ignored.append(IgnoredReservation(r.order, r.line, r.lot, r.quantity, why))
            continue
        honoured.append(HonouredReservation(li, lo, r.quantity))
        reserved_on_line[li] += r.quantity
        reserved_from_lot[lo] += r.quantity
        reserved_pair[(li, lo)] += r.quantity
    pins = NO_PINS
    if scenario.pins:
        pins = resolve_pins(
            scenario.pins,
            [replace(ln, reserved=reserved_on_line[i]) for i, ln in enumerate(lines)],
            line_index,
            lots,
            lot_index,
            why_not_serve,
            parts_of,
            reserved_pair,
        )
        for li, lo, q in pins.fixed:
            honoured.append(HonouredReservation(li, lo, q, Source.PIN))
            reserved_from_lot[lo] += q
        for li, units in pins.fixed_lines.items():
            reserved_on_line[li] += units
    previous = None
    if scenario.previous is not None:
        previous = resolve_previous(
            scenario.previous,
            [ln.key for ln in lines],
            lots,
            lambda li, lo: why_not_serve(li, lo) is None,
            parts_of,
            lambda li: (
                0
                if lines[li].reason == Reason.PRINTED
                else (1 if lines[li].takes_part and lines[li].keep and li not in pins.only else None)
            ),
            [max(0, lot.allocable - reserved_from_lot[i]) if usable[i] else 0 for i, lot in enumerate(lots)],
            [ln.requested - reserved_on_line[i] for i, ln in enumerate(lines)],
            lambda li, lo: lo in pins.closed.get(li, ()),
            reserved_pair,
        )
        for li, lo, q in previous.carried:
            honoured.append(HonouredReservation(li, lo, q, Source.PREVIOUS))
            reserved_from_lot[lo] += q
        for li, kits in previous.carried_lines.items():
            reserved_on_line[li] += kits
    lines = [
        replace(ln, reserved=reserved_on_line[i]) if reserved_on_line[i] else ln for i, ln in enumerate(lines)
    ]
    reported = len(lines)
    if pins.makeup:  # kit lines whose pins are not in kit ratio: a forced make-up line each
        kit_of = {reported + n: li for n, li in enumerate(sorted(pins.makeup))}
        lines += [_makeup_line(lines[li]) for li in kit_of.values()]
        pins = pins.with_makeup_lines(kit_of)
    capacity = tuple(
        max(0, lot.allocable - reserved_from_lot[i]) if usable[i] else 0 for i, lot in enumerate(lots)
    )

    def preferred_lots(item: str, line: PreparedLine, closed: frozenset[int] | None) -> tuple[int, ...]:
        """The lots with capacity that may serve the line from the item's stock, best first, less
        the lots its pins close to it (`closed`; None: every lot)."""
        if closed is None:
            return ()
        candidates = [
            (_preference(lots[lo], line, rank, company, today), lo)
            for lo, rank in sources(item)
            if capacity[lo] > 0 and lo not in closed and _may_serve(lots[lo], line, company, today)
        ]
        return tuple(lo for _, lo in sorted(candidates))

    demands: list[Demand] = []
    nonstock_components: list[Demand] = []
    pairs: list[Pair] = []
    # Lines that ask for one item with the same lists and pnp need prefer the same lots.
    lots_for: dict[tuple[object, ...], int] = {}
    lot_lists: list[tuple[int, ...]] = []
    demand_lots: list[int] = []
    for li, line in enumerate(lines):
        if not line.takes_part:
            continue
        needs = components[line.item] if line.is_kit else [(line.item, 1)]
        if li in pins.kit_of:
            needs = [(needs[part][0], units) for part, units in pins.makeup[pins.kit_of[li]]]
        for item, per_unit in needs:
            if not items[item].stocking:
                nonstock_components.append(Demand(li, item, per_unit))
                continue
            d = len(demands)
            demands.append(Demand(li, item, per_unit))
            closed = pins.closes(li)
            like = (
                item,
                line.warehouses,
                line.owners,
                line.requires_pnp,
                horizon(item, line.ship_date),
                closed,
            )
            if like not in lots_for:
                lots_for[like] = len(lot_lists)
                lot_lists.append(preferred_lots(item, line, closed))
            demand_lots.append(lots_for[like])
            pairs += [Pair(d, lo, cost) for cost, lo in enumerate(lot_lists[lots_for[like]])]

    report_tiers = tuple(sorted({ln.tier_key for ln in lines if ln.takes_part}))
    tier_of = {key: t for t, key in enumerate(report_tiers)}
    report_tier = tuple(
        tier_of[ln.tier_key] if ln.takes_part and li < reported else None for li, ln in enumerate(lines)
    )
    tiers, line_tier = _solve_tiers(report_tiers, report_tier, pins.forced)
    cap_groups = _safety_stock_groups(scenario, lots, usable, reserved_from_lot)
    return Prepared(
        scenario=scenario,
        lines=tuple(lines),
        lots=lots,
        capacity=capacity,
        demands=tuple(demands),
        nonstock_components=tuple(nonstock_components),
        pairs=tuple(pairs),
        cap_groups=cap_groups,
        reservations=tuple(honoured),
        ignored_reservations=tuple(ignored),
        tiers=tiers,
        line_tier=line_tier,
        report_tiers=report_tiers,
        report_tier=report_tier,
        pins=pins,
        blocked_orders=blocked,
        line_demands=_group(len(lines), [d.line for d in demands], range(len(demands))),
        demand_pairs=_group(len(demands), [p.demand for p in pairs], range(len(pairs))),
        lot_pairs=_group(len(lots), [p.lot for p in pairs], range(len(pairs))),
        lot_groups=_group(
            len(lots),
            [lot for group in cap_groups for lot in group.lots],
            [g for g, group in enumerate(cap_groups) for _ in group.lots],
        ),
        lot_lists=tuple(lot_lists),
        demand_lots=tuple(demand_lots),
        previous=previous,
        notes=_late_supply(lots, today),
    )


def _makeup_line(kit_line: PreparedLine) -> PreparedLine:
    """The line that gives a kit line's pinned kits what the pins leave out (planner.engine.pins):
    one unit, whole or nothing, whose demands are the make-up of each part; it is forced, and
    reported as part of its kit line (`Prepared.reported`)."""
    return replace(
        kit_line, requested=1, reserved=0, pack_size=1, full_line=True, full_delivery=False, keep=False
    )


PINNED_TIER: tuple[object, ...] = ("pinned",)
"""The key of the tier the engine serves before all others when pins force lines to complete."""


def _solve_tiers(
    report_tiers: tuple[tuple[object, ...], ...], report_tier: tuple[int | None, ...], forced: frozenset[int]
) -> tuple[tuple[tuple[object, ...], ...], tuple[int | None, ...]]:
    """The tiers the engine solves and each line's: the contract's, with the lines pins force to
    complete in a tier of their own before every other (planner.engine.pins)."""
    if not forced:
        return report_tiers, report_tier
    return (PINNED_TIER, *report_tiers), tuple(
        0 if li in forced else (None if t is None else t + 1) for li, t in enumerate(report_tier)
    )


def _late_supply(lots: tuple[Lot, ...], today: date) -> tuple[str, ...]:
    """SPEC 8: lots due before today are late and count as due today; one note names them."""
    late = [lot for lot in lots if lot.due is not None and lot.due < today]
    if not late:
        return ()
    named = ", ".join(f"{lot.lot} (due {lot.due.isoformat()})" for lot in late[:LATE_NOTED] if lot.due)
    more = f" and {len(late) - LATE_NOTED} more" if len(late) > LATE_NOTED else ""
    return (
        f"{len(late)} lot(s) to come are late, due before today {today.isoformat()}, and count as"
        f" due today: {named}{more}",
    )


def _group(size: int, owners: Iterable[int], members: Iterable[int]) -> tuple[tuple[int, ...], ...]:
    """Members grouped by owner index: out[owner] lists its members in the order given."""
    owner = np.fromiter(owners, dtype=np.int64)
    member = np.fromiter(members, dtype=np.int64)
    flat = member[np.argsort(owner, kind="stable")].tolist()
    ends = np.cumsum(np.bincount(owner, minlength=size)).tolist()
    return tuple(tuple(flat[start:end]) for start, end in zip([0, *ends[:-1]], ends))


def _safety_stock_groups(
    scenario: Scenario, lots: tuple[Lot, ...], usable: list[bool], reserved_from_lot: dict[int, int]
) -> tuple[CapGroup, ...]:
    """Section 4.2: per item, and per (item, warehouse) where safety_stock.csv names one."""
    groups = []
    by_item: dict[str, list[int]] = defaultdict(list)
    by_item_wh: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, lot in enumerate(lots):
        if usable[i]:
            by_item[lot.item].append(i)
            by_item_wh[(lot.item, lot.warehouse)].append(i)

    def group(label: str, members: list[int], held: int) -> CapGroup:
        free = sum(lots[i].allocable - reserved_from_lot.get(i, 0) for i in members)
        return CapGroup(label, tuple(members), max(0, free - held), max(0, held - free))

    for item in sorted(scenario.items, key=lambda i: i.item):
        if item.safety_stock > 0 and by_item[item.item]:
            groups.append(group(item.item, by_item[item.item], item.safety_stock))
    for ss in sorted(scenario.safety_stock, key=lambda s: (s.item, s.warehouse)):
        if ss.quantity > 0 and by_item_wh[(ss.item, ss.warehouse)]:
            groups.append(
                group(f"{ss.item}@{ss.warehouse}", by_item_wh[(ss.item, ss.warehouse)], ss.quantity)
            )
    return tuple(groups)
