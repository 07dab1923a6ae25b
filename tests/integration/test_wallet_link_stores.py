"""One contract for every ``WalletLinkStore``: the in-memory fake and the members-table adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.adapters.fake_wallets import FakeSigningRequestStore, FakeWalletLinkStore
from governance.adapters.member_wallets import MemberWalletLinks
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
async def member_links(database_url: str) -> AsyncIterator[MemberWalletLinks]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield MemberWalletLinks(lambda: SqlAlchemyUnitOfWork(factory))
    await engine.dispose()


async def test_member_table_links_keep_the_contract(member_links: MemberWalletLinks) -> None:
    await check_wallet_link_contract(member_links)
