"""Step 3 of the ladder: an upper bound on a tier's total over one block, from a flow
relaxation (planner.engine.flow.most_with_floors)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import cast

from planner.engine.eligibility import Prepared
from planner.engine.flow import most_with_floors
from planner.engine.ids import DemandId, LineId
from planner.engine.loop_state import LoopState


def block_bound(
    state: LoopState,
    tier: int,
    lines: list[LineId],
    demands: list[DemandId],
    tier_lines: list[LineId],
    fixed: set[LineId],
) -> int:
    """An upper bound on the tier's total over the block's lines.

    Each line that is not fixed counts through one of its demands on the block's pools, the
    one with the fewest units per line unit (a kit's other components take no stock in the
    relaxation). Fixed lines keep what they hold; every other earlier tier's lines together
    keep at least what they hold now, counting a line by the units of its counting demand
    (at least its quantity); lines on slack pools, which need no stock from the flow, count
    at their `max_addable`. The tier's lines take what the flow gives them beside that
    (fixed lines, kits without a one-unit component and lines on slack pools at their
    `max_addable`), and the total is rounded down to one their packs and all-or-nothing
    rules can reach.
    """
    prep, max_addable, added = state.prep, state.max_addable, state.holdings.added
    line_of = state.contention.line_of_demand
    counting = counting_demands(prep, demands)
    earlier: dict[int, list[LineId]] = defaultdict(list)
    for li in lines:
        if (prep.line_tier[li] or 0) < tier and li not in fixed:
            earlier[prep.line_tier[li] or 0].append(li)
    fixed_units = {d: prep.demands[d].per_unit * added[line_of[d]] for d in demands if line_of[d] in fixed}
    floors = [(fixed_units, sum(fixed_units.values()))]
    floors += [held_floor(prep, counting, members, added, max_addable) for members in earlier.values()]
    wanted = {
        counting[li]: max_addable[li]
        for li in tier_lines
        if li in counting and li not in fixed and prep.demands[counting[li]].per_unit == 1
    }
    flow = most_with_floors(prep, wanted, floors)
    counted = sum(max_addable[li] for li in tier_lines if li not in counting or counting[li] not in wanted)
    return reachable_total(prep, max_addable, tier_lines, flow + counted)


def counting_demands(prep: Prepared, demands: Iterable[DemandId]) -> dict[LineId, DemandId]:
    """Per line, the one of `demands` with the fewest units per line unit (the first of them): a
    flow relaxation counts the line through it alone, its other components taking no stock."""
    counting: dict[LineId, DemandId] = {}
    for d in demands:
        li = cast(LineId, prep.demands[d].line)
        if li not in counting or prep.demands[d].per_unit < prep.demands[counting[li]].per_unit:
            counting[li] = d
    return counting


def held_floor(
    prep: Prepared,
    counting: Mapping[LineId, DemandId],
    members: Iterable[LineId],
    added: Mapping[LineId, int],
    most: Mapping[LineId, int],
) -> tuple[dict[DemandId, int], int]:
    """A floor of `most_with_floors` that holds the members together to at least what they are
    `added`: each member counts by the units of its counting demand up to `most` of it (at least
    its quantity), and a member without one (it needs no stock from the flow) counts at `most`."""
    members = list(members)
    needs = {counting[li]: prep.demands[counting[li]].per_unit * most[li] for li in members if li in counting}
    outside = sum(most[li] for li in members if li not in counting)
    return needs, max(0, sum(added.get(li, 0) for li in members) - outside)


def reachable_total(prep: Prepared, max_addable: dict[LineId, int], lines: list[LineId], limit: int) -> int:
    """The largest total of the lines' quantities, each whole packs up to its `max_addable` (a
    full line or full-delivery line: 0 or all of it; a plain line: anything), that is at most
    `limit`."""
    reach, any_amount = 1, 0  # bit s of reach: s is a total of the lines with steps
    mask = (1 << (limit + 1)) - 1
    for li in lines:
        line, addable = prep.lines[li], max_addable[li]
        if line.full_delivery or line.full_line:
            reach |= reach << addable
        elif line.pack_size > 1:
            base = reach
            for k in range(line.pack_size, addable + 1, line.pack_size):
                reach |= base << k
        else:
            any_amount += addable
        reach &= mask
    best = max(s for s in range(limit + 1) if reach >> s & 1)
    return min(limit, best + any_amount)
