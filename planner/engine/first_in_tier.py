"""SPEC 10's `first_in_tier`: the most a line could be allocated in any plan that keeps every
earlier tier's optimal total, as if it went first in its tier.

Only the line, the lines of earlier tiers and the other lines of their full-delivery orders
matter (the *active* lines of planner.engine.contention): every other line can be left at
nothing. Among those, only the ones tied to the line by lots, safety-stock groups and
full-delivery orders (its *piece*): pieces share no stock, so each keeps the earlier tiers'
totals it has in the plan, which are its own lexicographic optimum. The line's own
all-or-nothing rule (full line, its order's full delivery) is lifted, its pack size kept: the
answer is how much stock it could reach (SPEC 10's example: "it must ship whole and 20 are free
... first in its tier it could have 20").

With no integer rule in the piece, the lexicographic min-cost flow answers exactly (the line is
the piece's last tier); otherwise one MIP over the piece (planner.engine.model) with each
earlier tier's total held, proved like a tier: a value the solver does not prove is not exact.
That is `plain`, the reference; most lines need neither, since a lower and an upper bound on
the piece's optimum that meet are the optimum:

- `ceiling`, an upper bound: a line gets no more than its open quantity, nor, per demand, than
  the stock of the lots it may use (each demand's lots give exactly per_unit x the line), in
  whole packs. The plan is a feasible point of the piece's MIP, so when the plan already adds
  the ceiling, that is the answer: no piece is needed (a line with no usable lot, a line short
  by less than a pack).
- `most_beside`, a lower bound: every other line of the piece keeps the quantity the plan adds
  to it (its lots may change) and the line takes what the lots then spare (one min-cost flow,
  kept demands first). That point keeps each earlier tier's total and every other line's pack
  and all-or-nothing rules, as the plan did, so the MIP allows it.
- `relaxed_most`, an upper bound: the MIP without its integer rules and with each line counted
  through one demand (a kit's other components take no stock) is a flow with floors
  (`planner.engine.flow.most_with_floors`: each earlier tier's lines, by the units of their
  counting demands, at least the tier's total in the plan): every point of the MIP is one of
  this flow, so its most for the line, rounded down to the line's ceiling and packs, bounds it.

When `most_beside` equals `relaxed_most` the line's answer is that, proved, with no MIP; the
plan's own quantity is never above `most_beside`, so the answer is the same as `plain`'s
whenever `plain` proves its own (and a line `plain` would leave unproved under a time limit is
proved). `tests/planner/engine/test_first_in_tier_properties.py` holds `first_in_tier` to
`plain` and the three bounds around it on random scenarios.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from planner.engine.backends import Backend
from planner.engine.bound import counting_demands, held_floor
from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.flow import lexicographic_flow, most_with_floors, served
from planner.engine.ids import DemandId, GroupId, LineId, PairId
from planner.engine.mip import SolverError, SolveStatus
from planner.engine.model import build_model


@dataclass(frozen=True, slots=True)
class FirstInTier:
    """What a line could have first in its tier (reservations included; kits for a kit line),
    with a proven upper bound; `proved` when the two are known equal."""

    quantity: int
    bound: int
    proved: bool


def first_in_tier(
    prep: Prepared,
    added: Mapping[int, int],
    lines: Sequence[int],
    backend: Backend,
    time_limit: float | None = None,
    earlier_proved: bool = True,
) -> dict[int, FirstInTier]:
    """`FirstInTier` of each of `lines` (participating lines) in the plan that adds `added`;
    `earlier_proved` says whether the plan's tier totals are proved optimal (if not, no answer is)."""
    piece_of = Pieces(prep)
    out: dict[int, FirstInTier] = {}
    for li in lines:
        line = prep.lines[li]
        got, bound, proved = _most(prep, added, cast(LineId, li), piece_of, backend, time_limit)
        got = max(got, added.get(li, 0))
        out[li] = FirstInTier(line.reserved + got, line.reserved + max(bound, got), proved and earlier_proved)
    return out


def _most(
    prep: Prepared,
    added: Mapping[int, int],
    li: LineId,
    piece_of: Pieces,
    backend: Backend,
    time_limit: float | None,
) -> tuple[int, int, bool]:
    """What the line can be added at most first in its tier, a proven bound, and whether proved:
    the plan's quantity when its `ceiling` proves it, else, where the piece needs a MIP, what it
    can have beside the plan (`most_beside`) when `relaxed_most` proves it, else `plain`."""
    got = added.get(li, 0)
    if ceiling(prep, li) == got:
        return got, got, True
    piece = piece_of.piece(li)
    if (
        piece is None
    ):  # tied to a kit's make-up line (planner.engine.pins), which the plan reports as its kit line's
        return got, ceiling(prep, li), False
    if _needs_mip(prep, li, piece):
        beside = most_beside(prep, added, li, piece)
        if relaxed_most(prep, added, li, piece) == beside:
            return beside, beside, True
    return plain(prep, added, li, piece, backend, time_limit)


def ceiling(prep: Prepared, li: LineId) -> int:
    """The most any plan can add to the line: its open quantity and, per demand, the stock of the
    lots it may use (in line units), rounded down to whole packs."""
    line = prep.lines[li]
    most = line.open_after_reservations
    for d in prep.line_demands[li]:
        stock = sum(prep.capacity[prep.pairs[p].lot] for p in prep.demand_pairs[d])
        most = min(most, stock // prep.demands[d].per_unit)
    return most - most % line.pack_size


def most_beside(prep: Prepared, added: Mapping[int, int], li: LineId, piece: Component) -> int:
    """What the line can be added while every other line of the piece keeps what the plan adds to
    it, in whole packs (planner.engine.flow.served): a plan the piece's MIP allows, since the others'
    quantities, and so their rules and tier totals, are the plan's and the line's own
    all-or-nothing rule is lifted."""
    line = prep.lines[li]
    kept = {
        cast(DemandId, d): prep.demands[d].per_unit * added.get(m, 0)
        for m in piece.lines
        if m != li and added.get(m, 0)
        for d in prep.line_demands[m]
    }
    wanted = {
        cast(DemandId, d): prep.demands[d].per_unit * line.open_after_reservations
        for d in prep.line_demands[li]
    }
    got = served(prep, wanted, kept)
    most = min((got[d] // prep.demands[d].per_unit for d in wanted), default=line.open_after_reservations)
    return most - most % line.pack_size


def relaxed_most(prep: Prepared, added: Mapping[int, int], li: LineId, piece: Component) -> int:
    """An upper bound on what the piece's MIP adds to the line, from a flow relaxation
    (planner.engine.flow.most_with_floors): every line of the piece counts through one demand
    (planner.engine.bound.counting_demands), each earlier tier's lines together hold what the
    plan adds to them (`held_floor`), no pack or all-or-nothing rule holds; rounded down to the
    line's `ceiling`'s packs. The line's own open quantity if it takes no stock."""
    counting = counting_demands(prep, piece.demands)
    if li not in counting:
        return prep.lines[li].open_after_reservations
    most = {m: prep.lines[m].open_after_reservations for m in piece.lines}
    floors = [
        held_floor(prep, counting, members, cast(Mapping[LineId, int], added), most)
        for members in _earlier_tiers(prep, li, piece).values()
    ]
    d = counting[li]
    per_unit = prep.demands[d].per_unit
    units = most_with_floors(prep, {d: per_unit * most[li]}, floors)
    quantity = min(units // per_unit, ceiling(prep, li))
    return quantity - quantity % prep.lines[li].pack_size


def plain(
    prep: Prepared,
    added: Mapping[int, int],
    li: LineId,
    piece: Component,
    backend: Backend,
    time_limit: float | None,
) -> tuple[int, int, bool]:
    """What the line can be added at most over its piece, a proven bound, and whether proved: the
    lexicographic flow when no integer rule holds in the piece, else `_by_mip`."""
    if _needs_mip(prep, li, piece):
        return _by_mip(prep, added, li, piece, backend, time_limit)
    got = lexicographic_flow(prep, piece.lines, piece.pairs)[li]
    return got, got, True


def _needs_mip(prep: Prepared, li: LineId, piece: Component) -> bool:
    """Whether a line of the piece has an integer rule (the line's own all-or-nothing lifted)."""
    return any(_integer(prep, m, relaxed=m == li) for m in piece.lines)


def _earlier_tiers(prep: Prepared, li: LineId, piece: Component) -> dict[int, list[LineId]]:
    """The piece's lines of tiers before the line's, by tier, in tier order."""
    tier = prep.line_tier[li] or 0
    earlier: dict[int, list[LineId]] = defaultdict(list)
    for m in piece.lines:
        own = prep.line_tier[m]
        if own is not None and own < tier:
            earlier[own].append(m)
    return dict(sorted(earlier.items()))


def _integer(prep: Prepared, li: int, relaxed: bool) -> bool:
    """Whether the line has an integer side restriction (its own all-or-nothing lifted if `relaxed`)."""
    line = prep.lines[li]
    return line.is_kit or line.pack_size > 1 or (not relaxed and (line.full_line or line.full_delivery))


class Pieces:
    """The piece of a line: the active lines at its tier tied to it, with their demands, pairs
    and safety-stock groups."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.order_lines: dict[str, list[LineId]] = defaultdict(list)
        self.order_tier: dict[str, int] = {}
        for li, line in enumerate(prep.lines):
            tier = prep.line_tier[li]
            if line.full_delivery and tier is not None:
                order = line.key[0]
                self.order_lines[order].append(cast(LineId, li))
                self.order_tier[order] = min(self.order_tier.get(order, tier), tier)

    def _active(self, li: LineId, tier: int) -> bool:
        line, own = self.prep.lines[li], self.prep.line_tier[li]
        return own is not None and (
            own < tier or (line.full_delivery and self.order_tier[line.key[0]] < tier)
        )

    def piece(self, li: LineId) -> Component | None:
        """The line's piece; None when a line of it is a make-up line of a kit pinned out of kit
        ratio, which the reported tables (`Prepared.reported`) leave out."""
        prep = self.prep
        tier = prep.line_tier[li] or 0
        lines, lots, groups = {li}, set(), set()
        todo = [li]
        while todo:
            m = todo.pop()
            tied: list[LineId] = []
            if m != li and prep.lines[m].full_delivery:
                tied += self.order_lines[prep.lines[m].key[0]]
            new_lots = [prep.pairs[p].lot for d in prep.line_demands[m] for p in prep.demand_pairs[d]]
            while new_lots:
                lot = new_lots.pop()
                if lot in lots:
                    continue
                lots.add(lot)
                for g in prep.lot_groups[lot]:
                    if g not in groups:
                        groups.add(g)
                        new_lots += prep.cap_groups[g].lots
                tied += [cast(LineId, prep.demands[prep.pairs[p].demand].line) for p in prep.lot_pairs[lot]]
            for other in tied:
                if other >= len(prep.lines):
                    return None
                if other not in lines and self._active(other, tier):
                    lines.add(other)
                    todo.append(other)
        ordered = sorted(lines)
        demands = [cast(DemandId, d) for m in ordered for d in prep.line_demands[m]]
        pairs = [cast(PairId, p) for d in demands for p in prep.demand_pairs[d]]
        return Component(ordered, demands, pairs, sorted(cast(set[GroupId], groups)), True)


def _by_mip(
    prep: Prepared,
    added: Mapping[int, int],
    li: LineId,
    piece: Component,
    backend: Backend,
    time_limit: float | None,
) -> tuple[int, int, bool]:
    """What the MIP over the piece adds to the line at most, a proven bound, and whether proved."""
    model = build_model(prep, piece)
    mip, col = model.mip, model.line_col[li]
    line = prep.lines[li]
    mip.rows = [row for row in mip.rows if row.name != f"whole[{li}]"]
    if line.pack_size > 1 and (line.full_line or line.full_delivery):
        packs = mip.add_var(0, line.open_after_reservations // line.pack_size, True, f"m[{li}]")
        mip.add_row([col, packs], [1, -line.pack_size], 0, 0, f"pack[{li}]")
    for t, members in _earlier_tiers(prep, li, piece).items():
        cols = [model.line_col[m] for m in members]
        mip.add_row(cols, [1] * len(cols), sum(added.get(m, 0) for m in members), math.inf, f"tier[{t}]")
    hint = {model.line_col[m]: float(added.get(m, 0)) for m in piece.lines}
    start = time.monotonic()
    result = backend.solve(mip, {col: 1.0}, time_limit, hint)
    if result.status is SolveStatus.ERROR or (
        result.values is None and result.status is not SolveStatus.NO_SOLUTION
    ):
        raise SolverError(
            f"{backend.name} on the first-in-tier MIP of {'/'.join(line.key)} after"
            f" {time.monotonic() - start:.1f} s: {result.status.value} {result.message}"
        )
    got = added.get(li, 0) if result.values is None else round(result.values[col])
    if result.status is SolveStatus.OPTIMAL:
        return got, got, True
    bound = line.open_after_reservations
    if math.isfinite(result.bound):
        bound = min(bound, math.floor(result.bound + 1e-6))
    return got, bound, False
