"""The persistence layer on SQLite and PostgreSQL: the same tests, both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.adapters.db import migrate
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.tables.core import members
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import parse_address
from governance.domain.errors import WrongState
from governance.domain.members import Member
from governance.domain.notifications import Notification

ALICE = parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")


@pytest.fixture
async def uow_factory(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(factory)
    await engine.dispose()


async def test_schema_matches_the_tables_in_code(database_url: str) -> None:
    assert await migrate.current_revision(database_url) == migrate.head_revision()
    assert await migrate.schema_drift(database_url) == []


async def test_member_round_trip_returns_domain_objects(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.members.save(Member(discord_id=2**62, display_name="alice", wallet=ALICE, linked_at=10))
        await uow.commit()
    async with uow_factory() as uow:
        got = await uow.members.get(2**62)
        by_wallet = await uow.members.by_wallet(ALICE)
    assert got == Member(discord_id=2**62, display_name="alice", wallet=ALICE, linked_at=10)
    assert by_wallet == got


async def test_unit_of_work_rolls_back_unless_committed(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.members.save(Member(discord_id=1, display_name="bob"))
    async with uow_factory() as uow:
        assert await uow.members.get(1) is None
        rows = (await uow.session.execute(select(members))).all()
    assert rows == []


async def test_one_wallet_links_to_one_member_only(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        await uow.members.save(Member(discord_id=1, wallet=ALICE))
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(WrongState, match="already linked"):
            await uow.members.save(Member(discord_id=2, wallet=ALICE))
    async with uow_factory() as uow:
        assert await uow.members.get(2) is None


async def test_outbox_enqueues_each_fact_once_and_tracks_delivery(uow_factory) -> None:  # type: ignore[no-untyped-def]
    note = Notification("proposal_created", "proposal:7:created", {"id": "7"})
    async with uow_factory() as uow:
        assert await uow.outbox.add(note, now=100) is True
        assert await uow.outbox.add(note, now=101) is False
        await uow.commit()
    async with uow_factory() as uow:
        pending = await uow.outbox.pending()
        assert [p.notification for p in pending] == [note]
        await uow.outbox.mark_failed(pending[0].id, "gateway down")
        await uow.commit()
    async with uow_factory() as uow:
        (again,) = await uow.outbox.pending()
        assert again.attempts == 1
        await uow.outbox.mark_sent(again.id, now=200)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.pending() == []
        assert await uow.outbox.depth() == 0


async def test_lease_has_one_holder_until_it_expires(uow_factory) -> None:  # type: ignore[no-untyped-def]
    async with uow_factory() as uow:
        assert await uow.leases.acquire("scheduler", "bot-a", now=0, ttl=30)
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.leases.acquire("scheduler", "bot-b", now=10, ttl=30)
        assert await uow.leases.holder("scheduler", now=10) == "bot-a"
        assert await uow.leases.acquire("scheduler", "bot-a", now=20, ttl=30)  # renewal
        await uow.commit()
    async with uow_factory() as uow:
        assert not await uow.leases.acquire("scheduler", "bot-b", now=49, ttl=30)
        assert await uow.leases.acquire("scheduler", "bot-b", now=51, ttl=30)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.leases.holder("scheduler", now=52) == "bot-b"


async def test_migrations_go_down_and_up_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite'}"
    await migrate.upgrade(url)
    await migrate.downgrade(url, "base")
    assert await migrate.current_revision(url) is None
    await migrate.upgrade(url)
    assert await migrate.current_revision(url) == migrate.head_revision()
    engine = make_engine(url)
    async with make_session_factory(engine)() as session:
        assert (await session.execute(select(members))).all() == []
    await engine.dispose()
