"""Handlers for the Treasury, DividendDistributor, ClassifierRegistry (ERC-1155 shares) and ModerationLedger."""

from __future__ import annotations

import json

from governance.adapters.chain.abi import DecodedLog
from governance.adapters.chain.projection import ZERO, Handler, Projection
from governance.domain import events as ev

__all__ = ["TREASURY_HANDLERS"]


def _revenue(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("revenue_payments", d, epoch=a["epoch"], classifier_id=a["classifierId"], payer=a["payer"],
             amount=a["amount"])


def _epoch_closed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("epoch_closings", d, epoch=a["epoch"], revenue=a["revenue"], member_dividends=a["memberDividends"],
             classifier_dividends=a["classifierDividends"], bounties=a["bounties"], reserve=a["reserve"],
             operations=a["operations"])
    ctx.emit(ev.EpochClosed(ctx.position(d), a["epoch"], a["revenue"], a["memberDividends"],
                            a["classifierDividends"], a["bounties"], a["reserve"], a["operations"]))


def _treasury_change(kind: str) -> Handler:
    def handle(ctx: Projection, d: DecodedLog) -> None:
        payload = {key: (list(value) if isinstance(value, (list, tuple)) else value) for key, value in d.args.items()}
        ctx.fact("treasury_changes", d, kind=kind, payload=json.dumps(payload, default=str))

    return handle


def _funded(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("epoch_fundings", d, epoch=a["epoch"], member_budget=a["memberBudget"],
             classifier_budget=a["classifierBudget"], bounty_budget=a["bountyBudget"])


def _root_proposed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("dividend_roots", d, epoch=a["epoch"], kind="proposed", root=a["root"], total=a["total"],
             manifest_hash=a["manifestHash"], manifest_uri=a["manifestUri"], claimable_at=a["claimableAt"])
    ctx.emit(ev.RootProposed(ctx.position(d), a["epoch"], a["root"], a["total"], a["manifestHash"],
                             a["manifestUri"], a["claimableAt"]))


def _root_vetoed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("dividend_roots", d, epoch=a["epoch"], kind="vetoed", root=a["root"])
    ctx.emit(ev.RootVetoed(ctx.position(d), a["epoch"], a["root"]))


def _claimed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("dividend_claims", d, epoch=a["epoch"], account=a["account"], amount=a["amount"])
    ctx.emit(ev.DividendClaimed(ctx.position(d), a["epoch"], a["account"], a["amount"]))


def _swept(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("epoch_sweeps", d, epoch=a["epoch"], amount=a["amount"])
    ctx.emit(ev.DividendsSwept(ctx.position(d), a["epoch"], a["amount"]))


def _listed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("classifier_events", d, classifier_id=a["id"], kind="listed", name=a["name"], owner=a["owner"],
             model_hash=a["modelHash"], uri=a["uri"], share_supply=a["shareSupply"])
    ctx.emit(ev.ClassifierListed(ctx.position(d), a["id"], a["name"], a["owner"], a["modelHash"], a["uri"],
                                 a["shareSupply"]))


def _delisted(ctx: Projection, d: DecodedLog) -> None:
    ctx.fact("classifier_events", d, classifier_id=d.args["id"], kind="delisted")
    ctx.emit(ev.ClassifierDelisted(ctx.position(d), d.args["id"]))


def _share_move(ctx: Projection, block: int, sender: str, receiver: str, token_id: int, value: int) -> None:
    if sender != ZERO:
        ctx.registers.add("share_balances", (token_id, sender), block, -value)
    if receiver != ZERO:
        ctx.registers.add("share_balances", (token_id, receiver), block, value)


def _transfer_single(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    _share_move(ctx, d.log.block_number, a["from"], a["to"], a["id"], a["value"])


def _transfer_batch(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    for token_id, value in zip(a["ids"], a["values"], strict=True):
        _share_move(ctx, d.log.block_number, a["from"], a["to"], token_id, value)


def _anchored(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("moderation_anchors", d, round_id=a["roundId"], root=a["root"], uri=a["uri"], moderator=a["moderator"])
    ctx.emit(ev.RoundAnchored(ctx.position(d), a["roundId"], a["root"], a["uri"], a["moderator"]))


TREASURY_HANDLERS: dict[str, Handler] = {
    "RevenuePaid": _revenue,
    "EpochClosed": _epoch_closed,
    "AllocationChanged": _treasury_change("allocation"),
    "ReserveSpent": _treasury_change("reserve_spent"),
    "EpochFunded": _funded,
    "RootProposed": _root_proposed,
    "RootVetoed": _root_vetoed,
    "Claimed": _claimed,
    "Swept": _swept,
    "ClassifierListed": _listed,
    "ClassifierDelisted": _delisted,
    "TransferSingle": _transfer_single,
    "TransferBatch": _transfer_batch,
    "RoundAnchored": _anchored,
}
