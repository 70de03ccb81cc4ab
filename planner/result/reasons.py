"""Why a line is not full, in words a planner reads (the codes are those of lines.csv).

The codes are set by `planner.engine.eligibility` (a line that takes no part) and
`planner.result.report` (a line that takes part and is short); this module only says
what each one means, for the dashboard and anyone else who shows them to people.
"""

from __future__ import annotations

SHORT_REASONS = (
    "no_eligible_stock",
    "full_delivery_blocked",
    "full_line_short",
    "safety_stock",
    "pack_size",
    "short",
)
"""Reasons a line that takes part gets less than it asks, in the order they are tested."""

REASON_WORDS: dict[str, str] = {
    "quote": "A quote, not an order: it takes no stock.",
    "not_released": "The order is not released yet, so it is not allocated.",
    "printed": "A pick list or pull ticket is printed already, so the line is left as it is.",
    "vendor_shipment": "The vendor ships it directly; it takes no stock of ours.",
    "po_not_received": "A special order whose purchase order is not received yet.",
    "nonstock": "A nonstock item: always allocated in full, without a lot.",
    "outside_window": "It ships after today plus the item's scheduling window.",
    "no_eligible_stock": (
        "No lot it may use has stock left (warehouse, owner, pick-and-place, item, status or expiry)."
    ),
    "full_delivery_blocked": "Its order must ship complete and cannot be completed.",
    "full_line_short": "It must be served whole, and that much is not free.",
    "safety_stock": "The stock left in the lots it may use is safety stock.",
    "pack_size": "Stock is left, but not a whole pack of it.",
    "short": "The stock it may use went to lines that ship earlier or rank higher.",
}
"""Every reason code (`planner.engine.eligibility.INELIGIBLE_REASONS` and `SHORT_REASONS`) in one sentence."""


def reason_words(code: str) -> str:
    """The reason in words; empty for no reason (a full line), the code itself if unknown."""
    if not code:
        return ""
    return REASON_WORDS.get(code, code)
