"""The signing-request and wallet-link stores: the SQL adapters and the fakes keep the same rules."""

from __future__ import annotations

import pytest

from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.repositories.signing import SqlSigningRequestStore, SqlWalletLinkStore
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.adapters.fake_wallets import FakeSigningRequestStore, FakeWalletLinkStore
from governance.domain.addresses import parse_address
from governance.domain.errors import WrongState
from governance.domain.signing import SigningKind, SigningRequest, new_token

W1 = parse_address("0x" + "11" * 20)
W2 = parse_address("0x" + "22" * 20)


@pytest.fixture(params=["fake", "sql"])
async def stores(request: pytest.FixtureRequest, database_url: str):  # type: ignore[no-untyped-def]
    if request.param == "fake":
        yield FakeSigningRequestStore(), FakeWalletLinkStore()
        return
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    yield SqlSigningRequestStore(lambda: SqlAlchemyUnitOfWork(factory)), SqlWalletLinkStore(
        lambda: SqlAlchemyUnitOfWork(factory)
    )
    await engine.dispose()


def _request(member: int, created: int) -> SigningRequest:
    return SigningRequest(new_token(), member, SigningKind.LINK, '{"a": 1}', "abcdefgh1234", created, created + 600)


async def test_request_round_trip_and_single_use(stores) -> None:  # type: ignore[no-untyped-def]
    requests, _ = stores
    req = _request(7, 1000)
    await requests.add(req)
    assert await requests.get(req.token) == req
    assert await requests.mark_used(req.token, 1001) is True
    assert await requests.mark_used(req.token, 1002) is False
    got = await requests.get(req.token)
    assert got is not None and got.used_at == 1001
    assert await requests.get(new_token()) is None
    with pytest.raises(WrongState):
        await requests.add(req)


async def test_rate_limit_counts_only_recent_requests_of_the_member(stores) -> None:  # type: ignore[no-untyped-def]
    requests, _ = stores
    for created in (100, 200, 300):
        await requests.add(_request(7, created))
    await requests.add(_request(8, 300))
    assert await requests.count_since(7, 200) == 2
    assert await requests.count_since(8, 0) == 1


async def test_one_wallet_per_member_and_one_member_per_wallet(stores) -> None:  # type: ignore[no-untyped-def]
    _, links = stores
    await links.link(1, W1, at=10)
    assert await links.wallet_of(1) == W1 and await links.member_of(W1) == 1
    with pytest.raises(WrongState, match="already linked"):
        await links.link(2, W1, at=11)
    assert await links.member_of(W1) == 1 and await links.wallet_of(2) is None
    await links.link(1, W2, at=12)  # re-link to a new wallet frees the old one
    assert await links.wallet_of(1) == W2 and await links.member_of(W1) is None
