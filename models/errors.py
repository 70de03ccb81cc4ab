"""Input errors: every problem found in a scenario, reported together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class InputError:
    """One problem in the input: where it is and what is wrong.

    `row` is the spreadsheet row number (the header is row 1, the first data
    row is row 2); None for a problem with a whole table or the scenario file.
    """

    table: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class PlannerError(Exception):
    """The base of every error the planner raises on purpose; its message is for the user.

    `exit_code` is what the command line exits with: 2 for wrong input or usage, 1 for a fault;
    `wrote_nothing` whether it may say that nothing was written (False where it stops halfway).
    """

    exit_code = 1
    wrote_nothing = True


class InputErrors(PlannerError):
    """Raised with every input error found; nothing is solved or written."""

    exit_code = 2

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.table, e.row or 0, e.column or "", e.message))
        super().__init__("\n".join(str(e) for e in self.errors))
