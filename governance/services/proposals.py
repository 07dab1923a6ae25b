"""Governor proposals from Discord: list them, hand a member a link to cast a binding vote, show one
proposal with its tally and quorum, remind members who have not voted, queue and execute when due.

Votes are signed by the member's own wallet on the signing page and relayed with ``castVoteBySig``
(``governance.services.wallets``); this module only checks, before making a link, that the member
is linked and that the Governor has the proposal open for voting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from governance.domain import proposals as rules
from governance.domain.chain_records import ProposalState, ProposalView
from governance.domain.errors import DaobotError, NotFound, WrongState
from governance.domain.notifications import Notification
from governance.domain.signing import SigningRequest
from governance.ports import Clock, GovernanceChain, ProposalBook, TxSender, UnitOfWork
from governance.services import wallets

__all__ = [
    "ProposalCard",
    "ProposalDeps",
    "Submitted",
    "advance_proposals",
    "enqueue_reminders",
    "proposal_card",
    "recent_proposals",
    "request_vote",
    "submit_proposal",
]

log = logging.getLogger(__name__)
REMINDER_KIND = "VoteReminder"


@dataclass(frozen=True)
class ProposalDeps:
    chain_id: int
    book: ProposalBook
    chain: GovernanceChain
    sender: TxSender
    wallets: wallets.WalletDeps
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock


@dataclass(frozen=True)
class ProposalCard:
    """One proposal as its live Discord message shows it."""

    view: ProposalView
    clock: int
    quorum: rules.QuorumProgress

    @property
    def blocks_left(self) -> int:
        return rules.blocks_left(self.view, self.clock) if self.view.state is ProposalState.ACTIVE else 0


@dataclass(frozen=True)
class Submitted:
    proposal_id: int
    tx_hash: str
    description: str


async def submit_proposal(deps: ProposalDeps, actions: list[rules.ProposalAction], description: str) -> Submitted:
    """Submit a Governor proposal through the PROPOSER key; refused if the same one was already submitted."""
    proposal_id = deps.chain.proposal_id(actions, description)
    if await deps.chain.proposal_state(proposal_id) is not None:
        raise WrongState("The same proposal was already submitted. See /proposals.")
    receipt = await deps.sender.send(deps.chain.governor_plan("propose", actions, description))
    return Submitted(proposal_id, receipt.tx_hash, description)


async def recent_proposals(deps: ProposalDeps, limit: int = 10) -> list[ProposalView]:
    return await deps.book.recent(limit)


async def proposal_card(deps: ProposalDeps, proposal_id: int) -> ProposalCard:
    view = await deps.book.get(proposal_id)
    if view is None:
        raise NotFound(f"The bot has not seen proposal {proposal_id} yet.")
    clock = await deps.book.head_clock() or 0
    quorum = view.quorum
    if quorum is None and clock > view.vote_start:
        quorum = await deps.chain.quorum_at(view.vote_start)
    return ProposalCard(view, clock, rules.QuorumProgress.of(view.tally, quorum))


async def request_vote(
    deps: ProposalDeps, member_id: int, proposal: str, support: str, reason: str | None = None
) -> SigningRequest:
    """A one-time signing link for the member's ballot, once input, link and Governor state check out."""
    proposal_id = rules.parse_proposal_id(proposal)
    choice = rules.parse_support(support)
    await wallets.linked_wallet(deps.wallets, member_id)
    rules.ensure_votable(proposal_id, await deps.chain.proposal_state(proposal_id))
    return await wallets.start_vote(deps.wallets, member_id, proposal_id, choice, (reason or "")[:500] or None)


async def enqueue_reminders(deps: ProposalDeps, window_blocks: int) -> int:
    """Queue one reminder DM per open proposal closing within ``window_blocks`` and per linked member who
    has not voted and did not opt out. The outbox's dedupe key makes each reminder happen once."""
    clock = await deps.book.head_clock()
    if clock is None:
        return 0
    closing = [
        v
        for v in await deps.book.recent(25)
        if v.state is ProposalState.ACTIVE and 0 < rules.blocks_left(v, clock) <= window_blocks
    ]
    if not closing:
        return 0
    async with deps.uow_factory() as uow:
        members = [m for m in await uow.members.linked() if m.notify_reminders and m.wallet is not None]
    added = 0
    for view in closing:
        voters = await deps.book.voters(view.proposal_id)
        for member in (m for m in members if m.wallet not in voters):
            key = f"reminder:{deps.chain_id}:{view.proposal_id}:{member.discord_id}"
            payload = {"proposal_id": str(view.proposal_id), "discord_id": member.discord_id}
            async with deps.uow_factory() as uow:
                added += await uow.outbox.add(Notification(REMINDER_KIND, key, payload), deps.clock.now())
                await uow.commit()
    return added


async def advance_proposals(deps: ProposalDeps) -> list[str]:
    """Queue every proposal that passed and execute every queued one whose delay is over.

    The Governor's own state decides; each step's plan has a key unique per proposal and step, so a
    repeated or concurrent run sends nothing twice. One failing proposal does not hold up the others.
    """
    done: list[str] = []
    for view in await deps.book.recent(25):
        if view.state not in (ProposalState.SUCCEEDED, ProposalState.QUEUED, ProposalState.ACTIVE):
            continue
        try:
            step = await _due_step(deps, view.proposal_id)
            if step is not None:
                await deps.sender.send(deps.chain.governor_plan(step, _actions(view), view.description))
                done.append(f"{step} {view.proposal_id}")
        except DaobotError as exc:
            log.warning("could not advance proposal %s: %s", view.proposal_id, exc.message)
    return done


async def _due_step(deps: ProposalDeps, proposal_id: int) -> str | None:
    state = await deps.chain.proposal_state(proposal_id)
    if state is ProposalState.SUCCEEDED:
        return "queue"
    if state is ProposalState.QUEUED and await deps.chain.executable(proposal_id):
        return "execute"
    return None


def _actions(view: ProposalView) -> list[rules.ProposalAction]:
    return [
        rules.ProposalAction(target, value, bytes.fromhex(data.removeprefix("0x")))
        for target, value, data in zip(view.targets, view.values, view.calldatas, strict=True)
    ]
