"""Pins (SPEC 9): a planner's decisions, resolved against the prepared lines and lots.

A pin gives a line exactly `quantity` of a lot (0: never from it); `only` gives it
nothing from any lot it is not pinned to. What a pin gives beyond the reservations of
the same (line, lot) is fixed before the tiers, like a reservation (source `pin`), so
it may use safety stock and the pack-size, full-line and full-delivery rules count
what the optimiser adds beyond it. The optimiser gives a line nothing more from a
pinned lot, and nothing at all to an `only` line.

A full line with a pin above 0, and every line of a full-delivery order with such a
pin, must be completed: they are *forced*. The engine serves them in a tier of their
own before every other (`Prepared.line_tier` 0), which its lexicographic proof then
holds; a forced line left short there cannot be completed and is an input error
naming its pins (`incomplete`).

A kit line's pins on component lots fix the fewest whole kits k that hold them,
each pinned unit counted for a component its lot may give (where no lot may give
two, k = max over components of ceil(pinned / per kit)). Where the pins are not in
kit ratio, the units those k kits need beyond the pins (the *make-up*) are one more,
forced, line of the engine (`with_makeup_lines`), closed to the same lots, whose
demands are the make-up per component; its allocations are reported as its kit
line's. Left short, the kit cannot be matched: an input error on the kit's pins.
What the optimiser adds beyond the k kits is whole kits, as for any kit line.

Every pin that cannot be honoured is an input error naming its row (`InputErrors`).
The module works on indices and callables, as `planner.engine.previous` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from models.codes import Reason
from models.errors import InputError, InputErrors
from models.records import LineKey, Lot, Pin
from planner.engine.previous import Need
from planner.engine.transport import edge, transport


class PinnedLine(Protocol):
    """What pins read of a line (planner.engine.eligibility.PreparedLine)."""

    @property
    def key(self) -> LineKey: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def requested(self) -> int: ...
    @property
    def reserved(self) -> int: ...
    @property
    def pack_size(self) -> int: ...
    @property
    def full_line(self) -> bool: ...
    @property
    def full_delivery(self) -> bool: ...
    @property
    def is_kit(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class PinState:
    """The pins as they act on the prepared lines and lots."""

    fixed: tuple[tuple[int, int, int], ...]
    """(line, lot, quantity) each pin gives beyond the reservations of its (line, lot), in line
    then lot order (only quantities above 0)."""
    fixed_lines: dict[int, int]
    """Per line, what its pins fix beyond reservations in line units (for a kit line the whole kits
    they start)."""
    closed: dict[int, frozenset[int]]
    """Per line, the lots the optimiser gives it nothing from (every lot pinned to it)."""
    only: frozenset[int]
    """Lines the optimiser gives nothing at all."""
    forced: frozenset[int]
    """Lines that must be completed: a full line with a pin above 0, every line of a full-delivery
    order with one (only those the pins and reservations leave open), and the make-up lines."""
    pins_of: dict[int, tuple[Pin, ...]]
    """Per line, its pins (for messages)."""
    makeup: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Per kit line whose pins are not in kit ratio: (part, units) its pinned kits need beyond the
    pins, per part (an index into its kit's parts); the optimiser must add them."""
    kit_of: dict[int, int] = field(default_factory=dict)
    """Per make-up line (`with_makeup_lines`), the kit line it completes."""

    def with_makeup_lines(self, kit_of: dict[int, int]) -> PinState:
        """The state with the make-up lines the engine added (make-up line -> its kit line): each
        is forced, and closed to the same lots as its kit line."""
        closed = dict(self.closed) | {m: self.closed[kit] for m, kit in kit_of.items()}
        return replace(self, forced=self.forced | frozenset(kit_of), closed=closed, kit_of=kit_of)

    def owner(self, li: int) -> int:
        """The line whose allocation line `li`'s is: its kit line for a make-up line, else itself."""
        return self.kit_of.get(li, li)

    def closes(self, li: int) -> frozenset[int] | None:
        """The lots closed to line `li` (None: the optimiser gives it nothing at all)."""
        return None if li in self.only else self.closed.get(li, frozenset())


NO_PINS = PinState((), {}, {}, frozenset(), frozenset(), {})


def _error(pin: Pin, column: str, message: str) -> InputError:
    return InputError(pin.table, pin.row, column, message)


def _name(key: LineKey) -> str:
    return f"({key[0]}, {key[1]})"


def resolve_pins(
    pins: Sequence[Pin],
    lines: Sequence[PinnedLine],
    line_index: dict[LineKey, int],
    lots: Sequence[Lot],
    lot_index: dict[str, int],
    why_not_serve: Callable[[int, int], str | None],
    needs: Callable[[int], list[Need]],
    reserved_pair: dict[tuple[int, int], int],
) -> PinState:
    """The pins against today's lines and lots; raises InputErrors naming every pin that cannot
    be honoured. `why_not_serve(line, lot)` says why a lot may not serve a line (None: it may);
    `needs(line)` are the line's parts (one per kit component); `reserved_pair` what honoured
    reservations give per (line, lot)."""
    errors: list[InputError] = []
    pins_of: dict[int, list[Pin]] = defaultdict(list)
    for pin in pins:
        li, lo = line_index[pin.key], lot_index[pin.lot]
        line = lines[li]
        if line.reason is not None:
            errors.append(_error(pin, "line", f"line {_name(line.key)} takes no part ({line.reason})"))
            continue
        why = why_not_serve(li, lo)
        if why is not None:
            errors.append(_error(pin, "lot", f"lot '{pin.lot}' may not serve line {_name(line.key)}: {why}"))
            continue
        pins_of[li].append(pin)
    fixed: list[tuple[int, int, int]] = []
    fixed_lines: dict[int, int] = {}
    makeup: dict[int, tuple[tuple[int, int], ...]] = {}
    for li, line_pins in sorted(pins_of.items()):
        beyond = {
            lot_index[p.lot]: p.quantity - reserved_pair.get((li, lot_index[p.lot]), 0) for p in line_pins
        }
        if lines[li].is_kit:
            kits = _kits(line_pins, lines[li], lots, lot_index, needs(li), errors)
            if kits is None:
                continue
            fixed_lines[li] = kits[0]
            if kits[1]:
                makeup[li] = kits[1]
        else:
            fixed_lines[li] = sum(beyond.values())
        fixed += [(li, lo, q) for lo, q in beyond.items() if q > 0]
    reserved_lots: dict[int, set[int]] = defaultdict(set)
    for m, lo in reserved_pair:
        reserved_lots[m].add(lo)
    for li, line_pins in sorted(pins_of.items()):
        pinned = {lot_index[p.lot] for p in line_pins}
        elsewhere = sorted(lots[lo].lot for lo in reserved_lots[li] - pinned)
        if elsewhere and any(p.only for p in line_pins):
            for pin in line_pins:
                message = (
                    f"line {_name(lines[li].key)} is pinned to its lots only, but it has reservations on"
                    f" lot(s) {', '.join(elsewhere)}; pin those lots too"
                )
                errors.append(_error(pin, "only", message))
    forced = _forced(pins_of, lines, fixed_lines, errors)
    if errors:
        raise InputErrors(errors)
    return PinState(
        fixed=tuple(sorted(fixed)),
        fixed_lines={li: q for li, q in fixed_lines.items() if q > 0},
        closed={li: frozenset(lot_index[p.lot] for p in ps) for li, ps in pins_of.items()},
        only=frozenset(li for li, ps in pins_of.items() if any(p.only for p in ps)),
        makeup=makeup,
        forced=forced,
        pins_of={li: tuple(ps) for li, ps in pins_of.items()},
    )


def _kits(
    line_pins: list[Pin],
    line: PinnedLine,
    lots: Sequence[Lot],
    lot_index: dict[str, int],
    parts: list[Need],
    errors: list[InputError],
) -> tuple[int, tuple[tuple[int, int], ...]] | None:
    """The kits a kit line's pins fix (kit lines have no reservations): the fewest whole kits that
    hold every pinned unit (`_fewest_kits`), and per part (its index in `parts`) the units those
    kits need beyond the pins counted for it, which the optimiser must add from other lots (the
    make-up); None after an error (more kits than the line's quantity, or an `only` line whose
    pins are not in kit ratio)."""
    given = [
        (pin.quantity, _parts_giving(lots[lot_index[pin.lot]].item, parts))
        for pin in line_pins
        if pin.quantity
    ]
    k, units = _fewest_kits(given, parts)
    stocking = [i for i, need in enumerate(parts) if need.items]
    makeup = tuple(
        (i, k * parts[i].per_unit - units[i]) for i in stocking if k * parts[i].per_unit > units[i]
    )
    problem = None
    if k > line.requested:
        problem = (
            f"the pins of kit line {_name(line.key)} need {k} kits,"
            f" above the line's quantity {line.requested}"
        )
    elif makeup and any(p.only for p in line_pins):
        shown = ", ".join(
            f"{units[i]} of {'/'.join(sorted(parts[i].items))} ({parts[i].per_unit} per kit)"
            for i in stocking
        )
        problem = (
            f"kit line {_name(line.key)} is pinned to its lots only, but its pins make no whole kits"
            f" ({shown}); pin every component in kit ratio"
        )
    if problem is not None:
        errors.extend(_error(pin, "quantity", problem) for pin in line_pins)
        return None
    return k, makeup


def _parts_giving(item: str, parts: list[Need]) -> list[int]:
    """The parts a pinned lot of `item` may give, the one it counts for first: the part that is the
    item itself, else the first part it may stand in for (a kit's components may be alternates of
    one another); then the others, in kit order."""
    giving = [i for i, need in enumerate(parts) if item in need.items]
    first = next((i for i in giving if parts[i].item == item), giving[0])
    return [first, *(i for i in giving if i != first)]


def _fewest_kits(given: list[tuple[int, list[int]]], parts: list[Need]) -> tuple[int, list[int]]:
    """The fewest whole kits that hold the pinned units, and per part the units counted for it.
    `given` is per pin its units and the parts its lot may give (`_parts_giving`): each unit counts
    for one of those, no part above the kits times its per-kit units. Of the splits into the
    fewest kits, the one that counts each unit as early in its lot's list as it can (least total
    position): every unit for its lot's first part where no split needs fewer kits than that;
    else a transportation problem per tried number of kits, bisected, since what fits k kits fits
    more (with two stocking parts that split is unique; see docs/design.md, Pins)."""
    units = [0] * len(parts)
    for quantity, giving in given:
        units[giving[0]] += quantity
    stocking = [i for i, need in enumerate(parts) if need.items]
    kits = max((-(-units[i] // parts[i].per_unit) for i in stocking), default=0)
    if all(len(giving) == 1 for _, giving in given):
        return kits, units
    arcs = [(g, part, rank) for g, (_, giving) in enumerate(given) for rank, part in enumerate(giving)]

    def split(k: int) -> list[int] | None:
        flows = transport([q for q, _ in given], [k * need.per_unit for need in parts], arcs)
        if flows is None:
            return None
        got = [0] * len(parts)
        for (_, part, _), q in zip(arcs, flows):
            got[part] += q
        return got

    fewer = -(-sum(units) // sum(parts[i].per_unit for i in stocking)) - 1  # holds fewer units
    return edge(split, kits, units, fewer)


def _forced(
    pins_of: dict[int, list[Pin]],
    lines: Sequence[PinnedLine],
    fixed_lines: dict[int, int],
    errors: list[InputError],
) -> frozenset[int]:
    """The lines that must be completed and are still open; a forced line that can never be
    completed in whole packs, or a pinned full-delivery order with a line that takes no part,
    is an error on its pins."""
    open_qty = {li: ln.requested - ln.reserved - fixed_lines.get(li, 0) for li, ln in enumerate(lines)}
    of_order: dict[str, list[int]] = defaultdict(list)
    for li, ln in enumerate(lines):
        if ln.full_delivery:
            of_order[ln.key[0]].append(li)
    forced: set[int] = set()
    for li, line_pins in sorted(pins_of.items()):
        if not any(p.quantity > 0 for p in line_pins):
            continue
        line = lines[li]
        members = of_order[line.key[0]] if line.full_delivery else ([li] if line.full_line else [])
        for member in members:
            other = lines[member]
            if other.reason == Reason.NONSTOCK:  # allocated in full; never blocks its order
                continue
            if other.reason is not None:
                for pin in line_pins:
                    message = (
                        f"order {line.key[0]} ships complete and line {_name(line.key)} is pinned, but line"
                        f" {_name(other.key)} takes no part ({other.reason}): the order cannot be completed"
                    )
                    errors.append(_error(pin, "quantity", message))
            elif open_qty[member] % other.pack_size:
                why = "its order ships complete" if line.full_delivery else "a full line"
                for pin in line_pins:
                    message = (
                        f"line {_name(other.key)} must be completed ({why} with a pin), but the"
                        f" {open_qty[member]} the pins and reservations leave open are not whole packs"
                        f" of {other.pack_size}"
                    )
                    errors.append(_error(pin, "quantity", message))
            elif open_qty[member] > 0:
                forced.add(member)
    return frozenset(forced)


def incomplete(state: PinState, lines: Sequence[PinnedLine], short: set[int], proved: bool) -> InputErrors:
    """The error for forced lines `short` of completion after the pinned tier, on the pins above 0
    of each full line, full-delivery order and kit line (its make-up line) left short."""
    how = "under the pins and the rules" if proved else "(no plan that does was found within the time limit)"
    what: dict[Pin, str] = {}
    for li in sorted(short):
        line = lines[li]
        if li in state.kit_of:
            for pin in state.pins_of.get(state.kit_of[li], ()):
                what[pin] = (
                    f"kit line {_name(line.key)}: the other components of the kits its pins start cannot"
                    f" be matched {how}"
                )
        elif line.full_delivery:
            order = line.key[0]
            gaps = ", ".join(_name(lines[m].key) for m in sorted(short) if lines[m].key[0] == order)
            for m, pins in state.pins_of.items():
                if lines[m].key[0] == order:
                    for pin in pins:
                        what[pin] = (
                            f"order {order} ships complete and has a pin, but it cannot be completed"
                            f" {how} (lines {gaps})"
                        )
        else:
            for pin in state.pins_of.get(li, ()):
                what[pin] = (
                    f"line {_name(line.key)} is a full line with a pin, but it cannot be completed {how}"
                )
    return InputErrors(
        [_error(pin, "quantity", message) for pin, message in what.items() if pin.quantity > 0]
    )
