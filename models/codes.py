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
    SAFETY_STOCK = "safety_stock"
    PACK_SIZE = "pack_size"
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
    Reason.SAFETY_STOCK,
    Reason.PACK_SIZE,
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
