"""``LiveGovernance``: the ``GovernanceChain`` port on the deployed Governor, timelock and registry.

Proposal ids are computed as the Governor does (``hashProposal``): keccak of the ABI-encoded targets,
values, calldatas and the description's hash. Plans go to the one sender under the PROPOSER role
(propose) or the KEEPER role (queue and execute, which anyone may call once due).
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from web3.exceptions import ContractLogicError

from governance.adapters.chain.live import LiveChain
from governance.domain.addresses import parse_address
from governance.domain.chain_records import ProposalState
from governance.domain.classifiers import Classifier, ClassifierStatus, Listing
from governance.domain.proposals import ProposalAction
from governance.domain.transactions import TxPlan

__all__ = ["LiveGovernance"]

_STEPS = {"propose": ("propose", "proposer"), "queue": ("queue", "keeper"), "execute": ("execute", "keeper")}


class LiveGovernance:
    def __init__(self, chain: LiveChain) -> None:
        self._chain = chain
        self._governor = parse_address(chain.deployment.address_of("DAOGovernor"))
        self._registry = parse_address(chain.deployment.address_of("ClassifierRegistry"))

    async def proposal_state(self, proposal_id: int) -> ProposalState | None:
        try:
            return ProposalState(int(await self._chain.governor.functions.state(proposal_id).call()))
        except ContractLogicError:
            return None  # GovernorNonexistentProposal

    async def quorum_at(self, timepoint: int) -> int:
        return int(await self._chain.governor.functions.quorum(timepoint).call())

    async def executable(self, proposal_id: int) -> bool:
        if await self.proposal_state(proposal_id) is not ProposalState.QUEUED:
            return False
        eta = int(await self._chain.governor.functions.proposalEta(proposal_id).call())
        latest = await self._chain.w3.eth.get_block("latest")
        return 0 < eta <= int(latest["timestamp"])

    async def classifier(self, classifier_id: int) -> Classifier | None:
        if classifier_id <= 0 or classifier_id >= 2**256:
            return None
        try:
            raw = await self._chain.contract("ClassifierRegistry").functions.classifier(classifier_id).call()
        except ContractLogicError:
            return None  # UnknownClassifier
        name, owner, model_hash, uri, status, _listed, _delisted, supply = raw
        return Classifier(classifier_id, name, parse_address(owner), "0x" + bytes(model_hash).hex(), uri,
                          ClassifierStatus(int(status)), int(supply))

    async def classifiers(self) -> list[Classifier]:
        count = int(await self._chain.contract("ClassifierRegistry").functions.classifierCount().call())
        found = [await self.classifier(i) for i in range(1, count + 1)]
        return [c for c in found if c is not None]

    def delist_action(self, classifier_id: int) -> ProposalAction:
        data = self._chain.calldata("ClassifierRegistry", "delist", (classifier_id,))
        return ProposalAction(self._registry, 0, data)

    def list_action(self, listing: Listing) -> ProposalAction:
        args = (listing.name, listing.owner, bytes.fromhex(listing.model_hash[2:]), listing.uri, listing.shares)
        return ProposalAction(self._registry, 0, self._chain.calldata("ClassifierRegistry", "list", args))

    def proposal_id(self, actions: Sequence[ProposalAction], description: str) -> int:
        targets, values, calldatas = _columns(actions)
        encoded = abi_encode(
            ["address[]", "uint256[]", "bytes[]", "bytes32"], [targets, values, calldatas, keccak(text=description)]
        )
        return int.from_bytes(keccak(encoded), "big")

    def governor_plan(self, step: str, actions: Sequence[ProposalAction], description: str) -> TxPlan:
        function, role = _STEPS[step]
        targets, values, calldatas = _columns(actions)
        last = description if step == "propose" else keccak(text=description)
        data = self._chain.calldata("DAOGovernor", function, (targets, values, calldatas, last))
        proposal_id = self.proposal_id(actions, description)
        chain_id = self._chain.deployment.chain_id
        return TxPlan(purpose=f"{step} Governor proposal {proposal_id}"[:200], key=f"governor:{chain_id}:{step}:"
                      f"{proposal_id}", to=self._governor, data=data, role=role)


def _columns(actions: Sequence[ProposalAction]) -> tuple[list[str], list[int], list[bytes]]:
    return [a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions]
