"""A brute-force reference for the lexicographic optimum (SPEC sections 3, 4 and 5.1).

Written from the contract alone: it imports nothing from `planner`, only the
scenario records and the standard library, so that a misreading in the engine
cannot hide behind the same misreading here.

`reference_optimum(scenario)` returns the tier totals of the true lexicographic
optimum: per tier key (in tier order) the quantity allocated to the lines of
that tier that take part, reservations included, kit lines counting kits.

How it works (obviously correct rather than fast):

1. Section 3 is transcribed plainly: which lines take part, and which lot may
   serve which line (for a kit line: which lot may give which component; lots
   of a component item or of one of its alternates, section 2 kits.csv), with
   section 8's due dates (a lot to come serves lines shipping on or after it,
   a late one counting as today) and owners (`company`, `*`).
2. Reservations (section 2): honoured when the line takes part and the lot may
   serve it; they are fixed first and leave the lot's allocable quantity less
   what they take for the optimiser.
3. The optimiser's choices are enumerated exhaustively, one *step* at a time:
   a step is one participating line, or a whole full-delivery order (its lines
   are all full or all get nothing beyond reservations, section 4.3). For a line,
   every added quantity allowed by sections 4.4/4.5 (multiples of the pack size;
   whole quantity or nothing for a full line) and every way of taking it, unit
   by unit, from the lots that may serve it (every split of each component's
   need over its lots) is tried; a choice is kept only when no lot gives more
   than it has left (4.1) and no safety-stock group (4.2, per item and per
   (item, warehouse)) gives the optimiser more than its cap.
4. The best tier vector is the lexicographic maximum over all complete choices.
   The search memoises on (step, stock left in every lot): what later steps may
   do depends only on the stock left (the safety-stock caps are caps on what
   the optimiser has taken, which is initial stock less stock left), so this
   is the same maximum as enumerating every complete choice; and because the
   lexicographic order is invariant under adding the same vector to both sides,
   keeping only the best continuation of each state is exact.

5. Pins (section 9): a pin fixes what it gives beyond the reservations of its
   (line, lot) like a reservation (it may use safety stock); the optimiser gives
   a line nothing from a lot pinned to it, and nothing at all to an `only` line.
   A full line with a pin above 0 has only its whole quantity to choose, and a
   full-delivery order with one only the whole order: when no choice completes
   them, `reference_optimum` raises `PinsCannotComplete`. A kit line's pins fix
   the fewest whole kits that hold them (a pinned lot's units split over the
   components its item may give, tried every way), and every choice for the
   line must also give each component what those kits need beyond the pinned
   units counted for it (the other components matched), or there is no choice.

Limits: meant for tiny scenarios (about <= 5 lines, <= 4 lots, quantities <= 6:
well under a second each, about 1 s at worst when every lot is usable and
contended); its running time grows like (stock per lot + 1) ** lots times the
number of splits per step, so 12 lines over 6 well-stocked lots can take
minutes. `reference_optimum` refuses scenarios above `MAX_LOTS` lots or
`MAX_STEPS` steps. It computes tier totals (and one witness allocation per
line), not the tie-breaking of section 5.2/5.3, nor reason codes.
Alternates of a kit item itself are ignored (a kit line is served by its
components, which may use their own alternates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import product

from models.records import Line, LineKey, Lot, Scenario

MAX_LOTS = 6
MAX_STEPS = 8

TierKey = tuple[object, ...]
State = tuple[int, ...]
"""Stock the optimiser may still take from each lot, in the scenario's lot order."""


class PinsCannotComplete(Exception):
    """No plan completes the full lines and full-delivery orders that pins force (an input error)."""


@dataclass(frozen=True)
class ReferenceResult:
    """The lexicographic optimum's tier totals and one allocation that reaches them."""

    keys: tuple[TierKey, ...]
    """Tier keys in tier order."""
    totals: tuple[int, ...]
    """Allocated per tier (reservations included, kit lines in kits), same order as keys."""
    requested: tuple[int, ...]
    reasons: dict[LineKey, str | None] = field(default_factory=dict)
    """Why each line takes no part (section 3), None for lines that take part."""
    reserved: dict[LineKey, int] = field(default_factory=dict)
    """Honoured reservations per participating line."""
    added: dict[LineKey, int] = field(default_factory=dict)
    """One optimal choice: quantity added beyond reservations per participating line."""
    changed: int | None = None
    """With a previous plan: the fewest units changed, sum over (line, lot) of |now - before|,
    among the plans with these tier totals (SPEC 9.4)."""


# ---------------------------------------------------------------------------
# Section 3, transcribed
# ---------------------------------------------------------------------------


def no_part_reason(scenario: Scenario, line: Line) -> str | None:
    """The first reason of section 3 that keeps the line out, or None when it takes part."""
    order = next(o for o in scenario.orders if o.order == line.order)
    item = next(i for i in scenario.items if i.item == line.item)
    printed = order.printed if line.printed is None else line.printed
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
    if item.window_days is not None and line.ship_date > scenario.today + timedelta(days=item.window_days):
        return "outside_window"
    return None


def lot_usable(scenario: Scenario, lot: Lot) -> bool:
    """Available and not expired (an expiry of today is still fine)."""
    return lot.status == "available" and (lot.expires is None or lot.expires >= scenario.today)


def owner_allowed(scenario: Scenario, owners: tuple[str, ...], lot: Lot) -> bool:
    """Sections 3 and 8: with a company named, owner "" is the company and an empty list allows only
    its lots; `*` allows any owner; without a company an empty list allows any."""
    company = scenario.company
    owner = company if company and lot.owner == "" else lot.owner
    if not owners:
        return not company or owner == company
    return "*" in owners or owner in owners


def in_time(scenario: Scenario, line: Line, lot: Lot) -> bool:
    """Section 8: a lot to come serves a line shipping on or after its due date (a late one: today)."""
    if lot.due is None:
        return True
    return max(lot.due, scenario.today) <= line.ship_date


def lot_may_serve(scenario: Scenario, line: Line, lot: Lot, items: set[str]) -> bool:
    """Section 3's lot conditions (and section 8's), with `items` the items whose lots may give the part."""
    order = next(o for o in scenario.orders if o.order == line.order)
    warehouses = order.warehouses if line.warehouses is None else line.warehouses
    owners = order.owners if line.owners is None else line.owners
    return (
        lot_usable(scenario, lot)
        and lot.item in items
        and (not warehouses or lot.warehouse in warehouses)
        and owner_allowed(scenario, owners, lot)
        and (lot.pnp or not line.requires_pnp)
        and in_time(scenario, line, lot)
    )


def _alternates(scenario: Scenario, item: str) -> set[str]:
    return {a.alternate for a in scenario.alternates if a.item == item}


def _kit(scenario: Scenario, item: str) -> list[tuple[str, int]]:
    return [(k.component, k.quantity) for k in scenario.kits if k.kit == item]


def tier_key(scenario: Scenario, line: Line) -> TierKey:
    order = next(o for o in scenario.orders if o.order == line.order)
    priority = order.priority if line.priority is None else line.priority
    values = {"ship_date": line.ship_date, "priority": priority}
    return tuple(values[f] for f in scenario.objective_key)


# ---------------------------------------------------------------------------
# The exhaustive search
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _LineSpec:
    key: LineKey
    tier: int
    open: int
    """Quantity still open after honoured reservations (units, or kits)."""
    allowed: tuple[int, ...]
    """Every added quantity sections 4.4 and 4.5 allow, ascending (0 always)."""
    needs: tuple[tuple[int, tuple[int, ...], int], ...]
    """Per stocking part: (units per line unit, indices of lots that may give it, units it needs
    besides: what a kit's pinned kits need beyond the pins, section 9)."""


def _splits(need: int, lots: tuple[int, ...], state: list[int]) -> Iterator[None]:
    """Every way of taking exactly `need` units from `lots` (mutating `state`, restored after each yield)."""
    if need == 0:
        yield
        return
    if not lots:
        return
    first, rest = lots[0], lots[1:]
    if sum(state[i] for i in lots) < need:
        return
    for take in range(min(need, state[first]), -1, -1):
        state[first] -= take
        yield from _splits(need - take, rest, state)
        state[first] += take


class _Search:
    def __init__(
        self,
        steps: list[list[_LineSpec]],
        full_delivery: list[bool],
        n_tiers: int,
        initial: State,
        groups: list[tuple[tuple[int, ...], int]],
        change: Callable[[LineKey, dict[int, int]], int] | None = None,
        forced: list[bool] | None = None,
    ) -> None:
        self.change = change
        self.forced = forced or [False] * len(steps)
        self.steps = steps
        self.full_delivery = full_delivery
        self.n_tiers = n_tiers
        self.initial = initial
        self.groups = groups
        self.memo: dict[tuple[int, State], tuple[tuple[int, ...], dict[LineKey, int]] | None] = {}

    def _within_caps(self, state: list[int]) -> bool:
        return all(sum(self.initial[i] - state[i] for i in lots) <= cap for lots, cap in self.groups)

    def _take_line(self, spec: _LineSpec, qty: int, state: list[int]) -> Iterator[None]:
        """Every way of giving the line `qty` (units or kits) from its lots, within every cap."""

        def part(n: int) -> Iterator[None]:
            if n == len(spec.needs):
                if self._within_caps(state):
                    yield
                return
            per_unit, lots, besides = spec.needs[n]
            for _ in _splits(per_unit * qty + besides, lots, state):
                if self._within_caps(state):
                    yield from part(n + 1)

        yield from part(0)

    def _options(self, step: int, state: State) -> dict[State, tuple[tuple[int, ...], dict[LineKey, int]]]:
        """Per reachable next state, the best contribution of this step and the quantities added."""
        out: dict[State, tuple[tuple[int, ...], dict[LineKey, int]]] = {}

        def offer(
            nxt: State,
            added: dict[LineKey, int],
            specs: list[_LineSpec],
            taken: dict[LineKey, dict[int, int]],
        ) -> None:
            vec = [0] * self.n_tiers
            for spec in specs:
                vec[spec.tier] += added[spec.key]
            if self.change is not None:  # one more level: the fewest changed units, as -change
                vec.append(-sum(self.change(spec.key, taken.get(spec.key, {})) for spec in specs))
            contribution = tuple(vec)
            if nxt not in out or contribution > out[nxt][0]:
                out[nxt] = (contribution, added)

        specs = self.steps[step]
        work = list(state)
        taken: dict[LineKey, dict[int, int]] = {}

        def took(spec: _LineSpec, start: list[int]) -> dict[int, int]:
            lots = {i for _, lots, _ in spec.needs for i in lots}
            return {i: start[i] - work[i] for i in lots if start[i] != work[i]}

        if self.full_delivery[step]:
            if not self.forced[step]:
                offer(state, {s.key: 0 for s in specs}, specs, {})
            if all(s.open in s.allowed for s in specs):

                def whole(n: int) -> Iterator[None]:
                    if n == len(specs):
                        yield
                        return
                    start = list(work)
                    for _ in self._take_line(specs[n], specs[n].open, work):
                        taken[specs[n].key] = took(specs[n], start)
                        yield from whole(n + 1)

                for _ in whole(0):
                    offer(tuple(work), {s.key: s.open for s in specs}, specs, taken)
        else:
            (spec,) = specs
            start = list(work)
            for qty in spec.allowed:
                for _ in self._take_line(spec, qty, work):
                    offer(tuple(work), {spec.key: qty}, specs, {spec.key: took(spec, start)})
        return out

    def best(self, step: int, state: State) -> tuple[tuple[int, ...], dict[LineKey, int]] | None:
        """The lexicographically best tier vector the steps from `step` on can add, and how; None
        when no choice completes what pins force (without pins, adding nothing always works)."""
        if step == len(self.steps):
            return (0,) * (self.n_tiers + (self.change is not None)), {}
        memo_key = (step, state)
        if memo_key not in self.memo:
            best: tuple[tuple[int, ...], dict[LineKey, int]] | None = None
            for nxt, (contribution, added) in self._options(step, state).items():
                found = self.best(step + 1, nxt)
                if found is None:
                    continue
                rest, rest_added = found
                total = tuple(a + b for a, b in zip(contribution, rest, strict=True))
                if best is None or total > best[0]:
                    best = (total, {**added, **rest_added})
            self.memo[memo_key] = best
        return self.memo[memo_key]


def _shares(units: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way of sharing `units` among `parts` (a tuple of each one's share)."""
    if parts == 1:
        yield (units,)
        return
    for first in range(units, -1, -1):
        for rest in _shares(units - first, parts - 1):
            yield (first, *rest)


def _pinned_kits(
    scenario: Scenario, parts: list[tuple[str, int]], pins: list[tuple[str, int]]
) -> tuple[int, dict[str, int]]:
    """Section 9 on a kit line: the fewest whole kits that hold its pins' units, and the units
    counted for each stocking component. `pins` are (item of the lot, units); a lot's units count
    for components its item may give (the component itself, or one it is an alternate of), none
    above kits x per kit. Of the splits into the fewest kits, the one that counts each unit as
    early as it can in its lot's order: the component that is its item, else the first by name it
    stands in for, then the others by name (a unit in place n costs n; least total). Every split
    is tried; one whose tie leaves the components different units is not transcribed."""
    per_kit = dict(parts)
    names = sorted(per_kit)
    ways: list[list[tuple[dict[str, int], int]]] = []
    for item, units in pins:
        gives = [c for c in names if c == item or item in _alternates(scenario, c)]
        in_order = sorted(gives, key=lambda c: (c != item, c))
        ways.append(
            [
                (dict(zip(in_order, shares)), sum(n * q for n, q in enumerate(shares)))
                for shares in _shares(units, len(in_order))
            ]
            if gives
            else [({}, 0)]
        )
    found: dict[tuple[int, int], set[tuple[int, ...]]] = defaultdict(set)
    for choice in product(*ways):
        counted = dict.fromkeys(names, 0)
        for shares, _ in choice:
            for c, q in shares.items():
                counted[c] += q
        kits = max(-(-counted[c] // per_kit[c]) for c in names)
        found[(kits, sum(cost for _, cost in choice))].add(tuple(counted[c] for c in names))
    (kits, _), splits = min(found.items())
    if len(splits) > 1:
        raise ValueError("reference: kit pins whose splits tie with different units per component")
    return kits, dict(zip(names, splits.pop()))


def reference_optimum(
    scenario: Scenario, before: dict[tuple[LineKey, str], int] | None = None
) -> ReferenceResult:
    """Tier totals of the true lexicographic optimum of a tiny scenario (see the module docstring).

    With `before` (a previous plan's quantity per (line, lot id), no line printed or kept), also the
    fewest changed units holding those totals: one more level of the same search, the change being
    a sum over lines of |reserved + added - before| per lot."""
    lots = list(scenario.lots)
    if before is not None and scenario.pins:
        raise ValueError("reference: a previous plan and pins together are not transcribed")
    if len(lots) > MAX_LOTS:
        raise ValueError(f"reference: {len(lots)} lots, at most {MAX_LOTS}")
    items = {i.item: i for i in scenario.items}
    lines = list(scenario.lines)
    reasons = {ln.key: no_part_reason(scenario, ln) for ln in lines}
    taking_part = [ln for ln in lines if reasons[ln.key] is None]

    # Honoured reservations (section 2 reservations.csv, section 3).
    reserved_on_line: dict[LineKey, int] = defaultdict(int)
    reserved_from_lot: dict[int, int] = defaultdict(int)
    line_by_key = {ln.key: ln for ln in lines}
    for r in scenario.reservations:
        line = line_by_key[(r.order, r.line)]
        i = next(n for n, lot in enumerate(lots) if lot.lot == r.lot)
        serving = {line.item} | _alternates(scenario, line.item)
        if (
            reasons[line.key] is None
            and not _kit(scenario, line.item)
            and lot_may_serve(scenario, line, lots[i], serving)
        ):
            reserved_on_line[line.key] += r.quantity
            reserved_from_lot[i] += r.quantity

    # Pins (section 9): what each gives beyond the reservations of its (line, lot) is fixed.
    reserved_at_pair: dict[tuple[LineKey, int], int] = defaultdict(int)
    for r in scenario.reservations:
        line = line_by_key[(r.order, r.line)]
        i = next(n for n, lot in enumerate(lots) if lot.lot == r.lot)
        if reasons[line.key] is None and lot_may_serve(
            scenario, line, lots[i], {line.item} | _alternates(scenario, line.item)
        ):
            reserved_at_pair[(line.key, i)] += r.quantity
    closed: dict[LineKey, set[int]] = defaultdict(set)
    only: set[LineKey] = set()
    kit_pins: dict[LineKey, list[tuple[str, int]]] = defaultdict(list)
    """Per kit line, (item of the lot, units) of each pin."""
    makeup: dict[tuple[LineKey, str], int] = {}
    forced_lines: set[LineKey] = set()
    for pin in scenario.pins:
        line = line_by_key[pin.key]
        i = next(n for n, lot in enumerate(lots) if lot.lot == pin.lot)
        beyond = pin.quantity - reserved_at_pair[(line.key, i)]
        reserved_from_lot[i] += beyond
        closed[line.key].add(i)
        only |= {line.key} if pin.only else set()
        if _kit(scenario, line.item):
            kit_pins[line.key].append((lots[i].item, beyond))
        else:
            reserved_on_line[line.key] += beyond
        if pin.quantity > 0:
            forced_lines.add(line.key)
    for line in lines:
        parts = [(c, q) for c, q in _kit(scenario, line.item) if items[c].stocking]
        if parts:
            kits, counted = _pinned_kits(scenario, parts, kit_pins[line.key])
            reserved_on_line[line.key] += kits
            for c, q in parts:  # the other components of the pinned kits, matched by the optimiser
                if kits * q > counted[c]:
                    makeup[(line.key, c)] = kits * q - counted[c]
                    forced_lines.add(line.key)

    # What the optimiser may take per lot, and the safety-stock caps (section 4.2).
    usable = [lot_usable(scenario, lot) for lot in lots]
    initial = tuple(lot.allocable - reserved_from_lot[i] if usable[i] else 0 for i, lot in enumerate(lots))
    groups: list[tuple[tuple[int, ...], int]] = []
    for item in scenario.items:
        members = tuple(i for i, lot in enumerate(lots) if usable[i] and lot.item == item.item)
        groups.append((members, max(0, sum(initial[i] for i in members) - item.safety_stock)))
    for ss in scenario.safety_stock:
        members = tuple(
            i
            for i, lot in enumerate(lots)
            if usable[i] and lot.item == ss.item and lot.warehouse == ss.warehouse
        )
        groups.append((members, max(0, sum(initial[i] for i in members) - ss.quantity)))

    keys = tuple(sorted({tier_key(scenario, ln) for ln in taking_part}))
    tier_of = {k: t for t, k in enumerate(keys)}
    orders = {o.order: o for o in scenario.orders}

    def spec(line: Line) -> _LineSpec:
        item = items[line.item]
        open_qty = line.quantity - reserved_on_line[line.key]
        allowed = [q for q in range(open_qty + 1) if q % item.pack_size == 0]
        if line.full_line:
            allowed = [q for q in allowed if q in (0, open_qty)]
            if line.key in forced_lines and not orders[line.order].full_delivery:
                allowed = [q for q in allowed if q == open_qty]
        parts = _kit(scenario, line.item) or [(line.item, 1)]
        needs = []
        for part, per_unit in parts:
            if not items[part].stocking:
                continue  # a nonstock component needs no lot
            serving = {part} | _alternates(scenario, part)
            needs.append(
                (
                    per_unit,
                    tuple(
                        i
                        for i, lot in enumerate(lots)
                        if lot_may_serve(scenario, line, lot, serving)
                        and i not in closed[line.key]
                        and line.key not in only
                    ),
                    makeup.get((line.key, part), 0),
                )
            )
        return _LineSpec(line.key, tier_of[tier_key(scenario, line)], open_qty, tuple(allowed), tuple(needs))

    # Steps: each line on its own, except full-delivery orders, which are one step.
    steps: list[list[_LineSpec]] = []
    full_delivery: list[bool] = []
    forced: list[bool] = []
    fixed_zero: list[LineKey] = []
    for order in scenario.orders:
        own = [ln for ln in lines if ln.order == order.order]
        if order.full_delivery:
            blocked = any(reasons[ln.key] not in (None, "nonstock") for ln in own)
            part = [ln for ln in own if reasons[ln.key] is None]
            if blocked and any(ln.key in forced_lines for ln in own):
                raise PinsCannotComplete(f"order {order.order} ships complete, has a pin and is blocked")
            if blocked:
                fixed_zero += [ln.key for ln in part]
            elif part:
                steps.append([spec(ln) for ln in part])
                full_delivery.append(True)
                forced.append(any(ln.key in forced_lines for ln in own))
    for ln in taking_part:
        if not orders[ln.order].full_delivery:
            steps.append([spec(ln)])
            full_delivery.append(False)
            forced.append(False)
    if len(steps) > MAX_STEPS:
        raise ValueError(f"reference: {len(steps)} steps, at most {MAX_STEPS}")

    change = None
    constant = 0
    if before is not None:
        lot_id = [lot.lot for lot in lots]
        reserved_at: dict[tuple[LineKey, str], int] = defaultdict(int)
        for r in scenario.reservations:
            if reasons[(r.order, r.line)] is None and (r.order, r.line) in reserved_on_line:
                serving = {line_by_key[(r.order, r.line)].item} | _alternates(
                    scenario, line_by_key[(r.order, r.line)].item
                )
                i = lot_id.index(r.lot)
                if lot_may_serve(scenario, line_by_key[(r.order, r.line)], lots[i], serving):
                    reserved_at[((r.order, r.line), r.lot)] += r.quantity
        stepped = {spec.key for specs in steps for spec in specs}
        for (key, lot_name), q in before.items():  # lines no step touches keep their reservations only
            if key not in stepped:
                constant += abs(reserved_at.get((key, lot_name), 0) - q)
        for (key, lot_name), q in reserved_at.items():
            if key not in stepped and (key, lot_name) not in before:
                constant += q

        def change(key: LineKey, taken: dict[int, int]) -> int:
            names = {lot_name for k, lot_name in [*before, *reserved_at] if k == key}
            names |= {lot_id[i] for i in taken}
            now = {n: reserved_at.get((key, n), 0) for n in names}
            for i, q in taken.items():
                now[lot_id[i]] += q
            return sum(abs(now[n] - before.get((key, n), 0)) for n in names)

    search = _Search(steps, full_delivery, len(keys), initial, groups, change, forced)
    found = search.best(0, initial)
    if found is None:
        raise PinsCannotComplete("no plan completes the lines and orders the pins force")
    added_vec, added = found
    changed = None
    if change is not None:
        changed = constant - added_vec[-1]
        added_vec = added_vec[:-1]
    added.update(dict.fromkeys(fixed_zero, 0))

    base = [0] * len(keys)
    requested = [0] * len(keys)
    for ln in taking_part:
        base[tier_of[tier_key(scenario, ln)]] += reserved_on_line[ln.key]
        requested[tier_of[tier_key(scenario, ln)]] += ln.quantity
    return ReferenceResult(
        keys=keys,
        totals=tuple(b + a for b, a in zip(base, added_vec, strict=True)),
        requested=tuple(requested),
        reasons=reasons,
        reserved={ln.key: reserved_on_line[ln.key] for ln in taking_part},
        added=added,
        changed=changed,
    )
