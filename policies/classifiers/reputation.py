"""Rolling reputation, bounty weights and delisting signals from per-period classifier scores.

- **Reputation** is an exponentially weighted average of period scores:
  ``rep_t = (1 - alpha) * rep_{t-1} + alpha * score_t``, starting from 0. A classifier without a
  score in a period keeps its reputation unchanged (it is neither rewarded nor decayed).
- **Bounty weights** for the payout manifest: the period's positive scores, quantised to
  millionths (``round(score * 1e6)``, so the split is integer arithmetic from there on), shared
  out as integer basis points by largest remainder: ``floor(10,000 * q_c / sum q)`` each, then the
  remaining points one by one to the largest remainders (ties: lower classifier id first). They sum
  to exactly 10,000; when no classifier scored above zero there are no weights and no bounty.
- **Delisting signal**: a classifier whose reputation is negative after at least
  ``min_epochs`` scored periods gets a ``DelistingSignal`` with a ready draft proposal text. It is
  advice for the admins, who decide whether to propose; the vote and the timelock do the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput
from policies.classifiers.scoring import ClassifierScore

__all__ = [
    "DelistingSignal",
    "Reputation",
    "ReputationRules",
    "bounty_weights",
    "delisting_signals",
    "update_reputations",
]

QUANTUM = 1_000_000


@dataclass(frozen=True, slots=True)
class ReputationRules:
    alpha: float = 0.2  # weight of the newest period; a score's weight halves in about 3 periods
    min_epochs: int = 3  # no delisting signal before this many scored periods

    def __post_init__(self) -> None:
        if not 0 < self.alpha <= 1:
            raise InvalidInput("The reputation smoothing factor must be in (0, 1].")


@dataclass(frozen=True, slots=True)
class Reputation:
    classifier_id: str
    value: float
    epochs: int  # scored periods so far


@dataclass(frozen=True, slots=True)
class DelistingSignal:
    classifier_id: str
    reputation: float
    epochs: int
    reason: str


def update_reputations(
    previous: Mapping[str, Reputation], scores: Mapping[str, ClassifierScore], rules: ReputationRules
) -> dict[str, Reputation]:
    """Fold one period's scores into the reputations (new classifiers start from 0)."""
    updated = dict(previous)
    for classifier_id, score in scores.items():
        old = previous.get(classifier_id, Reputation(classifier_id, 0.0, 0))
        value = (1 - rules.alpha) * old.value + rules.alpha * score.score
        updated[classifier_id] = Reputation(classifier_id, value, old.epochs + 1)
    return dict(sorted(updated.items()))


def bounty_weights(scores: Mapping[str, ClassifierScore]) -> dict[str, int]:
    """Integer basis points over classifiers with a positive score, summing to 10,000 (or empty)."""
    quanta = {cid: round(s.score * QUANTUM) for cid, s in sorted(scores.items())}
    positive = {cid: q for cid, q in quanta.items() if q > 0}
    total = sum(positive.values())
    if total == 0:
        return {}
    weights = {cid: BPS * q // total for cid, q in positive.items()}
    remainders = sorted(positive, key=lambda cid: (-(BPS * positive[cid] % total), cid))
    for cid in remainders[: BPS - sum(weights.values())]:
        weights[cid] += 1
    return weights


def _draft(reputation: Reputation, latest: ClassifierScore | None, rules: ReputationRules) -> str:
    text = (
        f"Delist classifier {reputation.classifier_id}. After {reputation.epochs} scored periods its "
        f"moderation reputation is {reputation.value:+.4f} (exponentially weighted, newest period "
        f"weighted {rules.alpha:g}): its labels have, on balance, ranked content against members' "
        "de-rank decisions."
    )
    if latest is not None:
        text += (
            f" In the latest period, over {latest.items} resolved items, its rank correlation with the "
            f"outcome was {latest.correlation:+.3f} and its contribution beyond the stake-weighted "
            f"ensemble {latest.contribution:+.3f}."
        )
    return text + (" Once delisted it earns no further revenue; its shareholders keep every dividend already paid.")


def delisting_signals(
    reputations: Mapping[str, Reputation],
    latest: Mapping[str, ClassifierScore],
    rules: ReputationRules,
) -> list[DelistingSignal]:
    """A signal for every classifier with a negative reputation after ``min_epochs`` periods."""
    return [
        DelistingSignal(cid, rep.value, rep.epochs, _draft(rep, latest.get(cid), rules))
        for cid, rep in sorted(reputations.items())
        if rep.value < 0 and rep.epochs >= rules.min_epochs
    ]
