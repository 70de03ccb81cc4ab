"""Rules of the lines table's report columns (SPEC section 6): status, reason and tier."""

from __future__ import annotations

from collections.abc import Iterator

from models.records import Line
from planner.check.facts import Facts
from planner.check.previous import carried_by_lot
from planner.check.tables import PlanTables, integer
from planner.check.violation import line_name

SHORT_REASONS = (
    "short",
    "full_line_short",
    "pack_size",
    "safety_stock",
    "no_eligible_stock",
    "full_delivery_blocked",
)


def status(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """Status is full when allocated == requested, partial when between, none when zero."""
    for key, line, allocated in plan.allocated:
        want = "full" if allocated == line.quantity else "none" if allocated == 0 else "partial"
        said = plan.results[key].status
        if said != want:
            yield f"{line_name(key)} is allocated {allocated} of {line.quantity}: {want}, not {said!r}"


def reasons(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A line's reason is its exclusion code, empty when full, else a shortage code that can be true."""
    taken = carried_by_lot(plan)
    for key, line, allocated in plan.allocated:
        said, kept_out = plan.results[key].reason, facts.reason[key]
        wrong: str | None = None
        if kept_out is not None:
            wrong = f"it takes no part ({kept_out})" if said != kept_out else None
        elif allocated == line.quantity:
            wrong = "it is allocated in full" if said else None
        else:
            wrong = _why_short_reason_wrong(facts, line, said, taken)
        if wrong is not None:
            yield f"{line_name(key)} has reason {said!r} but {wrong}"


def _why_short_reason_wrong(facts: Facts, line: Line, said: str, taken: dict[str, int]) -> str | None:
    """Why `said` cannot explain why a taking-part line is not full, or None when it can."""
    order = facts.orders[line.order]
    if said not in SHORT_REASONS:
        return f"a line not served in full needs one of {', '.join(SHORT_REASONS)}"
    if said == "no_eligible_stock" and facts.has_stock(line, taken):
        return "a lot that may serve it has allocable stock"
    if said not in ("no_eligible_stock", "full_delivery_blocked") and not facts.has_stock(line, taken):
        return "no lot that may serve it has allocable stock (no_eligible_stock)"
    if said == "full_delivery_blocked" and not order.full_delivery:
        return f"order {order.order} is not full_delivery"
    if said == "full_line_short" and not line.full_line:
        return "it is not a full_line line"
    if said == "pack_size" and facts.item(line.item).pack_size <= 1:
        return f"item {line.item} has pack size 1"
    return None


def tier_key(facts: Facts, line: Line) -> tuple[object, ...]:
    """The line's values of the scenario's objective key (priority: the line's, else its order's)."""
    return tuple(
        [facts.priority(line) if f == "priority" else getattr(line, f) for f in facts.scenario.objective_key]
    )


def tiers(facts: Facts, plan: PlanTables) -> Iterator[str]:
    """A taking-part line's tier is its key's rank among all taking-part keys (1 = first); others none."""
    lines = [(line, tier_key(facts, line), facts.reason[line.key] is None) for line in facts.scenario.lines]
    rank = {key: str(n) for n, key in enumerate(sorted({key for _, key, part in lines if part}), start=1)}
    written = {tier: _tier_as_number(tier) for tier in {result.tier for result in plan.results.values()}}
    for line, key, taking_part in lines:
        result = plan.results.get(line.key)
        if result is None:
            continue
        want = rank[key] if taking_part else ""
        if written[result.tier] != want:
            shown = ", ".join(str(v) for v in key)
            yield f"{line_name(line.key)} (key {shown}) is in tier {result.tier!r}, expected {want!r}"


def _tier_as_number(tier: str) -> str:
    """A written tier as the whole number it says ("1.0" -> "1"), else as written."""
    number = integer(tier)
    return tier if number is None else str(number)
