"""The chain watcher: polls the node, applies confirmed logs, survives reorgs, flaky nodes and crashes.

Each step reads one range of confirmed blocks and commits, in one database transaction, the rows it
derives, the outbox notices, the block hashes it saw and the cursor. A crash anywhere therefore loses
the whole step or nothing. Before a range is applied, the parent hash of its first block is compared
with the hash remembered for the cursor; a mismatch is a reorg, rolled back to the newest remembered
block still on the canonical chain (rows above it deleted, their notices retracted).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.adapters.chain.abi import DecodedLog, EventSpec, UndecodableLog
from governance.adapters.chain.catalog import ROLE_EVENTS, Role
from governance.adapters.chain.lifecycle import advance_lifecycle
from governance.adapters.chain.project_governance import GOVERNANCE_HANDLERS
from governance.adapters.chain.project_treasury import TREASURY_HANDLERS
from governance.adapters.chain.projection import Projection, WatchTargets
from governance.adapters.chain.rpc import RangeTooLarge
from governance.adapters.chain.source import BlockRef, ChainSource, RawLog
from governance.adapters.chain.span import AdaptiveSpan
from governance.adapters.db.repositories.chain_sync import Cursor
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.errors import ChainError
from governance.domain.events import to_notification

__all__ = ["ChainIndexer", "IndexerStats", "StepResult"]

log = logging.getLogger(__name__)
HANDLERS = {**GOVERNANCE_HANDLERS, **TREASURY_HANDLERS}


@dataclass
class IndexerStats:
    steps: int = 0
    logs_applied: int = 0
    events_notified: int = 0
    reorgs: int = 0
    blocks_rolled_back: int = 0
    step_failures: int = 0
    undecodable_logs: int = 0
    retried_ranges: int = 0


@dataclass(frozen=True)
class StepResult:
    kind: str  # "applied", "idle", "reorg", "retry"
    cursor: int | None
    target: int
    logs: int = 0


@dataclass
class ChainIndexer:
    source: ChainSource
    session_factory: async_sessionmaker[AsyncSession]
    targets: WatchTargets
    confirmations: int = 2
    start_block: int = 0
    history_blocks: int = 10_000
    span: AdaptiveSpan = field(default_factory=AdaptiveSpan)
    missing: tuple[str, ...] = ()
    stats: IndexerStats = field(default_factory=IndexerStats)
    now: Callable[[], int] = field(default=lambda: int(time.time()))

    def __post_init__(self) -> None:
        self._specs: dict[tuple[Role, str], EventSpec] = {
            (role, spec.topic0): spec for role in self.targets.addresses for spec in ROLE_EVENTS[role]
        }
        self._by_address = {address.lower(): role for role, address in self.targets.addresses.items()}
        self._topics = sorted({topic for _, topic in self._specs})

    @property
    def chain_id(self) -> int:
        return self.targets.chain_id

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.session_factory)

    async def cursor(self) -> Cursor | None:
        async with self.uow() as uow:
            return await uow.chain_sync.cursor(self.chain_id)

    async def register(self) -> None:
        """Record what is watched (and which parts of the suite are missing) for the read model."""
        roles = {role.value: (address, self.targets.clock_mode) for role, address in self.targets.addresses.items()}
        roles.update({name: ("", "missing") for name in self.missing})
        async with self.uow() as uow:
            await uow.chain_sync.save_contracts(self.chain_id, roles)
            await uow.commit()

    async def target(self) -> int:
        return await self.source.head() - self.confirmations

    # --- one step ---------------------------------------------------------------------------------

    async def step(self) -> StepResult:
        target = await self.target()
        cursor = await self.cursor()
        at = cursor.block_number if cursor else self.start_block - 1
        if at >= target:
            if cursor is not None and not await self._still_canonical(cursor):
                return await self._rollback(cursor, target)
            return StepResult("idle", at, target)
        first_number, last_number = at + 1, min(target, at + self.span.size)
        first = await self.source.block(first_number)
        if cursor is not None and first.parent_hash != cursor.block_hash:
            return await self._rollback(cursor, target)
        last = first if last_number == first_number else await self.source.block(last_number)
        try:
            logs = await self.source.logs(first_number, last_number, list(self._by_address), self._topics)
        except RangeTooLarge:
            self.span.refused()
            log.info("node refused %d blocks; asking for %d", last_number - first_number + 1, self.span.size)
            return StepResult("retry", at, target)
        if not await self._consistent(first, last, logs):
            self.stats.retried_ranges += 1
            return StepResult("retry", at, target)
        self.span.answered(last_number - first_number + 1, len(logs))
        await self._apply(first, last, logs)
        self.stats.steps += 1
        return StepResult("applied", last_number, target, len(logs))

    async def _still_canonical(self, cursor: Cursor) -> bool:
        block = await self.source.block_or_none(cursor.block_number)
        return block is not None and block.hash == cursor.block_hash

    async def _consistent(self, first: BlockRef, last: BlockRef, logs: Sequence[RawLog]) -> bool:
        """The range did not change under us: same last block, and logs of the ends carry their hashes."""
        again = await self.source.block(last.number)
        if again.hash != last.hash:
            return False
        ends = {first.number: first.hash, last.number: last.hash}
        return all(ends.get(item.block_number, item.block_hash) == item.block_hash for item in logs)

    def _decode(self, logs: Sequence[RawLog]) -> list[DecodedLog]:
        decoded: list[DecodedLog] = []
        for item in sorted(logs, key=lambda entry: entry.position):
            role = self._by_address.get(item.address)
            spec = self._specs.get((role, item.topics[0])) if role is not None and item.topics else None
            if spec is None:
                continue
            try:
                decoded.append(spec.decode(item))
            except UndecodableLog as exc:
                self.stats.undecodable_logs += 1
                log.warning("skipping log %s:%d: %s", item.tx_hash, item.log_index, exc.message)
        return decoded

    async def _apply(self, first: BlockRef, last: BlockRef, logs: Sequence[RawLog]) -> None:
        decoded = self._decode(logs)
        async with self.uow() as uow:
            repo = uow.chain_sync
            done = await repo.applied(self.chain_id, [(d.log.tx_hash, d.log.log_index) for d in decoded])
            fresh = [d for d in decoded if (d.log.tx_hash, d.log.log_index) not in done]
            projection = Projection(self.targets, repo)
            await projection.prepare(fresh, first.number)
            for item in fresh:
                projection.apply(item, HANDLERS)
            await repo.insert_rows("chain_logs", [self._log_row(item) for item in fresh])
            await projection.flush()
            clock = last.number if self.targets.clock_mode == "blocknumber" else last.timestamp
            lifecycle = await advance_lifecycle(uow, self.source, self.targets, last.number, clock)
            events = projection.events + lifecycle
            await repo.notify(self.chain_id, [(e.at.block_number, to_notification(e)) for e in events], self.now())
            blocks = {item.log.block_number: item.log.block_hash for item in fresh}
            blocks.update({first.number: first.hash, last.number: last.hash})
            await repo.remember_blocks(self.chain_id, blocks)
            await repo.set_cursor(self.chain_id, Cursor(last.number, last.hash, last.timestamp))
            if self.stats.steps % 50 == 0:
                await repo.forget_blocks_below(self.chain_id, last.number - self.history_blocks)
            await uow.commit()
        self.stats.logs_applied += len(fresh)
        self.stats.events_notified += len(projection.events) + len(lifecycle)

    def _log_row(self, item: DecodedLog) -> dict[str, object]:
        raw = item.log
        return {
            "chain_id": self.chain_id,
            "tx_hash": raw.tx_hash,
            "log_index": raw.log_index,
            "block_number": raw.block_number,
            "address": self.targets.addresses[self._by_address[raw.address]],
            "event": item.event,
        }

    # --- reorgs -----------------------------------------------------------------------------------

    async def _rollback(self, cursor: Cursor, target: int) -> StepResult:
        async with self.uow() as uow:
            remembered = await uow.chain_sync.recent_blocks(self.chain_id, cursor.block_number)
        ancestor = await self._common_ancestor(remembered)
        if ancestor is None:
            if remembered and remembered[0][0] <= self.start_block:
                ancestor = (self.start_block - 1, "")
            else:
                raise ChainError("The chain was reorganized deeper than the blocks the watcher remembers.")
        number, block_hash = ancestor
        async with self.uow() as uow:
            deleted = await uow.chain_sync.rollback_above(self.chain_id, number)
            if number >= self.start_block:
                block = await self.source.block(number)
                await uow.chain_sync.set_cursor(self.chain_id, Cursor(number, block_hash, block.timestamp))
            else:
                await uow.chain_sync.clear_cursor(self.chain_id)
            await uow.commit()
        self.stats.reorgs += 1
        self.stats.blocks_rolled_back += cursor.block_number - number
        log.warning("reorg: rolled back from block %d to %d (%d rows)", cursor.block_number, number, deleted)
        return StepResult("reorg", number, target)

    async def _common_ancestor(self, remembered: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
        """The newest remembered block still canonical (binary search: blocks below a canonical one are too)."""
        low, high, best = 0, len(remembered) - 1, None
        while low <= high:
            middle = (low + high) // 2
            number, block_hash = remembered[middle]
            block = await self.source.block_or_none(number)
            if block is not None and block.hash == block_hash:
                best, low = remembered[middle], middle + 1
            else:
                high = middle - 1
        return best

    # --- loops ------------------------------------------------------------------------------------

    async def catch_up(self, until: int | None = None, on_step: Callable[[StepResult], None] | None = None) -> int:
        """Step until the cursor reaches ``until`` (default: the confirmed head when called)."""
        await self.register()
        goal = await self.target() if until is None else until
        while True:
            result = await self.step()
            if on_step is not None:
                on_step(result)
            if result.kind == "idle" or (result.cursor is not None and result.cursor >= goal):
                return result.cursor if result.cursor is not None else self.start_block - 1

    async def run(self, stop: asyncio.Event, poll_seconds: float, on_step: Callable[[StepResult], None] | None = None,
                  max_pause: float = 60.0) -> None:
        """Watch until ``stop`` is set. A failing step is logged, counted and retried after a pause."""
        await self.register()
        failures = 0
        while not stop.is_set():
            try:
                result = await self.step()
                failures = 0
            except (ChainError, OperationalError) as exc:
                failures += 1
                self.stats.step_failures += 1
                pause = min(max_pause, poll_seconds * 2**failures)
                reason = exc.message if isinstance(exc, ChainError) else "the database is unavailable"
                log.error("watcher step failed (%s); retrying in %.1fs", reason, pause)
                await _sleep_or_stop(stop, pause)
                continue
            if on_step is not None:
                on_step(result)
            if result.kind == "idle":
                await _sleep_or_stop(stop, poll_seconds)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
