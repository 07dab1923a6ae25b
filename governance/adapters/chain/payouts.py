"""``Web3PayoutChain``: what the payout pipeline reads from the chain, and the plans it sends.

Balances at an epoch's end block are rebuilt from the contracts' own transfer logs (ERC-20 ``Transfer``
of the governance token; ERC-1155 ``TransferSingle``/``TransferBatch`` of the classifier registry), from
the deployment block up to the end block. Only an RPC URL and the deployment file are needed, so
``daobot payouts verify`` runs anywhere, without the bot's database.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from eth_abi.abi import decode
from web3 import AsyncWeb3
from web3.contract import AsyncContract
from web3.exceptions import Web3Exception

from governance.adapters.chain.contracts import load_artifact
from governance.adapters.chain.deployment import Deployment
from governance.domain.addresses import ZERO_ADDRESS, Address, to_checksum
from governance.domain.errors import ChainError
from governance.domain.payout_manifest import PublishedManifest
from governance.domain.payout_runs import EpochOnChain
from governance.domain.payouts import ClassifierInput, EpochBudget, PayoutInputs
from governance.domain.transactions import TxPlan

__all__ = ["Web3PayoutChain"]

log = logging.getLogger(__name__)

_TRANSFER = "0x" + AsyncWeb3.keccak(text="Transfer(address,address,uint256)").hex().removeprefix("0x")
_SINGLE = "0x" + AsyncWeb3.keccak(text="TransferSingle(address,address,address,uint256,uint256)").hex().removeprefix(
    "0x"
)
_BATCH = "0x" + AsyncWeb3.keccak(
    text="TransferBatch(address,address,address,uint256[],uint256[])"
).hex().removeprefix("0x")
_MAX_SPAN = 50_000


def _topic_address(topic: Any) -> Address:
    raw = bytes(topic)
    return to_checksum(raw[-20:].hex())


def _hex(value: Any) -> str:
    return "0x" + bytes(value).hex()


class Web3PayoutChain:
    def __init__(self, w3: AsyncWeb3[Any], deployment: Deployment) -> None:
        self._w3 = w3
        self._deployment = deployment

    @property
    def chain_id(self) -> int:
        return self._deployment.chain_id

    def _contract(self, name: str) -> AsyncContract:
        address = AsyncWeb3.to_checksum_address(self._deployment.address_of(name))
        return self._w3.eth.contract(address=address, abi=list(load_artifact(name).abi))

    def _calldata(self, name: str, function: str, args: Sequence[Any]) -> bytes:
        return bytes.fromhex(self._contract(name).encode_abi(function, args=list(args)).removeprefix("0x"))

    async def _call(self, name: str, function: str, *args: Any) -> Any:
        try:
            return await getattr(self._contract(name).functions, function)(*args).call()
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"Reading {name}.{function} failed ({type(exc).__name__}).") from exc

    # --- time and epochs ----------------------------------------------------------------------

    async def _block_time(self, number: int | str) -> int:
        try:
            return int((await self._w3.eth.get_block(number))["timestamp"])  # type: ignore[arg-type]
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc

    async def chain_time(self) -> int:
        return await self._block_time("latest")

    async def current_epoch(self) -> int:
        return int(await self._call("Treasury", "currentEpoch"))

    async def epoch_on_chain(self, epoch: int) -> EpochOnChain:
        info = await self._call("DividendDistributor", "epochInfo", epoch)
        root, claimed, root_total, claimable_at, budget, funded_at, swept, _m, _c, manifest_hash = info
        return EpochOnChain(
            epoch=epoch,
            end_time=int(await self._call("Treasury", "epochEnd", epoch)),
            revenue=int(await self._call("Treasury", "epochRevenue", epoch)),
            closed=bool(await self._call("Treasury", "epochClosed", epoch)),
            funded=int(funded_at) != 0,
            budget=int(budget),
            root=_hex(root),
            root_total=int(root_total),
            claimable_at=int(claimable_at),
            manifest_hash=_hex(manifest_hash),
            claimed=int(claimed),
            swept=bool(swept),
            sweepable_at=int(await self._call("DividendDistributor", "sweepableAt", epoch)),
        )

    async def end_block(self, epoch: int) -> int:
        """Binary search for the last block with a timestamp before ``epochEnd(epoch)``."""
        end = int(await self._call("Treasury", "epochEnd", epoch))
        lo = self._deployment.start_block
        hi = int(await self._w3.eth.block_number)
        if await self._block_time(lo) >= end:
            return lo
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if await self._block_time(mid) < end:
                lo = mid
            else:
                hi = mid - 1
        return lo

    async def revenue_by_classifier(self, epoch: int) -> dict[int, int]:
        ids = [int(i) for i in await self._call("Treasury", "earningClassifiers", epoch)]
        return {cid: int(await self._call("Treasury", "classifierRevenue", epoch, cid)) for cid in ids}

    # --- balances at a block --------------------------------------------------------------------

    async def _logs(self, address: str, topics: list[Any], from_block: int, to_block: int) -> list[Any]:
        out: list[Any] = []
        start, span = from_block, _MAX_SPAN
        while start <= to_block:
            stop = min(start + span - 1, to_block)
            params: Any = {"address": address, "topics": topics, "fromBlock": start, "toBlock": stop}
            try:
                out.extend(await self._w3.eth.get_logs(params))
            except (Web3Exception, OSError) as exc:
                if span == 1:
                    raise ChainError(f"Reading logs failed ({type(exc).__name__}).") from exc
                span = max(1, span // 2)
                continue
            start = stop + 1
        return out

    async def token_balances(self, block: int) -> dict[Address, int]:
        token = self._deployment.record("GovernanceToken")
        balances: dict[Address, int] = defaultdict(int)
        for entry in await self._logs(token.address, [_TRANSFER], token.block, block):
            sender, receiver = _topic_address(entry["topics"][1]), _topic_address(entry["topics"][2])
            value = int.from_bytes(bytes(entry["data"]), "big")
            balances[sender] -= value
            balances[receiver] += value
        balances.pop(ZERO_ADDRESS, None)
        return {a: v for a, v in balances.items() if v > 0}

    async def share_balances(self, block: int, ids: set[int]) -> dict[int, dict[Address, int]]:
        registry = self._deployment.record("ClassifierRegistry")
        out: dict[int, dict[Address, int]] = {cid: defaultdict(int) for cid in ids}
        for entry in await self._logs(registry.address, [[_SINGLE, _BATCH]], registry.block, block):
            sender, receiver = _topic_address(entry["topics"][2]), _topic_address(entry["topics"][3])
            if _hex(entry["topics"][0]) == _SINGLE:
                moves = [decode(["uint256", "uint256"], bytes(entry["data"]))]
            else:
                cids, values = decode(["uint256[]", "uint256[]"], bytes(entry["data"]))
                moves = list(zip(cids, values, strict=True))
            for cid, value in moves:
                if int(cid) in out:
                    out[int(cid)][sender] -= int(value)
                    out[int(cid)][receiver] += int(value)
        return {cid: {a: v for a, v in held.items() if v > 0 and a != ZERO_ADDRESS} for cid, held in out.items()}

    async def payout_inputs(self, epoch: int, end_block: int, bounty_bps: Mapping[int, int]) -> PayoutInputs:
        member, cls, bounty, _total = await self._call("DividendDistributor", "epochBudgets", epoch)
        revenue = await self.revenue_by_classifier(epoch)
        ids = {cid for cid, v in revenue.items() if v > 0} | {cid for cid, w in bounty_bps.items() if w > 0}
        shares = await self.share_balances(end_block, ids)
        classifiers = tuple(
            ClassifierInput(cid, revenue.get(cid, 0), bounty_bps.get(cid, 0), shares[cid]) for cid in sorted(ids)
        )
        excluded = frozenset(self._deployment.address_of(n) for n in ("Treasury", "TimelockController",
                                                                        "DividendDistributor"))
        return PayoutInputs(
            self.chain_id, epoch, end_block, EpochBudget(int(member), int(cls), int(bounty)),
            await self.token_balances(end_block), excluded, classifiers,
        )

    async def claimed(self, epoch: int, accounts: Sequence[Address]) -> set[Address]:
        return {a for a in accounts if await self._call("DividendDistributor", "isClaimed", epoch, a)}

    # --- plans ----------------------------------------------------------------------------------

    def close_plan(self, epoch: int, key: str) -> TxPlan:
        data = self._calldata("Treasury", "closeEpoch", [epoch])
        return TxPlan(f"close epoch {epoch}", key, self._deployment.address_of("Treasury"), data, role="keeper")

    def propose_plan(self, manifest: PublishedManifest, uri: str, key: str) -> TxPlan:
        args = [manifest.epoch, bytes.fromhex(manifest.root[2:]), manifest.total,
                bytes.fromhex(manifest.content_hash[2:]), uri]
        data = self._calldata("DividendDistributor", "proposeRoot", args)
        to = self._deployment.address_of("DividendDistributor")
        return TxPlan(f"propose the dividend root of epoch {manifest.epoch}", key, to, data, role="distributor")

    def claim_plan(self, epoch: int, leaves: Sequence[tuple[Address, int]], proofs: Sequence[Sequence[bytes]],
                   key: str) -> TxPlan:
        args = [epoch, [a for a, _ in leaves], [n for _, n in leaves], [list(p) for p in proofs]]
        data = self._calldata("DividendDistributor", "claimMany", args)
        to = self._deployment.address_of("DividendDistributor")
        return TxPlan(f"pay {len(leaves)} dividend claims of epoch {epoch}", key, to, data, role="keeper")

    def sweep_plan(self, epoch: int, key: str) -> TxPlan:
        data = self._calldata("DividendDistributor", "sweep", [epoch])
        to = self._deployment.address_of("DividendDistributor")
        return TxPlan(f"sweep unclaimed dividends of epoch {epoch}", key, to, data, role="keeper")
