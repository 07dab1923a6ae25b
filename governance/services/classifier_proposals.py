"""Admins propose listing or delisting a classifier; the bot submits the Governor proposal through
its PROPOSER key, with a description naming the admin and the reason. Members then vote as on any
proposal, and ``governance.services.proposals.advance_proposals`` queues and executes it when due.
"""

from __future__ import annotations

from governance.domain import classifiers as rules
from governance.domain.classifiers import Classifier
from governance.services.proposals import ProposalDeps, Submitted, submit_proposal

__all__ = ["Submitted", "propose_delisting", "propose_listing", "registry"]


async def registry(deps: ProposalDeps) -> list[Classifier]:
    return await deps.chain.classifiers()


async def propose_delisting(deps: ProposalDeps, admin: str, classifier_id: int, reason: str) -> Submitted:
    found = rules.ensure_delistable(classifier_id, await deps.chain.classifier(classifier_id))
    description = rules.delisting_description(admin, found, reason)
    return await submit_proposal(deps, [deps.chain.delist_action(classifier_id)], description)


async def propose_listing(
    deps: ProposalDeps, admin: str, name: str, owner: str, model_hash: str, shares: int, uri: str = ""
) -> Submitted:
    listing = rules.parse_listing(name, owner, model_hash, shares, uri)
    description = rules.listing_description(admin, listing)
    return await submit_proposal(deps, [deps.chain.list_action(listing)], description)

