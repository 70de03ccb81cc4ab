"""Which parts of the contract a generated scenario uses (planner.io.generate): a module of its own
so that the command line can offer the switches without loading NumPy and pandas."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Features:
    """Which parts of the contract the generated data uses (all on by default)."""

    full_delivery: bool = True
    full_line: bool = True
    pack_size: bool = True
    kits: bool = True
    alternates: bool = True
    safety_stock: bool = True
    owners: bool = True
    pnp: bool = True
    windows: bool = True
    reservations: bool = True
    ineligible: bool = True
    """Quotes, unreleased and printed orders, vendor shipments, special orders, nonstock items."""
    supply_to_come: bool = True
    """A share of lots due in the next weeks (a few late), SPEC 8."""
    company: bool = True
    """The scenario names the company (SPEC 8); half its lots have owner "", a few orders list `*`."""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def only(cls, enabled: set[str]) -> Features:
        return cls(**{name: name in enabled for name in cls.names()})
