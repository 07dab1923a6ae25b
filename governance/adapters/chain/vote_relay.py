"""``TxSenderVoteRelay``: the ``VoteRelay`` port on the one transaction sender.

A member-signed vote or delegation becomes a ``TxPlan`` for the RELAYER key, with the intent's
idempotency key (a voter's nonce is consumed by one signature only, so relaying twice is a no-op).
"""

from __future__ import annotations

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from governance.domain.signing import DelegationRelayIntent, VoteRelayIntent
from governance.domain.transactions import TxPlan
from governance.ports import TxSender

__all__ = ["SIGNATURES", "TxSenderVoteRelay", "calldata"]

#: The ABI signature of each relayed function (checked against the compiled artifacts in tests).
SIGNATURES = {
    "castVoteBySig": "castVoteBySig(uint256,uint8,address,bytes)",
    "castVoteWithReasonAndParamsBySig": "castVoteWithReasonAndParamsBySig(uint256,uint8,address,string,bytes,bytes)",
    "delegateBySig": "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)",
}


def calldata(intent: VoteRelayIntent | DelegationRelayIntent) -> bytes:
    signature = SIGNATURES[intent.function]
    types = signature[signature.index("(") + 1 : -1].split(",")
    return keccak(text=signature)[:4] + encode(types, list(intent.args))


class TxSenderVoteRelay:
    def __init__(self, sender: TxSender, *, role: str = "relayer") -> None:
        self._sender = sender
        self._role = role

    async def relay_vote(self, intent: VoteRelayIntent) -> str:
        plan = TxPlan(
            purpose=f"relay the vote of {intent.voter} on proposal {intent.proposal_id}"[:200],
            key=intent.key, to=intent.governor, data=calldata(intent), role=self._role,
        )
        return (await self._sender.send(plan)).tx_hash

    async def relay_delegation(self, intent: DelegationRelayIntent) -> str:
        plan = TxPlan(
            purpose=f"relay the self-delegation of {intent.delegator}", key=intent.key, to=intent.token,
            data=calldata(intent), role=self._role,
        )
        return (await self._sender.send(plan)).tx_hash
