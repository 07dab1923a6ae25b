"""Allocation advisor wiring: load the hash-checked artifact, read the Treasury from chain, offer
``/allocation suggest`` and admins' ``/allocation propose``, and (when configured) the epoch job that
proposes the suggestion once per epoch. Needs the ``bot.features.proposals`` services.

An artifact that fails its checks does not stop the bot: the advisor is off, every ``/allocation``
command answers with the reason, and the admin channel gets one alert.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

from bot.context import BotContext
from bot.notifier import Post
from bot.wiring import JobSpec, Wiring
from governance.adapters.chain.treasury_reads import LiveTreasury
from governance.domain.allocation import TreasuryFigures
from governance.domain.errors import DaobotError, IntegrityError
from governance.domain.notifications import Notification
from governance.services import allocation as service
from governance.services.allocation import AllocationDeps
from policies.allocation.advisor import Advisor, Suggestion, TreasuryState

__all__ = ["ALERT_KIND", "PolicyAdvisor", "UnavailableAdvisor", "allocation_job", "load_advisor", "wire"]

log = logging.getLogger(__name__)
ALERT_KIND = "AllocationAdvisorAlert"


class PolicyAdvisor:
    """``AllocationAdvisor`` on the trained seed ensemble: translates chain figures into its state."""

    def __init__(self, advisor: Advisor) -> None:
        self._advisor = advisor

    def suggest(self, figures: TreasuryFigures) -> Suggestion:
        return self._advisor.suggest(TreasuryState(
            treasury_balance=figures.reserve_balance,
            revenue_history=figures.revenue_history,
            current_split=figures.current_split,
            op_cost_per_epoch=figures.op_cost_per_epoch,
            epoch_seconds=figures.epoch_seconds,
        ))


class UnavailableAdvisor:
    """The advisor when its artifact failed to load: every suggestion is refused with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def suggest(self, figures: TreasuryFigures) -> Suggestion:
        raise IntegrityError(
            f"The allocation advisor is off: {self.reason} No suggestion can be shown or proposed until then."
        )


def load_advisor(path: Path | None) -> PolicyAdvisor | UnavailableAdvisor:
    """The advisor from ``path`` (default: the shipped artifact), or an unavailable one saying why."""
    import torch

    from policies.allocation.artifacts import DEFAULT_DIR

    torch.set_num_threads(1)
    try:
        return PolicyAdvisor(Advisor.load(path or DEFAULT_DIR))
    except DaobotError as exc:
        log.error("allocation advisor not loaded: %s", exc.message)
        return UnavailableAdvisor(exc.message)


async def allocation_job() -> None:
    """The epoch job (``DAOBOT_ALLOCATION_AUTO_PROPOSE``): propose the suggestion once per epoch."""
    from bot.runtime import current

    done = await service.propose_for_epoch(current().ctx.service("allocation"))
    if done is not None:
        log.info("allocation proposal %s submitted by the epoch job", done.proposal_id)


async def render_alert(ctx: BotContext, note: Notification) -> Post | None:
    channel = ctx.settings.admin_alerts_channel_id
    if channel is None:
        return None
    return Post(content=f"**Allocation advisor alert**\n{note.payload['text']}", channel_id=channel)


async def _alert_admins(ctx: BotContext, reason: str) -> None:
    key = f"{ALERT_KIND}:{hashlib.sha256(reason.encode()).hexdigest()[:16]}"
    text = f"The allocation advisor is off: {reason}"
    async with ctx.uow_factory() as uow:
        await uow.outbox.add(Notification(ALERT_KIND, key, {"text": text}), ctx.clock.now())
        await uow.commit()


async def wire(ctx: BotContext, wiring: Wiring) -> None:
    settings = ctx.settings
    advisor = await asyncio.to_thread(load_advisor, settings.allocation_artifact_dir)
    if isinstance(advisor, UnavailableAdvisor):
        await _alert_admins(ctx, advisor.reason)
    ctx.services["allocation"] = AllocationDeps(
        treasury=LiveTreasury(ctx.service("chain")),
        advisor=advisor,
        proposals=ctx.service("proposals"),
        op_cost_per_epoch=settings.allocation_op_cost_per_epoch,
    )
    wiring.renderers[ALERT_KIND] = render_alert
    wiring.cogs.append("bot.cogs.allocation")
    if settings.allocation_auto_propose:
        every = {"seconds": settings.epoch_job_interval_seconds}
        wiring.jobs.append(JobSpec("allocation", "bot.features.advisor:allocation_job", "interval", every))
