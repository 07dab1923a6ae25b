"""Moderation wiring: content intake, hash-checked classifiers, de-rank rounds on a schedule,
appeals, penalties, round anchoring and the classifier market.

Jobs (textual references for the job store; each calls one service and is safe to repeat):

- ``open_round_job``: on ``DAOBOT_MODERATION_OPEN_CRON``, opens a round over the queue;
- ``close_rounds_job``: every 15 s, closes rounds whose window ended and anchors closed rounds;
- ``score_market_job``: every ``DAOBOT_EPOCH_JOB_INTERVAL_SECONDS``, scores the last finished epoch.
"""

from __future__ import annotations

import logging

from bot import runtime
from bot.context import BotContext
from bot.moderation_render import render_admin_alert, render_item, render_result
from bot.web.moderation import moderation_routes
from bot.wiring import JobSpec, Wiring
from governance.adapters.chain.moderation import Web3ModerationChain
from governance.domain.errors import DaobotError
from governance.services import classifier_market, content, moderation
from policies.classifiers.artifacts import REFERENCE_DIR
from policies.classifiers.market import ArtifactDirectory, NumeraiStyleMarket

__all__ = ["close_rounds_job", "open_round_job", "score_market_job", "wire"]

log = logging.getLogger(__name__)
_CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def _cron(expression: str) -> dict[str, str]:
    parts = expression.split()
    if len(parts) != len(_CRON_FIELDS):
        raise ValueError(f"DAOBOT_MODERATION_OPEN_CRON must have 5 fields, got {expression!r}")
    return dict(zip(_CRON_FIELDS, parts, strict=True))


def wire(ctx: BotContext, wiring: Wiring) -> None:
    settings = ctx.settings
    chain = Web3ModerationChain(ctx.service("chain"), ctx.service("sender"))
    loader = ArtifactDirectory(settings.classifier_artifacts_dir or REFERENCE_DIR)
    intake = content.IntakeDeps(ctx.uow_factory, chain, loader, ctx.clock, settings.moderation_score_threshold)
    deps = moderation.ModerationDeps(
        ctx.uow_factory,
        chain,
        ctx.clock,
        settings.public_base_url,
        round_seconds=settings.moderation_round_seconds,
        batch_size=settings.moderation_batch_size,
    )
    market = classifier_market.MarketDeps(ctx.uow_factory, chain, NumeraiStyleMarket(), ctx.clock)
    ctx.services.update(
        moderation_chain=chain,
        content_intake=intake,
        moderation=deps,
        classifier_market=market,
        bounty_weights=classifier_market.StoredBountyWeights(ctx.uow_factory),
    )
    wiring.renderers[moderation.ITEM_MESSAGE] = render_item
    wiring.renderers[moderation.ITEM_RESULT] = render_result
    wiring.renderers[content.ADMIN_ALERT] = render_admin_alert
    wiring.web_routes.extend(
        moderation_routes(
            settings, lambda: ctx.service("content_intake"), lambda: ctx.service("moderation"), ctx.clock.now
        )
    )
    wiring.jobs.extend(
        [
            JobSpec(
                "moderation-open",
                "bot.features.moderation:open_round_job",
                "cron",
                _cron(settings.moderation_open_cron),
            ),
            JobSpec("moderation-close", "bot.features.moderation:close_rounds_job", "interval", {"seconds": 15}),
            JobSpec(
                "classifier-market",
                "bot.features.moderation:score_market_job",
                "interval",
                {"seconds": settings.epoch_job_interval_seconds},
            ),
        ]
    )
    wiring.cogs.append("bot.cogs.moderation")


async def open_round_job() -> None:
    record = await moderation.open_round(runtime.current().ctx.service("moderation"))
    if record is not None:
        log.info("opened moderation round %d over %d posts", record.spec.round_id, len(record.spec.item_ids))


async def close_rounds_job() -> None:
    for result in await moderation.close_due_rounds(runtime.current().ctx.service("moderation")):
        log.info("closed moderation round %d", result.spec.round_id)


async def score_market_job() -> None:
    deps: classifier_market.MarketDeps = runtime.current().ctx.service("classifier_market")
    epoch = await deps.chain.current_epoch() - 1
    if epoch < 0:
        return
    try:
        period = await classifier_market.score_epoch(deps, epoch)
    except DaobotError as exc:
        log.debug("classifier market not scored for epoch %d: %s", epoch, exc.message)
        return
    if period is not None:
        log.info("scored %d classifiers for epoch %d", len(period.standings), epoch)
