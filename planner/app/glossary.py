"""The planner's words, explained in one sentence each, for the dashboard's help texts and tooltips."""

WORDS: dict[str, str] = {
    "tier": (
        "Lines that share one value of the objective key form a tier. Tiers are filled one after"
        " another, earliest first: a later tier never takes stock an earlier one could use."
    ),
    "key": (
        "The objective key's values of the tier's lines (by default ship date / priority, priority"
        " 0 highest): the order tiers are filled in."
    ),
    "bound": (
        "Proven upper bound: no plan can allocate more to this tier without taking from an earlier one."
        " Equal to allocated when the tier is proved optimal."
    ),
    "greedy": (
        "What the ERP-style greedy allocates: line by line in key order, each line taking what it can"
        " from its first lots, never going back."
    ),
    "gain": (
        "Units this plan allocates beyond the ERP-style greedy on the same scenario (not shown when"
        " units are mixed)."
    ),
    "no_part": (
        "Lines no lot may serve by rule: quotes, vendor shipments, nonstock items, lines not released"
        " or printed, receipts not in yet, outside the window. Not counted as short."
    ),
}
