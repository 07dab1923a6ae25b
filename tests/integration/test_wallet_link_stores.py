"""One contract for every wallet-link and signing-request store: the in-memory fakes and the SQL adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.repositories.signing import SqlSigningRequestStore, SqlWalletLinkStore
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.adapters.fake_wallets import FakeSigningRequestStore, FakeWalletLinkStore
from governance.domain.addresses import to_checksum
from governance.domain.errors import WrongState
from governance.domain.signing import SigningKind, SigningRequest, new_nonce, new_token
from governance.ports import SigningRequestStore, WalletLinkStore

ALICE, BOB = to_checksum("a1" * 20), to_checksum("b2" * 20)


async def check_wallet_link_contract(store: WalletLinkStore) -> None:
    assert await store.wallet_of(1) is None and await store.member_of(ALICE) is None
    await store.link(1, ALICE, at=100)
    assert await store.wallet_of(1) == ALICE and await store.member_of(ALICE) == 1
    with pytest.raises(WrongState):
        await store.link(2, ALICE, at=101)
    assert await store.wallet_of(2) is None
    await store.link(1, BOB, at=102)  # one wallet per member: the new link replaces the old
    assert await store.wallet_of(1) == BOB and await store.member_of(ALICE) is None
    await store.link(2, ALICE, at=103)
    assert await store.member_of(ALICE) == 2


async def check_signing_request_contract(store: SigningRequestStore) -> None:
    request = SigningRequest(
        token=new_token(), member_id=7, kind=SigningKind.VOTE, payload='{"a": 1}', nonce=new_nonce(),
        created=1000, expires=1600,
    )
    await store.add(request)
    assert await store.get(request.token) == request
    assert await store.get(new_token()) is None
    assert await store.count_since(7, 1000) == 1 and await store.count_since(7, 1001) == 0
    assert await store.mark_used(request.token, at=1100) is True
    assert await store.mark_used(request.token, at=1200) is False  # compare-and-set: single use
    stored = await store.get(request.token)
    assert stored is not None and stored.used_at == 1100


async def test_fake_wallet_link_store_keeps_the_contract() -> None:
    await check_wallet_link_contract(FakeWalletLinkStore())


async def test_fake_signing_request_store_keeps_the_contract() -> None:
    await check_signing_request_contract(FakeSigningRequestStore())


@pytest.fixture
async def uow_factory(database_url: str) -> AsyncIterator[object]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(factory)
    await engine.dispose()


async def test_sql_wallet_link_store_keeps_the_contract(uow_factory) -> None:  # type: ignore[no-untyped-def]
    await check_wallet_link_contract(SqlWalletLinkStore(uow_factory))


async def test_sql_signing_request_store_keeps_the_contract(uow_factory) -> None:  # type: ignore[no-untyped-def]
    await check_signing_request_contract(SqlSigningRequestStore(uow_factory))


async def test_sql_store_refuses_a_duplicate_token(uow_factory) -> None:  # type: ignore[no-untyped-def]
    store = SqlSigningRequestStore(uow_factory)
    request = SigningRequest(new_token(), 7, SigningKind.LINK, "{}", new_nonce(), 10, 20)
    await store.add(request)
    with pytest.raises(WrongState):
        await store.add(request)


async def test_rate_limit_counts_only_the_members_recent_requests(uow_factory) -> None:  # type: ignore[no-untyped-def]
    store = SqlSigningRequestStore(uow_factory)
    for member, created in ((7, 100), (7, 200), (7, 300), (8, 300)):
        await store.add(SigningRequest(new_token(), member, SigningKind.LINK, "{}", new_nonce(), created, created + 60))
    assert await store.count_since(7, 200) == 2 and await store.count_since(8, 0) == 1
