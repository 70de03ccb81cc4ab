"""The contract's vocabularies (SPEC sections 3, 4 and 6): one enum each, used everywhere.

They are string enums, so a value is the code the output files carry and
compares equal to it.
"""

from __future__ import annotations

import enum


class PlanStatus(enum.StrEnum):
    """summary.json's status: `optimal` only when every tier total is proved best."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    ERROR = "error"


class Reason(enum.StrEnum):
    """lines.csv's reason: why a line takes no part, or why a line that takes part is not full."""

    QUOTE = "quote"
    NOT_RELEASED = "not_released"
    PRINTED = "printed"
    VENDOR_SHIPMENT = "vendor_shipment"
    PO_NOT_RECEIVED = "po_not_received"
    NONSTOCK = "nonstock"
    OUTSIDE_WINDOW = "outside_window"
    NO_ELIGIBLE_STOCK = "no_eligible_stock"
    FULL_DELIVERY_BLOCKED = "full_delivery_blocked"
    FULL_LINE_SHORT = "full_line_short"
    PACK_REMAINDER = "pack_remainder"
    SAFETY_STOCK = "safety_stock"
    PACK_SIZE = "pack_size"
    TIE_BREAK = "tie_break"
    SHORT = "short"


INELIGIBLE_REASONS = (
    Reason.QUOTE,
    Reason.NOT_RELEASED,
    Reason.PRINTED,
    Reason.VENDOR_SHIPMENT,
    Reason.PO_NOT_RECEIVED,
    Reason.NONSTOCK,
    Reason.OUTSIDE_WINDOW,
)
"""Reasons a line takes no part (SPEC 3), in the order they are tested."""

SHORT_REASONS = (
    Reason.NO_ELIGIBLE_STOCK,
    Reason.FULL_DELIVERY_BLOCKED,
    Reason.FULL_LINE_SHORT,
    Reason.PACK_REMAINDER,
    Reason.SAFETY_STOCK,
    Reason.PACK_SIZE,
    Reason.TIE_BREAK,
    Reason.SHORT,
)
"""Reasons a line that takes part gets less than it asks, in the order they are tested."""


class Source(enum.StrEnum):
    """allocations.csv's source: what put the quantity on the line."""

    OPTIMIZER = "optimizer"
    RESERVATION = "reservation"
    NONSTOCK = "nonstock"
    PREVIOUS = "previous"
    """Carried over from the previous plan: a printed line's pick list, a kept line's floor (SPEC 9)."""
    PIN = "pin"
    """A planner's pin (SPEC 9): exactly this quantity of this lot."""


class ExplainKind(enum.StrEnum):
    """explain.csv's kind (SPEC 10): one fact about a line that is not full."""

    RULE = "rule"
    HELD_BY = "held_by"
    FIRST_IN_TIER = "first_in_tier"
    EXTRA_STOCK = "extra_stock"
    RELAX = "relax"


class Filter(enum.StrEnum):
    """A condition of SPEC 3 (and 8) that keeps a lot from serving a line: explain.csv's `relax` detail."""

    WAREHOUSES = "warehouses"
    OWNERS = "owners"
    PNP = "pnp"
    STATUS = "status"
    EXPIRED = "expired"
    DUE = "due"
