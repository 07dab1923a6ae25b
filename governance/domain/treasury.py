"""The treasury as members read it: how long the reserve lasts, in plain words. Values and rules only.

Runway is the reserve divided by the operating cost of one epoch (a setting, since operating costs are
off chain); with no cost configured there is no runway to tell.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Runway", "TreasuryHoldings", "duration_words", "runway", "runway_words"]

_UNITS: tuple[tuple[str, int, int], ...] = (
    # name, seconds in one, the fewest worth naming in this unit
    ("year", 365 * 86_400, 2),
    ("month", 30 * 86_400, 2),
    ("week", 7 * 86_400, 2),
    ("day", 86_400, 2),
    ("hour", 3_600, 2),
    ("minute", 60, 1),
)


@dataclass(frozen=True)
class TreasuryHoldings:
    """The Treasury's balance of the revenue token, and the part of it still owed to open epochs."""

    balance: int
    open_revenue: int
    current_epoch_revenue: int

    @property
    def reserve(self) -> int:
        return self.balance - self.open_revenue


@dataclass(frozen=True)
class Runway:
    """Whole epochs of operating costs the reserve pays for (floor), and what one epoch lasts."""

    epochs: int
    epoch_seconds: int

    @property
    def seconds(self) -> int:
        return self.epochs * self.epoch_seconds


def runway(reserve: int, op_cost_per_epoch: int, epoch_seconds: int) -> Runway | None:
    """None when no operating cost is configured: runway is then unknown, not infinite."""
    if op_cost_per_epoch <= 0:
        return None
    return Runway(max(0, reserve) // op_cost_per_epoch, epoch_seconds)


def duration_words(seconds: int) -> str:
    """``seconds`` in the largest unit that leaves at least two of it: "about 3 months", "5 days"."""
    for name, size, fewest in _UNITS:
        count = seconds // size
        if count >= fewest:
            exact = "" if seconds % size == 0 else "about "
            return f"{exact}{count} {name}{'' if count == 1 else 's'}"
    return "less than a minute"


def runway_words(found: Runway | None) -> str:
    if found is None:
        return ("Runway is not configured: an admin sets the operating cost per epoch "
                "(DAOBOT_ALLOCATION_OP_COST_PER_EPOCH) to have it shown.")
    if found.epochs == 0:
        return "The reserve does not cover one epoch of operating costs."
    plural = "epoch" if found.epochs == 1 else "epochs"
    return (f"The reserve covers {found.epochs} {plural} of operating costs "
            f"({duration_words(found.seconds)}) with no further revenue.")
