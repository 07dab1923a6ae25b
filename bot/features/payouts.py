"""Payouts wiring: the scheduled epoch pipeline (its stage per epoch a gauge), the published manifests,
/dividends, receipts."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.context import BotContext
from bot.dividend_render import RENDERERS
from bot.wiring import JobSpec, Wiring
from governance.adapters.chain.payouts import Web3PayoutChain
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import Address
from governance.domain.errors import DaobotError
from governance.domain.payout_runs import PayoutRun, PayoutStage
from governance.ports import BountyWeights
from governance.services.payout_verify import RevenueShareBountyWeights, StandingsBountyWeights
from governance.services.payouts import Observer, PayoutDeps, PayoutSettings, run_payouts

__all__ = ["SqlClaimable", "build_payout_deps", "payout_job", "wire"]

log = logging.getLogger(__name__)


class SqlClaimable:
    """``ClaimableReader``: what the payout runs owe an account and have not pushed yet."""

    def __init__(self, ctx: BotContext) -> None:
        self._ctx = ctx

    async def claimable(self, holder: Address) -> int:
        async with self._ctx.uow_factory() as uow:
            history = await uow.payouts.history(self._ctx.settings.chain_id, holder)
        return sum(h.amount for h in history if h.claimable)


def _stage_gauge(ctx: BotContext) -> Observer | None:
    """``daobot_payout_epoch_step{epoch}``: the stage each epoch's run reached, as its position in
    ``PayoutStage`` (new 0, closed 1, computed 2, proposed 3, vetoed 4, claiming 5, claimed 6, done 7)."""
    metrics = ctx.services.get("metrics")
    if metrics is None:
        return None
    order = list(PayoutStage)

    def observe(_step: str, run: PayoutRun) -> None:
        metrics.payout_state.labels(epoch=str(run.epoch)).set(order.index(run.stage))

    return observe


def build_payout_deps(ctx: BotContext) -> PayoutDeps:
    reader = ctx.services.get("bounty_weights")
    weights: BountyWeights = StandingsBountyWeights(reader) if reader is not None else RevenueShareBountyWeights()
    settings = ctx.settings
    return PayoutDeps(
        uow_factory=ctx.uow_factory,
        chain=Web3PayoutChain(ctx.service("w3"), ctx.service("deployment")),
        sender=ctx.service("sender"),
        weights=weights,
        clock=ctx.clock,
        settings=PayoutSettings(settings.public_base_url, settings.payout_claim_batch_gas, settings.payout_first_epoch),
        observer=_stage_gauge(ctx),
    )


async def payout_job() -> None:
    """The scheduled job: advance every ended epoch's payout (the scheduler lease runs it in one instance)."""
    from bot.runtime import current

    try:
        await run_payouts(current().ctx.service("payouts"))
    except DaobotError as exc:
        log.warning("payout run stopped: %s", exc.message)


def _manifest_route(ctx: BotContext) -> web.RouteDef:
    async def manifest(request: web.Request) -> web.Response:
        try:
            epoch = int(request.match_info["epoch"])
        except ValueError:
            raise web.HTTPNotFound() from None
        async with ctx.uow_factory() as uow:
            content = await _manifest(uow, ctx.settings.chain_id, epoch)
        if content is None:
            raise web.HTTPNotFound(text=f"no manifest for epoch {epoch}")
        return web.Response(body=content, content_type="application/json")

    return web.get(r"/payouts/{epoch:\d+}.json", manifest)


async def _manifest(uow: SqlAlchemyUnitOfWork, chain_id: int, epoch: int) -> bytes | None:
    return await uow.payouts.manifest(chain_id, epoch)


def wire(ctx: BotContext, wiring: Wiring) -> None:
    ctx.services["payouts"] = build_payout_deps(ctx)
    ctx.services["claims"] = SqlClaimable(ctx)
    wiring.renderers.update(RENDERERS)
    wiring.web_routes.append(_manifest_route(ctx))
    wiring.cogs.append("bot.cogs.dividends")
    every = {"seconds": ctx.settings.epoch_job_interval_seconds}
    wiring.jobs.append(JobSpec("payouts", "bot.features.payouts:payout_job", "interval", every))
