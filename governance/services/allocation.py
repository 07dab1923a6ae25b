"""The allocation advisor from Discord: read the treasury from chain, ask the advisor, and (admins, or
the epoch job when configured) turn its suggestion into a Governor proposal calling
``Treasury.setAllocation``. Members vote on it as on any proposal; ``proposals.advance_proposals``
queues and executes it when due.

The advisor is a port: it only produces a suggestion and holds no signer or database session. The
proposal goes through :func:`governance.services.proposals.submit_proposal` (the PROPOSER key).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from governance.domain import allocation as rules
from governance.domain.allocation import TreasuryFigures
from governance.domain.errors import DaobotError, WrongState
from governance.domain.proposals import ProposalAction
from governance.services.proposals import ProposalDeps, Submitted, submit_proposal

__all__ = [
    "Advice",
    "Advised",
    "AllocationAdvisor",
    "AllocationDeps",
    "TreasuryReader",
    "propose_allocation",
    "propose_for_epoch",
    "suggest",
]

log = logging.getLogger(__name__)
HISTORY_EPOCHS = 12
EPOCH_JOB = "the epoch job"


class TreasuryReader(Protocol):
    """The Treasury's live views, and the one call an allocation proposal makes."""

    async def figures(self, history_epochs: int, op_cost_per_epoch: int) -> TreasuryFigures:
        """Reserve balance, revenue of the last ``history_epochs`` ended epochs, split, floor, epoch."""
        ...

    def allocation_action(self, split: Sequence[int]) -> ProposalAction: ...


class Advice(Protocol):
    """What the bot needs of a suggestion; the advisor's own type carries the rest (drivers, chart data)."""

    @property
    def proposed_bps(self) -> tuple[int, ...]: ...

    @property
    def source(self) -> str: ...

    @property
    def decision_reason(self) -> str: ...


A = TypeVar("A", bound=Advice, covariant=True)
S = TypeVar("S", bound=Advice)


class AllocationAdvisor(Protocol[A]):
    def suggest(self, figures: TreasuryFigures) -> A:
        """Pure: no I/O. Raises ``IntegrityError`` when the advisor's artifact failed its checks."""
        ...


@dataclass(frozen=True)
class AllocationDeps(Generic[S]):
    treasury: TreasuryReader
    advisor: AllocationAdvisor[S]
    proposals: ProposalDeps
    op_cost_per_epoch: int


@dataclass(frozen=True)
class Advised(Generic[S]):
    figures: TreasuryFigures
    advice: S


async def suggest(deps: AllocationDeps[S]) -> Advised[S]:
    """The advisor's suggestion for the treasury as the chain shows it now."""
    figures = await deps.treasury.figures(HISTORY_EPOCHS, deps.op_cost_per_epoch)
    return Advised(figures, deps.advisor.suggest(figures))


async def propose_allocation(
    deps: AllocationDeps[S], proposer: str, shown: Sequence[int] | None = None
) -> Submitted:
    """Submit the current suggestion as a Governor proposal. ``shown``: the split the admin saw; if the
    suggestion has changed since (the treasury moved), nothing is proposed and the admin is told."""
    advised = await suggest(deps)
    advice = advised.advice
    if shown is not None and tuple(shown) != tuple(advice.proposed_bps):
        raise WrongState(
            "The suggestion changed since it was shown (the treasury moved). Run /allocation suggest again; "
            "nothing was proposed."
        )
    split = rules.ensure_proposable(advice.proposed_bps, advised.figures)
    description = rules.allocation_description(proposer, split, advised.figures, advice.source,
                                               advice.decision_reason)
    return await submit_proposal(deps.proposals, [deps.treasury.allocation_action(split)], description)


async def propose_for_epoch(deps: AllocationDeps[S]) -> Submitted | None:
    """The epoch job: at most one advisor proposal per epoch, and none when the suggestion changes nothing.

    Skipped (None) when any allocation proposal already names this epoch (an admin's or an earlier run's).
    """
    figures = await deps.treasury.figures(HISTORY_EPOCHS, deps.op_cost_per_epoch)
    prefix = rules.allocation_title_prefix(figures.current_epoch)
    if any(view.title.startswith(prefix) for view in await deps.proposals.book.recent(25)):
        return None
    try:
        return await propose_allocation(deps, EPOCH_JOB)
    except WrongState as exc:
        log.info("no allocation proposal this epoch: %s", exc.message)
        return None
    except DaobotError as exc:
        log.warning("allocation proposal skipped: %s", exc.message)
        return None
