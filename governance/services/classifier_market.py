"""Scoring the classifier market once per epoch, against the moderation rounds resolved since the last one.

Each run takes the closed rounds not scored yet, builds the outcome of every item they decided
(its final result; missed quorum and brigading-flagged results are left out), and has the
``ClassifierMarket`` port score the classifiers' stored predictions. Standings (score, reputation,
bounty basis points) are stored per epoch; a negative reputation alerts the admins with the
ready-to-run delisting command. ``StoredBountyWeights`` serves the payout manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance.domain.classifier_market import MarketPeriod
from governance.domain.errors import WrongState
from governance.domain.moderation import ItemResult
from governance.domain.ranking import final_result
from governance.ports import ClassifierMarket, Clock, ModerationChain, ModerationUnitOfWork
from governance.services.content import admin_alert

__all__ = ["MarketDeps", "StoredBountyWeights", "score_epoch"]

MIN_RESOLVED_ITEMS = 10


@dataclass(frozen=True)
class MarketDeps:
    uow_factory: Callable[[], ModerationUnitOfWork]
    chain: ModerationChain
    market: ClassifierMarket
    clock: Clock


def _outcomes(histories: dict[str, list[ItemResult]]) -> dict[str, float]:
    outcomes: dict[str, float] = {}
    for item_id, history in sorted(histories.items()):
        result = final_result(item_id, history)
        if result is None or not result.tally.quorum_met or result.brigading is not None:
            continue
        counted = result.tally.derank_weight + result.tally.keep_weight
        outcomes[item_id] = result.tally.derank_weight / counted
    return outcomes


async def score_epoch(deps: MarketDeps, epoch: int) -> MarketPeriod | None:
    """Score ``epoch`` once; None (and nothing consumed) while fewer than ``MIN_RESOLVED_ITEMS`` resolved."""
    async with deps.uow_factory() as uow:
        if await uow.moderation.standings(epoch):
            raise WrongState(f"Epoch {epoch} was already scored.")
        rounds = await uow.moderation.unscored_rounds()
        records = [await uow.moderation.round(r) for r in rounds]
        items = sorted({i for record in records if record is not None for i in record.spec.item_ids})
        outcomes = _outcomes(await uow.moderation.histories(items))
        if len(outcomes) < MIN_RESOLVED_ITEMS:
            return None
        stored = await uow.moderation.scores(list(outcomes))
        previous = await uow.moderation.latest_reputations()
    listed = await deps.chain.listed_classifiers()
    predictions: dict[int, dict[str, float]] = {c.classifier_id: {} for c in listed}
    for item_id, by_classifier in stored.items():
        for classifier_id, value in by_classifier.items():
            predictions.setdefault(classifier_id, {})[item_id] = value
    stakes = {c.classifier_id: c.share_supply for c in listed}
    period = deps.market.score_period(epoch, outcomes, predictions, stakes, previous)
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        await uow.moderation.save_period(period)
        await uow.moderation.mark_scored(rounds, epoch)
        for draft in period.drafts:
            text = f"{draft.reason}\nTo put it to a vote, run:\n{draft.command}"
            await uow.outbox.add(admin_alert(f"delist:{draft.classifier_id}:{epoch}", text), now)
        await uow.commit()
    return period


class StoredBountyWeights:
    """``BountyWeightsReader`` on the stored standings: classifier id -> basis points for one epoch."""

    def __init__(self, uow_factory: Callable[[], ModerationUnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def weights(self, epoch: int) -> dict[int, int]:
        async with self._uow_factory() as uow:
            standings = await uow.moderation.standings(epoch)
        return {s.classifier_id: s.bounty_bps for s in standings if s.bounty_bps > 0}
