"""What every payout step shares: settings, the ports bundle, and the commit of a step."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from governance.domain.merkle import StandardMerkleTree
from governance.domain.notifications import Notification
from governance.domain.payout_runs import PayoutRun
from governance.ports import BountyWeights, Clock, PayoutChain, PayoutUnitOfWork, TxSender

__all__ = ["Observer", "PayoutDeps", "PayoutSettings", "commit_step"]

log = logging.getLogger("governance.services.payouts")
Observer = Callable[[str, PayoutRun], None]


@dataclass(frozen=True)
class PayoutSettings:
    public_base_url: str
    claim_batch_gas: int = 6_000_000
    first_epoch: int = 0
    lease_seconds: int = 300


@dataclass
class TreeCache:
    trees: dict[tuple[int, int, str], StandardMerkleTree] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutDeps:
    uow_factory: Callable[[], PayoutUnitOfWork]
    chain: PayoutChain
    sender: TxSender
    weights: BountyWeights
    clock: Clock
    settings: PayoutSettings
    observer: Observer | None = None
    holder: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    cache: TreeCache = field(default_factory=TreeCache)

    def manifest_url(self, epoch: int) -> str:
        return f"{self.settings.public_base_url}/payouts/{epoch}.json"


async def commit_step(
    deps: PayoutDeps, run: PayoutRun, notes: Sequence[Notification] = (), step: str = ""
) -> PayoutRun:
    run = replace(run, updated_at=deps.clock.now())
    async with deps.uow_factory() as uow:
        await uow.payouts.save(run)
        for note in notes:
            await uow.outbox.add(note, run.updated_at)
        await uow.commit()
    log.info("payout epoch %d: %s", run.epoch, step or run.stage.value)
    if deps.observer is not None:
        deps.observer(step or run.stage.value, run)
    return run
