"""Proposals wiring: binding votes from Discord, live proposal messages, reminders, the classifier
registry's admin commands, and the jobs that queue and execute proposals and keep the member role."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot import runtime
from bot.context import BotContext
from bot.jobs import proposals as jobs
from bot.proposal_posts import RENDERERS
from bot.wiring import Wiring
from governance.adapters.chain.governance_calls import LiveGovernance
from governance.adapters.db.repositories.proposal_book import SqlProposalBook
from governance.services.proposals import ProposalDeps

__all__ = ["wire"]

log = logging.getLogger(__name__)


def wire(ctx: BotContext, wiring: Wiring) -> None:
    settings = ctx.settings
    ctx.services["proposals"] = ProposalDeps(
        chain_id=settings.chain_id,
        book=SqlProposalBook(ctx.uow_factory, settings.chain_id),
        chain=LiveGovernance(ctx.service("chain")),
        sender=ctx.service("sender"),
        wallets=ctx.service("wallets"),
        uow_factory=ctx.uow_factory,
        clock=ctx.clock,
    )
    wiring.renderers.update(RENDERERS)
    wiring.cogs += ["bot.cogs.proposals", "bot.cogs.classifiers"]
    wiring.loops.append(_upkeep_loop(max(1.0, settings.indexer_poll_seconds * 5)))


def _upkeep_loop(every: float) -> Callable[[], Awaitable[None]]:
    """Queue/execute due proposals, reminders, member roles: on the scheduler's leader only.

    A runtime loop rather than APScheduler jobs: the job store is synchronous and these run every few
    seconds. Each step is idempotent (tx keys, outbox keys), so a leadership change repeats nothing.
    """

    async def proposal_upkeep() -> None:
        while True:
            await asyncio.sleep(every)
            if not runtime.current().election.is_leader:
                continue
            for step in (jobs.advance_proposals, jobs.remind_voters, jobs.sync_member_roles):
                try:
                    await step()
                except Exception:  # one failing step must not stop the others or the loop
                    log.exception("proposal upkeep step %s failed", step.__name__)

    return proposal_upkeep
