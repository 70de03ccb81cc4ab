"""An independent checker: does a plan keep the contract (SPEC sections 2-5)?

The checker shares no code with the optimiser. Eligibility (section 3) and the
hard restrictions (section 4) are transcribed again here, plainly, so that a
mistake in one cannot hide behind the same mistake in the other. It reads the
plan as written (allocations.csv, lines.csv and summary.json), never the model.
Each line's reason is decided again from the scenario and the allocations;
summary.json's tier and total figures are summed again from lines.csv.

Every problem is collected as a `Violation`, never raised; the list comes back
sorted by rule, then message. Each rule is one generator of messages (in
`references`, `eligibility`, `restrictions` and `reports`), registered with its
code in `checker.RULES`. Besides the contract's restrictions there
are "mismatch" (a row's item, warehouse, owner or requested quantity
contradicts the scenario) and "table_format" (a missing column, a quantity that
is not a whole number, an unknown source, a line listed twice).
"""

from planner.check.checker import check_dir, check_tables
from planner.check.tables import ALLOCATION_COLUMNS, LINE_COLUMNS
from planner.check.violation import Violation

__all__ = ["ALLOCATION_COLUMNS", "LINE_COLUMNS", "Violation", "check_dir", "check_tables"]
