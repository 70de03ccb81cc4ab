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
naming its pins (`incomplete`). A kit line's pins on component lots must make whole
kits in ratio (the optimiser does not yet match the other components of a partial
kit; docs/design.md).

Every pin that cannot be honoured is an input error naming its row (`PinErrors`).
The module works on indices and callables, as `planner.engine.previous` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from models.errors import InputError, InputErrors
from models.records import LineKey, Lot, Pin
from planner.engine.previous import Need


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
    """Per line, what its pins give beyond reservations in line units (kits for a kit line)."""
    closed: dict[int, frozenset[int]]
    """Per line, the lots the optimiser gives it nothing from (every lot pinned to it)."""
    only: frozenset[int]
    """Lines the optimiser gives nothing at all."""
    forced: frozenset[int]
    """Lines that must be completed: a full line with a pin above 0, every line of a full-delivery
    order with one; only those the pins and reservations leave open."""
    pins_of: dict[int, tuple[Pin, ...]]
    """Per line, its pins (for messages)."""

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
    for li, line_pins in sorted(pins_of.items()):
        beyond = {
            lot_index[p.lot]: p.quantity - reserved_pair.get((li, lot_index[p.lot]), 0) for p in line_pins
        }
        parts = needs(li)
        units = (
            sum(beyond.values())
            if not lines[li].is_kit
            else _kits(line_pins, lines[li], lots, lot_index, parts, errors)
        )
        if units is None:
            continue
        fixed_lines[li] = units
        fixed += [(li, lo, q) for lo, q in beyond.items() if q > 0]
    for li, line_pins in sorted(pins_of.items()):
        pinned = {lot_index[p.lot] for p in line_pins}
        elsewhere = sorted(lots[lo].lot for (m, lo) in reserved_pair if m == li and lo not in pinned)
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
) -> int | None:
    """The whole kits a kit line's pins make, every stocking component pinned in kit ratio (kit
    lines have no reservations); None after an error."""
    stocking = [n for n in parts if n.items]
    units: list[int] = [0] * len(stocking)
    for pin in line_pins:
        item = lots[lot_index[pin.lot]].item
        c = next(i for i, need in enumerate(stocking) if item in need.items)
        units[c] += pin.quantity
    kits = {u // need.per_unit for u, need in zip(units, stocking)}
    whole = all(u % need.per_unit == 0 for u, need in zip(units, stocking)) and len(kits) == 1
    if not whole:
        per_kit = ", ".join(
            f"{u} of {'/'.join(sorted(n.items))} ({n.per_unit} per kit)" for u, n in zip(units, stocking)
        )
        for pin in line_pins:
            message = (
                f"the pins of kit line {_name(line.key)} do not make whole kits ({per_kit}); pin every"
                " component in kit ratio"
            )
            errors.append(_error(pin, "quantity", message))
        return None
    (k,) = kits
    if k > line.requested:
        for pin in line_pins:
            message = (
                f"the pins of kit line {_name(line.key)} make {k} kits,"
                f" above the line's quantity {line.requested}"
            )
            errors.append(_error(pin, "quantity", message))
        return None
    return k


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
    of each full line, and of each full-delivery order, left short."""
    how = "under the pins and the rules" if proved else "(no plan that does was found within the time limit)"
    what: dict[Pin, str] = {}
    for li in sorted(short):
        line = lines[li]
        if line.full_delivery:
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
