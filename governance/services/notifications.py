"""Delivering the outbox: a Discord outage delays notifications and loses none."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from governance.domain.notifications import Notification
from governance.ports import Clock, Notifier, UnitOfWork

__all__ = ["DeliveryReport", "deliver_pending", "enqueue"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int
    remaining: int


async def enqueue(uow_factory: Callable[[], UnitOfWork], clock: Clock, note: Notification) -> bool:
    async with uow_factory() as uow:
        added = await uow.outbox.add(note, clock.now())
        await uow.commit()
    return added


async def deliver_pending(
    uow_factory: Callable[[], UnitOfWork], notifier: Notifier, clock: Clock, limit: int = 50
) -> DeliveryReport:
    """Deliver waiting notifications in order; stop at the first failure and keep it for next time.

    Each one is marked sent in its own transaction right after delivery, so a crash in between
    re-delivers at most that one, and the notifier turns a repeat of the same key into an edit.
    """
    async with uow_factory() as uow:
        pending = await uow.outbox.pending(limit)
    delivered = 0
    for item in pending:
        if item.notification.payload.get("retracted"):
            # A reorg took the fact away before it was told: nothing to say. (Restoring it re-queues it.)
            async with uow_factory() as uow:
                await uow.outbox.mark_sent(item.id, clock.now())
                await uow.commit()
            continue
        try:
            await notifier.deliver(item.notification)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried later
            log.warning("notification %s not delivered: %s", item.notification.dedupe_key, type(exc).__name__)
            async with uow_factory() as uow:
                await uow.outbox.mark_failed(item.id, f"{type(exc).__name__}: {exc}")
                await uow.commit()
            return DeliveryReport(delivered, 1, len(pending) - delivered)
        async with uow_factory() as uow:
            await uow.outbox.mark_sent(item.id, clock.now())
            await uow.commit()
        delivered += 1
    return DeliveryReport(delivered, 0, 0)
