"""``Web3ModerationChain``: the ``ModerationChain`` port on a live deployment.

Voting power comes from the token's checkpoints (``getPastVotes`` / ``getPastTotalSupply`` at the
round's snapshot block), delegation changes from the token's ``DelegateChanged`` logs, listings
from the ``ClassifierRegistry`` views, and anchors go to the ``ModerationLedger`` as ``TxPlan``s
through the one transaction sender (key ``moderation:<chain>:<ledger>:anchor:<round>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_utils.crypto import keccak

from governance.adapters.chain.live import LiveChain
from governance.domain.addresses import Address, parse_address
from governance.domain.classifier_market import ListedClassifier
from governance.domain.errors import WrongState
from governance.domain.transactions import TxPlan
from governance.ports import TxSender

__all__ = ["Web3ModerationChain"]

_DELEGATE_CHANGED = "0x" + keccak(text="DelegateChanged(address,address,address)").hex()
_LISTED = 1  # ClassifierRegistry.Status.Listed
_LOG_CHUNK = 50_000


def _topic(address: Address) -> str:
    return "0x" + "00" * 12 + address.removeprefix("0x").lower()


class Web3ModerationChain:
    def __init__(self, chain: LiveChain, sender: TxSender, *, role: str = "moderator") -> None:
        self._chain = chain
        self._sender = sender
        self._role = role

    async def snapshot_block(self) -> int:
        head = int(await self._chain.w3.eth.block_number)
        if head < 1:
            raise WrongState("The chain has no past block to take a snapshot at yet.")
        return head - 1

    async def past_votes(self, wallet: Address, block: int) -> int:
        return int(await self._chain.token.functions.getPastVotes(wallet, block).call())

    async def past_total_power(self, block: int) -> int:
        return int(await self._chain.token.functions.getPastTotalSupply(block).call())

    async def _logs(self, topics: list[Any], up_to_block: int) -> list[Any]:
        token = self._chain.deployment.address_of("GovernanceToken")
        start = self._chain.deployment.record("GovernanceToken").block
        found: list[Any] = []
        for low in range(start, up_to_block + 1, _LOG_CHUNK):
            high = min(up_to_block, low + _LOG_CHUNK - 1)
            query = {"address": token, "fromBlock": low, "toBlock": high, "topics": topics}
            found.extend(await self._chain.w3.eth.get_logs(query))  # type: ignore[arg-type]
        return found

    async def delegation_blocks(self, wallets: Sequence[Address], up_to_block: int) -> dict[Address, int]:
        if not wallets:
            return {}
        topics = [_topic(w) for w in wallets]
        latest: dict[Address, int] = {}
        wanted = {w.lower(): w for w in wallets}
        for position in (1, 3):  # as delegator, and as the new delegate
            query: list[Any] = [_DELEGATE_CHANGED, None, None, None][: position + 1]
            query[position] = topics
            for log in await self._logs(query, up_to_block):
                wallet = wanted.get("0x" + bytes(log["topics"][position])[-20:].hex())
                if wallet is not None:
                    latest[wallet] = max(latest.get(wallet, 0), int(log["blockNumber"]))
        return latest

    async def listed_classifiers(self) -> list[ListedClassifier]:
        registry = self._chain.contract("ClassifierRegistry")
        count = int(await registry.functions.classifierCount().call())
        listed = []
        for classifier_id in range(1, count + 1):
            name, _owner, model_hash, _uri, status, _listed, _delisted, supply = await registry.functions.classifier(
                classifier_id
            ).call()
            if int(status) == _LISTED:
                listed.append(ListedClassifier(classifier_id, str(name), bytes(model_hash), int(supply)))
        return listed

    async def anchor_round(self, round_id: int, root: bytes, uri: str) -> str:
        ledger = self._chain.deployment.address_of("ModerationLedger")
        plan = TxPlan(
            purpose=f"anchor moderation round {round_id}",
            key=f"moderation:{self._chain.deployment.chain_id}:{ledger}:anchor:{round_id}",
            to=parse_address(ledger),
            data=self._chain.calldata("ModerationLedger", "anchor", (round_id, root, uri)),
            role=self._role,
        )
        return (await self._sender.send(plan)).tx_hash

    async def anchored_root(self, round_id: int) -> bytes | None:
        ledger = self._chain.contract("ModerationLedger")
        root, anchored_at, _by, _uri = await ledger.functions.round(round_id).call()
        return bytes(root) if int(anchored_at) else None

    async def current_epoch(self) -> int:
        return int(await self._chain.contract("Treasury").functions.currentEpoch().call())
