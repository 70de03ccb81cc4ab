"""The previous plan a re-plan starts from (SPEC 9, steps 1 to 3), resolved against today's scenario.

- Rows whose line or lot is gone, or whose lot may no longer serve the line
  (section 3), are dropped and counted by reason.
- Printed lines keep their previous allocation, and `keep` lines at least
  theirs, as far as the lots still hold it after honoured reservations
  (printed lines first, then kept lines, each in line order, lots in id order);
  a kit line keeps whole kits. What is carried over acts as a reservation
  (source `previous`); what could not be carried is reported.
- Every other row is a target of the fewest-changes level
  (planner.engine.stability).

The module works on indices and callables, so that eligibility can call it
without this module knowing the prepared tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from models.records import LineKey, Lot, PreviousPlan
from planner.engine.transport import edge, transport

DROP_REASONS = ("line_gone", "lot_gone", "may_not_serve")
"""Why a previous row is dropped, in the order tested (summary.json's changes.dropped)."""


@dataclass(frozen=True, slots=True)
class Need:
    """One part of a line: `per_unit` units per line unit from lots of `items` (empty: nonstock)."""

    per_unit: int
    items: frozenset[str]
    item: str = ""
    """The part's own item (its alternates' lots may give it too)."""


@dataclass(frozen=True, slots=True)
class PreviousState:
    """The previous plan as it stands against today's scenario."""

    before: dict[tuple[int, int], int]
    """(line, lot) index -> what the previous plan gave, over the rows that still stand."""
    previous_rows: dict[tuple[str, str, str], int]
    """(order, line, lot) -> what the previous plan gave, over every row (changes.csv's `before`)."""
    dropped: dict[str, int]
    """Rows dropped per reason of DROP_REASONS."""
    carried: tuple[tuple[int, int, int], ...]
    """(line, lot, quantity) carried over (printed and kept lines), in line then lot order."""
    carried_lines: dict[int, int]
    """Per line, what it carries over in line units (kits for a kit line)."""
    notes: tuple[str, ...]
    """What could not be carried over, in words."""


def resolve_previous(
    previous: PreviousPlan,
    keys: Sequence[LineKey],
    lots: Sequence[Lot],
    serves: Callable[[int, int], bool],
    needs: Callable[[int], list[Need]],
    precedence: Callable[[int], int | None],
    room: list[int],
    line_room: list[int],
    pinned: Callable[[int, int], bool],
    reserved: Mapping[tuple[int, int], int],
) -> PreviousState:
    """The previous plan resolved against today's lines (`keys`) and lots.

    `serves(line, lot)` says whether the lot may serve the line today; `precedence(line)` whether
    its previous allocation is carried over and in which turn (0 printed, 1 kept; None: not
    carried); `room` per lot and `line_room` per line are what honoured reservations leave
    (both are consumed); `reserved` per (line, lot) what honoured reservations give there, which
    counts towards what the line had of the lot (it is not carried over on top of itself)."""
    line_index = {key: i for i, key in enumerate(keys)}
    lot_index = {lot.lot: i for i, lot in enumerate(lots)}
    previous_rows: dict[tuple[str, str, str], int] = defaultdict(int)
    before: dict[tuple[int, int], int] = defaultdict(int)
    dropped = dict.fromkeys(DROP_REASONS, 0)
    for row in previous.allocations:
        previous_rows[(row.order, row.line, row.lot)] += row.quantity
        li, lo = line_index.get(row.key), lot_index.get(row.lot)
        if li is None:
            dropped["line_gone"] += 1
        elif lo is None:
            dropped["lot_gone"] += 1
        elif not serves(li, lo):
            dropped["may_not_serve"] += 1
        else:
            before[(li, lo)] += row.quantity
    lots_of_line: dict[int, list[int]] = defaultdict(list)
    for li, lo in sorted(before):
        if not pinned(li, lo):
            lots_of_line[li].append(lo)
    carried: list[tuple[int, int, int]] = []
    carried_lines: dict[int, int] = {}
    notes: list[str] = []
    turns = {li: turn for li in lots_of_line if (turn := precedence(li)) is not None}
    for li in sorted(turns, key=lambda li: (turns[li], li)):
        wanted = {lo: max(0, before[(li, lo)] - reserved.get((li, lo), 0)) for lo in lots_of_line[li]}
        got, carried_lines[li] = _carry_line(li, wanted, lots, needs(li), room, line_room)
        for lo in lots_of_line[li]:
            if got.get(lo, 0) < wanted[lo]:
                order, line = keys[li]
                kept = got.get(lo, 0) + before[(li, lo)] - wanted[lo]
                notes.append(
                    f"{order}/{line} keeps {kept} of lot {lots[lo].lot}, not the"
                    f" {before[(li, lo)]} it had (the lot or the line no longer holds it)"
                )
        carried += [(li, lo, q) for lo, q in sorted(got.items()) if q > 0]
    return PreviousState(
        dict(before), dict(previous_rows), dropped, tuple(sorted(carried)), carried_lines, tuple(notes)
    )


def _carry_line(
    li: int,
    wanted: dict[int, int],
    lots: Sequence[Lot],
    parts: list[Need],
    room: list[int],
    line_room: list[int],
) -> tuple[dict[int, int], int]:
    """What line `li` carries over of each of its previous lots (`wanted`: what it had there beyond
    its reservations, per lot in id order): as much as the lots hold, in whole line units (whole
    kits), no more than the line's open quantity, and how many line units that is; `room` and
    `line_room` are consumed."""
    stocking = [n for n in parts if n.items]
    if not stocking:
        return {}, 0
    line_lots = list(wanted)
    # What each lot can still give the line, and the parts it may give (a kit's components may
    # stand in for each other, so one lot may give two parts).
    offer = {lo: min(wanted[lo], room[lo]) for lo in line_lots}
    gives = [[lo for lo in line_lots if lots[lo].item in need.items] for need in stocking]
    units = min(line_room[li], *(sum(offer[lo] for lo in g) // n.per_unit for g, n in zip(gives, stocking)))
    if len({lo for g in gives for lo in g}) == sum(map(len, gives)):
        got = _in_lot_order(offer, gives, [units * n.per_unit for n in stocking])
    else:
        units, got = _shared_split(offer, gives, [n.per_unit for n in stocking], units)
    for lo, q in got.items():
        room[lo] -= q
    line_room[li] -= units
    return got, units


def _in_lot_order(offer: dict[int, int], gives: list[list[int]], wanted: list[int]) -> dict[int, int]:
    """Per lot, what parts that share no lot take of it, each its wanted units from its lots in order."""
    got: dict[int, int] = {}
    for part, left in zip(gives, wanted):
        for lo in part:
            take = min(offer[lo], left)
            if take > 0:
                got[lo] = take
                left -= take
    return got


def _shared_split(
    offer: dict[int, int], gives: list[list[int]], per_unit: list[int], most: int
) -> tuple[int, dict[int, int]]:
    """The most whole units (at most `most`) whose parts the lots can give together when parts
    share lots, and per lot what they take: a transportation problem per tried number of units
    (parts -> lots, each part exactly its units, each lot at most its offer, earlier lots
    cheaper), bisected, since whatever units can be given, fewer can too."""
    lot_list = sorted(offer)
    position = {lo: k for k, lo in enumerate(lot_list)}
    capacity = [offer[lo] for lo in lot_list]
    # A lot's cost is its node number in the flow (parts first), as the split has always had it.
    arcs = [(p, position[lo], len(gives) + position[lo]) for p, part in enumerate(gives) for lo in part]

    def split(units: int) -> dict[int, int] | None:
        flows = transport([units * per for per in per_unit], capacity, arcs)
        if flows is None:
            return None
        got: dict[int, int] = {}
        for (_, k, _), q in zip(arcs, flows):
            if q:
                got[lot_list[k]] = got.get(lot_list[k], 0) + q
        return got

    return edge(split, 0, {}, most + 1)
