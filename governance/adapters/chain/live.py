"""The running bot's view of one deployment: async contract handles and the live reads it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import AsyncWeb3
from web3.contract import AsyncContract

from governance.adapters.chain.contracts import load_artifact
from governance.adapters.chain.deployment import Deployment
from governance.domain.addresses import ZERO_ADDRESS, Address, parse_address
from governance.domain.typed_data import Eip712Domain

__all__ = ["LiveChain"]


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
