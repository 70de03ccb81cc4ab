"""Why a line is not full, in words a planner reads (the codes are those of lines.csv).

The codes are set by `planner.engine.eligibility` (a line that takes no part) and
`planner.result.report` (a line that takes part and is short); this module only says
what each one means, for the dashboard and anyone else who shows them to people.
"""

from __future__ import annotations

from models.codes import Reason

REASON_WORDS: dict[Reason, str] = {
    Reason.QUOTE: "A quote, not an order: it takes no stock.",
    Reason.NOT_RELEASED: "The order is not released yet, so it is not allocated.",
    Reason.PRINTED: "A pick list or pull ticket is printed already, so the line is left as it is.",
    Reason.VENDOR_SHIPMENT: "The vendor ships it directly; it takes no stock of ours.",
    Reason.PO_NOT_RECEIVED: "A special order whose purchase order is not received yet.",
    Reason.NONSTOCK: "A nonstock item: always allocated in full, without a lot.",
    Reason.OUTSIDE_WINDOW: "It ships after today plus the item's scheduling window.",
    Reason.NO_ELIGIBLE_STOCK: (
        "No lot it may use has stock left (warehouse, owner, pick-and-place, item, status or expiry)."
    ),
    Reason.FULL_DELIVERY_BLOCKED: "Its order must ship complete and cannot be completed.",
    Reason.FULL_LINE_SHORT: "It must be served whole, and that much is not free.",
    Reason.SAFETY_STOCK: "The stock left in the lots it may use is safety stock.",
    Reason.PACK_REMAINDER: "What it still lacks is less than one pack, and it is allocated in whole packs.",
    Reason.PACK_SIZE: "Some stock is free in the lots it may use, but less than a whole pack.",
    Reason.TIE_BREAK: (
        "A line of its own tier holds stock it may use: the tier's total is the same either way;"
        " later tiers, preferences or the tie-break decided which line got it."
    ),
    Reason.SHORT: (
        "The stock it may use is held by lines of earlier tiers, by reservations or by lines that"
        " keep their previous allocation."
    ),
}
"""Every reason code (`models.codes.Reason`) in one sentence."""


def reason_words(code: str) -> str:
    """The reason in words; empty for no reason (a full line), the code itself if unknown."""
    if not code:
        return ""
    try:
        return REASON_WORDS[Reason(code)]
    except ValueError:
        return code
