"""The treasury allocation as members read it, and the rules for turning a suggested split into a
proposal. Values and rules only, no I/O.

Pool order everywhere: member dividends, classifier dividends, bounties, reserve, operations; a split is
five integer basis points summing to 10,000 (``Treasury.setAllocation`` enforces the same, and the
reserve floor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput, WrongState

__all__ = [
    "POOL_NAMES",
    "RESERVE",
    "TreasuryFigures",
    "allocation_description",
    "allocation_title_prefix",
    "ensure_proposable",
    "parse_split",
    "percent",
    "split_words",
]

POOL_NAMES: tuple[str, ...] = ("member dividends", "classifier dividends", "bounties", "reserve", "operations")
RESERVE = 3


@dataclass(frozen=True)
class TreasuryFigures:
    """The treasury as the chain shows it now: what the advisor needs, in base units and seconds."""

    reserve_balance: int
    revenue_history: tuple[int, ...]  # ended epochs, oldest first
    current_split: tuple[int, ...]
    reserve_floor_bps: int
    epoch_seconds: int
    current_epoch: int
    op_cost_per_epoch: int


def percent(bps: int) -> str:
    return f"{bps // 100}.{bps % 100:02d}%"


def split_words(split: Sequence[int]) -> str:
    return ", ".join(f"{name} {percent(bps)}" for name, bps in zip(POOL_NAMES, split, strict=True))


def parse_split(text: str) -> tuple[int, ...]:
    """Five basis-point numbers separated by ``-`` (as a button carries them); ``InvalidInput`` otherwise."""
    parts = text.split("-")
    if len(parts) != len(POOL_NAMES) or not all(p.isdigit() and len(p) <= 5 for p in parts):
        raise InvalidInput("That is not a split of the five treasury pools.")
    return tuple(int(p) for p in parts)


def ensure_proposable(proposed: Sequence[int], figures: TreasuryFigures) -> tuple[int, ...]:
    """A split the Treasury will accept and that changes something; refused with a member-readable reason."""
    split = tuple(proposed)
    if len(split) != len(POOL_NAMES) or any(b < 0 for b in split) or sum(split) != BPS:
        raise InvalidInput("A split is five basis-point shares that add up to 10,000. Nothing was proposed.")
    if split[RESERVE] < figures.reserve_floor_bps:
        raise WrongState(
            f"The suggested reserve share ({percent(split[RESERVE])}) is below the Treasury's reserve floor "
            f"({percent(figures.reserve_floor_bps)}); the timelock would refuse it. Nothing was proposed."
        )
    if split == figures.current_split:
        raise WrongState("The suggested split is the split already on chain. Nothing to propose.")
    return split


def allocation_title_prefix(epoch: int) -> str:
    return f"Treasury allocation (advisor, epoch {epoch})"


def allocation_description(
    proposer: str, proposed: Sequence[int], figures: TreasuryFigures, source: str, reason: str
) -> str:
    """The proposal's text: the title names the epoch, so each epoch's suggestion is its own proposal."""
    changes = "\n".join(
        f"- {name}: {percent(old)} -> {percent(new)}"
        for name, old, new in zip(POOL_NAMES, figures.current_split, proposed, strict=True)
    )
    which = "the policy's split" if source == "policy" else "the best fixed split (the policy is advisory)"
    return (
        f"# {allocation_title_prefix(figures.current_epoch)}: {split_words(proposed)}\n\n"
        f"Proposed from Discord by {proposer}, from the allocation advisor's suggestion.\n\n{changes}\n\n"
        f"The advisor proposes {which}: {reason}.\n\n"
        "When executed, the timelock calls Treasury.setAllocation; the next epoch to close is split this way."
    )
