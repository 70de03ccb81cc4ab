"""What a long run reports while it runs: the phase it is in, and its steps within the phase.

`solve` names its phases as summary.json's `phases` does (eligibility, greedy, optimise, fewest
changes, assign, report and check); a run adds load and write. Only the optimise phase has steps:
one per (component, tier) pair solved, since each component runs its own tiers.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, name: str) -> None:
        """A phase begins (the one before it has ended)."""

    def steps(self, done: int, total: int) -> None:
        """`done` of the phase's `total` steps are finished."""
