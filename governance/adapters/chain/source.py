"""What the indexer reads from a node: heads, block headers, logs and view calls, each checked for shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from governance.adapters.chain.rpc import JsonRpcClient, MalformedAnswer

__all__ = ["BlockRef", "ChainSource", "RawLog"]


@dataclass(frozen=True)
class BlockRef:
    number: int
    hash: str
    parent_hash: str
    timestamp: int


@dataclass(frozen=True)
class RawLog:
    """One log as the node reported it. Hex strings are lower case; ``topics[0]`` is the event id."""

    address: str
    topics: tuple[str, ...]
    data: bytes
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.block_number, self.log_index)


def _hex_int(value: Any) -> int:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise MalformedAnswer(f"expected a hex quantity, got {value!r}"[:120])
    return int(value, 16)


def _hash32(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 66 or not value.startswith("0x"):
        raise MalformedAnswer(f"expected a 32-byte hash, got {value!r}"[:120])
    int(value, 16)
    return value.lower()


def _hex_bytes(value: Any) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise MalformedAnswer(f"expected hex data, got {value!r}"[:120])
    return bytes.fromhex(value[2:])


def parse_block(raw: Any) -> BlockRef:
    if not isinstance(raw, dict):
        raise MalformedAnswer("block is not an object")
    return BlockRef(
        number=_hex_int(raw["number"]),
        hash=_hash32(raw["hash"]),
        parent_hash=_hash32(raw["parentHash"]),
        timestamp=_hex_int(raw["timestamp"]),
    )


def parse_log(raw: Any) -> RawLog:
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), list):
        raise MalformedAnswer("log is not an object with topics")
    address = raw["address"]
    data = raw["data"]
    if not isinstance(address, str) or len(address) != 42 or not isinstance(data, str):
        raise MalformedAnswer("log address or data malformed")
    return RawLog(
        address=address.lower(),
        topics=tuple(_hash32(topic) for topic in raw["topics"]),
        data=bytes.fromhex(data[2:]),
        block_number=_hex_int(raw["blockNumber"]),
        block_hash=_hash32(raw["blockHash"]),
        tx_hash=_hash32(raw["transactionHash"]),
        log_index=_hex_int(raw["logIndex"]),
    )


def _parse_logs(raw: Any) -> list[RawLog]:
    if not isinstance(raw, list):
        raise MalformedAnswer("eth_getLogs result is not a list")
    return [parse_log(item) for item in raw]


class ChainSource:
    """Typed reads over a ``JsonRpcClient``; a malformed answer is retried by the client."""

    def __init__(self, client: JsonRpcClient) -> None:
        self.client = client

    async def chain_id(self) -> int:
        return await self.client.call("eth_chainId", [], parse=_hex_int)

    async def head(self) -> int:
        return await self.client.call("eth_blockNumber", [], parse=_hex_int)

    async def block(self, number: int) -> BlockRef:
        return await self.client.call("eth_getBlockByNumber", [hex(number), False], parse=parse_block)

    async def block_or_none(self, number: int) -> BlockRef | None:
        """The block at ``number``, or None when the chain is shorter (after a rollback, say)."""

        def parse(raw: Any) -> BlockRef | None:
            return None if raw is None else parse_block(raw)

        return await self.client.call("eth_getBlockByNumber", [hex(number), False], parse=parse)

    async def logs(self, first: int, last: int, addresses: Sequence[str], topics: Sequence[str]) -> list[RawLog]:
        query: dict[str, Any] = {"fromBlock": hex(first), "toBlock": hex(last), "address": list(addresses)}
        if topics:
            query["topics"] = [list(topics)]

        wanted = {address.lower() for address in addresses}

        def parse(raw: Any) -> list[RawLog]:
            items = _parse_logs(raw)
            for item in items:
                if not first <= item.block_number <= last or item.address not in wanted:
                    raise MalformedAnswer("a log outside the requested range or addresses")
            return items

        return await self.client.call("eth_getLogs", [query], parse=parse)

    async def call(self, to: str, data: bytes, block: int | str = "latest") -> bytes:
        tag = hex(block) if isinstance(block, int) else block

        return await self.client.call("eth_call", [{"to": to, "data": "0x" + data.hex()}, tag], parse=_hex_bytes)

    async def code_size(self, address: str, block: int | str = "latest") -> int:
        tag = hex(block) if isinstance(block, int) else block
        return len(await self.client.call("eth_getCode", [address, tag], parse=_hex_bytes))
