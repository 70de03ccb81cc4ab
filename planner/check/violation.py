"""What the checker reports: a `Violation`, and how its messages name a line."""

from __future__ import annotations

from dataclasses import dataclass

from models.records import LineKey


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: a short code and a sentence naming what and how much."""

    rule: str
    message: str


def line_name(key: LineKey) -> str:
    return f"line {key[0]}/{key[1]}"
