"""Delivering the outbox: in order, once each, stopping at an outage and resuming after it;
facts a reorg retracted are not told."""

from __future__ import annotations

import pytest

from governance.adapters.clock import FakeClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.notifications import Notification
from governance.services.notifications import deliver_pending, enqueue


class FakeNotifier:
    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.down = False

    async def deliver(self, notification: Notification) -> None:
        if self.down:
            raise ConnectionError("gateway unreachable")
        self.delivered.append(notification.dedupe_key)


@pytest.fixture
async def uow_factory(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(factory)
    await engine.dispose()


async def test_an_outage_delays_and_loses_nothing(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock, notifier = FakeClock(), FakeNotifier()
    for i in range(3):
        assert await enqueue(uow_factory, clock, Notification("k", f"n{i}", {"i": i}))
    assert not await enqueue(uow_factory, clock, Notification("k", "n1", {"i": 1}))  # a repeat is ignored
    notifier.down = True
    report = await deliver_pending(uow_factory, notifier, clock)
    assert (report.delivered, report.failed, notifier.delivered) == (0, 1, [])
    notifier.down = False
    report = await deliver_pending(uow_factory, notifier, clock)
    assert report.delivered == 3 and notifier.delivered == ["n0", "n1", "n2"]
    assert (await deliver_pending(uow_factory, notifier, clock)).delivered == 0
    async with uow_factory() as uow:
        assert await uow.outbox.depth() == 0


async def test_a_retracted_fact_is_not_told(uow_factory) -> None:  # type: ignore[no-untyped-def]
    clock, notifier = FakeClock(), FakeNotifier()
    await enqueue(uow_factory, clock, Notification("VoteCast", "gone", {"retracted": True}))
    await enqueue(uow_factory, clock, Notification("VoteCast", "kept", {"retracted": False}))
    await deliver_pending(uow_factory, notifier, clock)
    assert notifier.delivered == ["kept"]
    async with uow_factory() as uow:
        assert await uow.outbox.depth() == 0
