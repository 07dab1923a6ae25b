"""Turning one batch of decoded logs into rows and domain events, written in bulk at the end.

Everything a handler needs from earlier batches (balances before the batch, which proposal a timelock
operation belongs to) is loaded up front, so handlers are plain synchronous functions of a log.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from governance.adapters.chain.abi import DecodedLog
from governance.adapters.chain.catalog import Role
from governance.adapters.db.repositories.chain_sync import SqlChainSyncRepository
from governance.domain.events import ChainEvent, ChainPosition

__all__ = ["Handler", "Projection", "RegisterBook", "WatchTargets"]

log = logging.getLogger(__name__)
ZERO = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True)
class WatchTargets:
    """The contracts watched on one chain: role -> checksummed address, and the Governor's clock."""

    chain_id: int
    addresses: dict[Role, str]
    clock_mode: str = "blocknumber"

    def role_of(self, address: str) -> Role | None:
        lowered = address.lower()
        for role, known in self.addresses.items():
            if known.lower() == lowered:
                return role
        return None


Key = tuple[Any, ...]


@dataclass
class RegisterBook:
    """Running values of balance-like registers within a batch, and the value after each block."""

    current: dict[tuple[str, Key], int] = field(default_factory=dict)
    after_block: dict[tuple[str, Key, int], int] = field(default_factory=dict)
    negative: int = 0

    def load(self, register: str, values: dict[Key, int], keys: set[Key]) -> None:
        for key in keys:
            self.current[(register, key)] = values.get(key, 0)

    def add(self, register: str, key: Key, block: int, delta: int) -> None:
        value = self.current.get((register, key), 0) + delta
        if value < 0:
            self.negative += 1
            value = 0
        self.set(register, key, block, value)

    def set(self, register: str, key: Key, block: int, value: int) -> None:
        self.current[(register, key)] = value
        self.after_block[(register, key, block)] = value

    def rows(self, chain_id: int) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (register, key, block), value in self.after_block.items():
            row: dict[str, Any] = {"chain_id": chain_id, "block_number": block, "account": key[-1]}
            if register == "share_balances":
                row["classifier_id"] = key[0]
            row["votes" if register == "voting_power" else "balance"] = value
            out[register].append(row)
        return out


class Projection:
    """One batch: ``await prepare(logs)``, ``apply`` each, ``await flush()``; then ``events`` to notify."""

    def __init__(self, targets: WatchTargets, repo: SqlChainSyncRepository) -> None:
        self.targets = targets
        self.chain_id = targets.chain_id
        self.repo = repo
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._events: list[ChainEvent] = []
        self._weak: list[ChainEvent] = []
        self.registers = RegisterBook()
        self.operations: dict[str, int] = {}

    def position(self, decoded: DecodedLog) -> ChainPosition:
        raw = decoded.log
        return ChainPosition(self.chain_id, raw.block_number, raw.tx_hash, raw.log_index)

    def fact(self, table: str, decoded: DecodedLog, **values: Any) -> None:
        raw = decoded.log
        self.rows[table].append(
            {
                "chain_id": self.chain_id,
                "tx_hash": raw.tx_hash,
                "log_index": raw.log_index,
                "block_number": raw.block_number,
                **values,
            }
        )

    def emit(self, event: ChainEvent, *, weak: bool = False) -> None:
        """Queue ``event``; a weak one is dropped when a strong one with its dedupe key is in the batch."""
        (self._weak if weak else self._events).append(event)

    @property
    def events(self) -> list[ChainEvent]:
        strong = {event.dedupe_key for event in self._events}
        kept = self._events + [event for event in self._weak if event.dedupe_key not in strong]
        return sorted(kept, key=lambda event: (event.at.block_number, event.at.log_index))

    async def prepare(self, logs: Sequence[DecodedLog], first_block: int) -> None:
        keys: dict[str, set[Key]] = defaultdict(set)
        operations: set[str] = set()
        for decoded in logs:
            for register, key in register_keys(decoded):
                keys[register].add(key)
            if decoded.event in ("CallScheduled", "CallExecuted", "Cancelled"):
                operations.add(decoded.args["id"])
        for register, wanted in keys.items():
            values = await self.repo.register_values(self.chain_id, register, wanted, first_block)
            self.registers.load(register, values, wanted)
        self.operations = await self.repo.proposals_for_operations(self.chain_id, operations)

    def apply(self, decoded: DecodedLog, handlers: dict[str, Handler]) -> None:
        handler = handlers.get(decoded.event)
        if handler is not None:
            handler(self, decoded)

    async def flush(self) -> None:
        for table, rows in self.registers.rows(self.chain_id).items():
            self.rows[table].extend(rows)
        if self.registers.negative:
            log.warning("%d balance(s) went below zero: was indexing started after the deployment block?",
                        self.registers.negative)
        for table, rows in self.rows.items():
            await self.repo.insert_rows(table, rows)


Handler = Callable[[Projection, DecodedLog], None]


def register_keys(decoded: DecodedLog) -> list[tuple[str, Key]]:
    """The register entries a log changes, so their previous values can be loaded in one query."""
    args = decoded.args
    if decoded.event == "Transfer":
        return [("token_balances", (a,)) for a in (args["from"], args["to"]) if a != ZERO]
    if decoded.event == "TransferSingle":
        return [("share_balances", (args["id"], a)) for a in (args["from"], args["to"]) if a != ZERO]
    if decoded.event == "TransferBatch":
        return [
            ("share_balances", (token_id, a))
            for token_id in args["ids"]
            for a in (args["from"], args["to"])
            if a != ZERO
        ]
    return []
