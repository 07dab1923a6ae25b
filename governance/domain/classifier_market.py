"""Values of the classifier market as the bot stores them: listings, per-period standings, drafts.

The scoring itself (rank correlation, contribution, reputation, bounty split) lives in
``policies.classifiers``; the bot passes resolved outcomes and stored scores in through the
``ClassifierMarket`` port and keeps what comes back, per scoring period (epoch).
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput

__all__ = ["ClassifierStanding", "DelistingDraft", "ListedClassifier", "MarketPeriod", "delist_command"]


@dataclass(frozen=True, slots=True)
class ListedClassifier:
    """A classifier listed in the on-chain registry, with the model hash its artifact must match."""

    classifier_id: int
    name: str
    model_hash: bytes
    share_supply: int


@dataclass(frozen=True, slots=True)
class ClassifierStanding:
    """One classifier's result in one scoring period, and its rolling reputation after it."""

    classifier_id: int
    items: int
    correlation: float
    contribution: float
    score: float
    reputation: float
    epochs: int
    bounty_bps: int


@dataclass(frozen=True, slots=True)
class DelistingDraft:
    """Advice for the admins: the classifier's reputation turned negative; here is the proposal."""

    classifier_id: int
    reputation: float
    epochs: int
    reason: str

    @property
    def command(self) -> str:
        return delist_command(self.classifier_id, self.reason)


@dataclass(frozen=True, slots=True)
class MarketPeriod:
    epoch: int
    resolved_items: int
    standings: tuple[ClassifierStanding, ...]
    drafts: tuple[DelistingDraft, ...]

    def __post_init__(self) -> None:
        total = sum(s.bounty_bps for s in self.standings)
        if total not in (0, BPS) or any(s.bounty_bps < 0 for s in self.standings):
            raise InvalidInput("Bounty weights must be whole basis points summing to 10,000 (or none).")

    @property
    def bounty_weights(self) -> dict[int, int]:
        return {s.classifier_id: s.bounty_bps for s in self.standings if s.bounty_bps}


def delist_command(classifier_id: int, reason: str) -> str:
    """The slash command an admin runs to put the delisting up for a vote."""
    flat = " ".join(reason.split()).replace('"', "'")
    return f'/classifier delist classifier_id:{classifier_id} reason:"{flat}"'
