"""A solved plan and what it writes (SPEC 6): the plan, its report tables, reason words, atomic output."""
