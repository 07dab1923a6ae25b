"""The running bot's view of one deployment: async contract handles, live reads, and the
relay of member-signed votes and delegations through the one transaction sender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import AsyncWeb3
from web3.contract import AsyncContract

from governance.adapters.chain.contracts import load_artifact
from governance.adapters.chain.deployment import Deployment
from governance.domain.addresses import ZERO_ADDRESS, Address, parse_address
from governance.domain.signing import DelegationRelayIntent, VoteRelayIntent
from governance.domain.transactions import TxPlan
from governance.domain.typed_data import Eip712Domain
from governance.ports import TxSender

__all__ = ["LiveChain", "SenderVoteRelay"]


@dataclass
class LiveChain:
    """Async handles on every contract of ``deployment``, plus the live reads the bot needs now."""

    w3: AsyncWeb3[Any]
    deployment: Deployment

    def contract(self, name: str) -> AsyncContract:
        address = self.deployment.address_of(name)
        return self.w3.eth.contract(address=AsyncWeb3.to_checksum_address(address), abi=list(load_artifact(name).abi))

    @property
    def token(self) -> AsyncContract:
        return self.contract("GovernanceToken")

    @property
    def governor(self) -> AsyncContract:
        return self.contract("DAOGovernor")

    def calldata(self, name: str, function: str, args: tuple[object, ...]) -> bytes:
        return bytes.fromhex(self.contract(name).encode_abi(function, args=list(args)).removeprefix("0x"))

    # --- MemberChainReader / VotesReader ------------------------------------------------------

    async def token_balance(self, holder: Address) -> int:
        return int(await self.token.functions.balanceOf(holder).call())

    async def voting_power(self, holder: Address) -> int:
        return int(await self.token.functions.getVotes(holder).call())

    async def delegate_of(self, holder: Address) -> Address | None:
        delegate = parse_address(await self.token.functions.delegates(holder).call())
        return None if delegate == ZERO_ADDRESS else delegate

    async def governor_nonce(self, voter: Address) -> int:
        return int(await self.governor.functions.nonces(voter).call())

    async def token_nonce(self, holder: Address) -> int:
        return int(await self.token.functions.nonces(holder).call())

    async def eip712_domain(self, name: str) -> Eip712Domain:
        """The domain a contract signs with, read from its ERC-5267 ``eip712Domain()``."""
        _fields, domain_name, version, chain_id, verifying, _salt, _ext = await self.contract(
            name
        ).functions.eip712Domain().call()
        return Eip712Domain(domain_name, int(chain_id), parse_address(verifying), version)


class SenderVoteRelay:
    """``VoteRelay`` on the one transaction sender: the relayer pays gas; the vote is the member's."""

    def __init__(self, chain: LiveChain, sender: TxSender) -> None:
        self._chain = chain
        self._sender = sender

    async def relay_vote(self, intent: VoteRelayIntent) -> str:
        data = self._chain.calldata("DAOGovernor", intent.function, intent.args)
        plan = TxPlan(f"relay vote of {intent.voter} on proposal {intent.proposal_id}"[:200], intent.key,
                      intent.governor, data, role="relayer")
        return (await self._sender.send(plan)).tx_hash

    async def relay_delegation(self, intent: DelegationRelayIntent) -> str:
        data = self._chain.calldata("GovernanceToken", intent.function, intent.args)
        plan = TxPlan(f"relay delegation of {intent.delegator}", intent.key, intent.token, data, role="relayer")
        return (await self._sender.send(plan)).tx_hash
