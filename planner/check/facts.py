"""What the scenario says, looked up by key: SPEC section 3 (which lines take part, which lot may
serve which line), the honoured reservations and the pins (SPEC 9), transcribed again apart from the
optimiser."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from models.records import Item, Line, LineKey, Lot, Scenario
from planner.check.kit_split import fewest_kits


class Facts:
    """The scenario looked up by key: which lines take part, which lot may serve which line."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.today = scenario.today
        self.items = {i.item: i for i in scenario.items}
        self.lots = {lot.lot: lot for lot in scenario.lots}
        self.lot_at = {lot.lot: i for i, lot in enumerate(scenario.lots)}
        """Each lot's position in the scenario's lots."""
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
        values = {
            "ship_date": [ln.ship_date for ln in scenario.lines],
            "priority": [self.priority(ln) for ln in scenario.lines],
        }
        self.tier_keys: dict[LineKey, tuple[object, ...]] = dict(
            zip((ln.key for ln in scenario.lines), zip(*(values[f] for f in scenario.objective_key)))
        )
        """Each line's values of the scenario's objective key (priority: the line's, else its
        order's): several rules ask."""
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
        self.pins: dict[LineKey, dict[str, int]] = defaultdict(dict)
        """SPEC 9: per line, what each lot pinned to it gives it, reservations of that lot included."""
        self.only: set[LineKey] = set()
        """Lines that get nothing from a lot not pinned to them."""
        for pin in scenario.pins:
            self.pins[pin.key][pin.lot] = pin.quantity
            if pin.only:
                self.only.add(pin.key)

    def pinned_units(self, line: Line) -> int:
        """What the line's pins fix beyond its reservations, in line units: units, or for a kit line
        the fewest whole kits that hold every pinned unit (SPEC 9: the kit's other components are
        matched to them), each counted for a component its lot may give (`kit_supply`)."""
        pins = self.pins.get(line.key, {})
        if not pins:
            return 0
        if not self.is_kit(line):
            return sum(q - self.honoured.get((line.key, lot), 0) for lot, q in pins.items())
        return fewest_kits(*self.kit_supply(line, pins))

    def kit_supply(
        self, line: Line, given: dict[str, int]
    ) -> tuple[dict[str, int], dict[str, int], dict[str, set[str]]]:
        """Of units `given` per lot to a kit line: the units of the lots that give some stocking
        component, the stocking components' per-kit quantities, and per such lot the components it
        may give (its item's, or those its item stands in for)."""
        per_kit = {c: q for c, q in self.kits[line.item].items() if self.item(c).stocking}
        serving = self.serving_items(line)
        serves = {
            lot: fits
            for lot in given
            if lot in self.lots and (fits := {c for c in per_kit if self.lots[lot].item in serving[c]})
        }
        return {lot: given[lot] for lot in serves}, per_kit, serves

    def may_add(self, line: Line, lot: Lot) -> bool:
        """Whether the optimiser may give the line anything from the lot: it may serve the line
        (section 3), the line is not `only`, and the lot is not pinned to it (SPEC 9)."""
        return (
            self.why_not_serve(line, lot) is None
            and line.key not in self.only
            and lot.lot not in self.pins.get(line.key, {})
        )

    def item(self, name: str) -> Item:
        return self.items.get(name) or Item(name)

    def is_kit(self, line: Line) -> bool:
        return line.item in self.kits

    def reserved(self, key: LineKey) -> int:
        """What honoured reservations give the line."""
        return self.reserved_on_line.get(key, 0)

    def keeps(self, line: Line) -> bool:
        """Whether the line keeps what the previous plan gave it (line, else order, else scenario)."""
        if line.keep is not None:
            return line.keep
        order = self.orders[line.order]
        return order.keep if order.keep is not None else self.scenario.keep

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
        company = self.scenario.company
        owner = lot.owner if lot.owner or not company else company
        if owners and owner not in owners and "*" not in owners:
            return f"its owner {lot.owner!r} is not in {';'.join(owners)}"
        if not owners and company and owner != company:
            return f"its owner {lot.owner!r} is not the company {company!r}, and the line lists no owners"
        if line.requires_pnp and not lot.pnp:
            return "the line requires pnp and the lot is not pnp"
        if lot.due is not None and max(lot.due, self.today) > line.ship_date:
            counted = max(lot.due, self.today)
            return f"it is due {counted.isoformat()}, after the line ships on {line.ship_date.isoformat()}"
        return None
