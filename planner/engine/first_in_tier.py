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
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from planner.engine.backends import Backend
from planner.engine.components import Component
from planner.engine.eligibility import Prepared
from planner.engine.flow import lexicographic_flow
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
    piece_of = _Pieces(prep)
    out: dict[int, FirstInTier] = {}
    for li in lines:
        line = prep.lines[li]
        piece = piece_of.piece(cast(LineId, li))
        if any(_integer(prep, m, relaxed=m == li) for m in piece.lines):
            got, bound, proved = _by_mip(prep, added, cast(LineId, li), piece, backend, time_limit)
        else:
            got = lexicographic_flow(prep, piece.lines, piece.pairs)[cast(LineId, li)]
            bound, proved = got, True
        got = max(got, added.get(li, 0))
        out[li] = FirstInTier(line.reserved + got, line.reserved + max(bound, got), proved and earlier_proved)
    return out


def _integer(prep: Prepared, li: int, relaxed: bool) -> bool:
    """Whether the line has an integer side restriction (its own all-or-nothing lifted if `relaxed`)."""
    line = prep.lines[li]
    return line.is_kit or line.pack_size > 1 or (not relaxed and (line.full_line or line.full_delivery))


class _Pieces:
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

    def piece(self, li: LineId) -> Component:
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
    tier = prep.line_tier[li] or 0
    earlier: dict[int, list[LineId]] = defaultdict(list)
    for m in piece.lines:
        own = prep.line_tier[m]
        if own is not None and own < tier:
            earlier[own].append(m)
    for t, members in sorted(earlier.items()):
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
