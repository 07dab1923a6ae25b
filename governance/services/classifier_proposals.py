"""Admins propose listing or delisting a classifier; the bot submits the Governor proposal through
its PROPOSER key, with a description naming the admin and the reason. Members then vote as on any
proposal, and ``governance.services.proposals.advance_proposals`` queues and executes it when due.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.domain import classifiers as rules
from governance.domain.classifiers import Classifier
from governance.domain.errors import WrongState
from governance.domain.proposals import ProposalAction
from governance.services.proposals import ProposalDeps

__all__ = ["Submitted", "propose_delisting", "propose_listing", "registry"]


@dataclass(frozen=True)
class Submitted:
    proposal_id: int
    tx_hash: str
    description: str


async def registry(deps: ProposalDeps) -> list[Classifier]:
    return await deps.chain.classifiers()


async def propose_delisting(deps: ProposalDeps, admin: str, classifier_id: int, reason: str) -> Submitted:
    found = rules.ensure_delistable(classifier_id, await deps.chain.classifier(classifier_id))
    description = rules.delisting_description(admin, found, reason)
    return await _submit(deps, [deps.chain.delist_action(classifier_id)], description)


async def propose_listing(
    deps: ProposalDeps, admin: str, name: str, owner: str, model_hash: str, shares: int, uri: str = ""
) -> Submitted:
    listing = rules.parse_listing(name, owner, model_hash, shares, uri)
    description = rules.listing_description(admin, listing)
    return await _submit(deps, [deps.chain.list_action(listing)], description)


async def _submit(deps: ProposalDeps, actions: list[ProposalAction], description: str) -> Submitted:
    proposal_id = deps.chain.proposal_id(actions, description)
    if await deps.chain.proposal_state(proposal_id) is not None:
        raise WrongState("The same proposal was already submitted. See /proposals.")
    receipt = await deps.sender.send(deps.chain.governor_plan("propose", actions, description))
    return Submitted(proposal_id, receipt.tx_hash, description)
