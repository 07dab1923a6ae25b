"""Fixtures for the transaction sender on anvil and the journal on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sender_anvil import ADDRESSES, CHAIN_ID, DEV_KEYS, UowFactory, running_anvil
from sqlalchemy import delete
from web3 import AsyncHTTPProvider, AsyncWeb3

from governance.adapters.chain.sender import Web3TxSender
from governance.adapters.clock import FakeClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.tables.transactions import tx_attempts, tx_intents, tx_nonces
from governance.adapters.db.uow import SqlAlchemyUnitOfWork

TEST_USD = Path(__file__).resolve().parents[3] / "contracts" / "build" / "TestUSD.json"


@pytest.fixture
def anvil_url(anvil_bin: Path) -> Iterator[str]:
    with running_anvil(anvil_bin) as url:
        yield url


@pytest.fixture
async def w3(anvil_url: str) -> AsyncIterator[AsyncWeb3[Any]]:
    web3 = AsyncWeb3(AsyncHTTPProvider(anvil_url))
    yield web3
    await web3.provider.disconnect()


@pytest.fixture(params=["sqlite", "postgres"])
async def journal_url(request: pytest.FixtureRequest, migrated_databases: dict[str, str]) -> str:
    """A migrated database on each backend (PostgreSQL required in CI), with an empty transaction journal.

    Only the journal's own tables are emptied, so this works while other features' tables change.
    """
    if request.param == "postgres" and "postgres" not in migrated_databases:
        message = "PostgreSQL is not available: set DAOBOT_TEST_DATABASE_URL=postgresql+asyncpg://…/test"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    url = migrated_databases[request.param]
    engine = make_engine(url)
    async with engine.begin() as conn:
        for table in (tx_attempts, tx_intents, tx_nonces):
            await conn.execute(delete(table))
    await engine.dispose()
    return url


@pytest.fixture
async def uow_factory(journal_url: str) -> AsyncIterator[UowFactory]:
    engine = make_engine(journal_url)
    factory = make_session_factory(engine)
    yield lambda: SqlAlchemyUnitOfWork(factory)
    await engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def w3_kwargs(w3: AsyncWeb3[Any], uow_factory: UowFactory, clock: FakeClock) -> dict[str, Any]:
    """Everything a Web3TxSender on the first dev account needs, as keyword arguments."""
    from eth_account import Account

    return {
        "w3": w3,
        "account": Account.from_key(DEV_KEYS[0]),
        "uow_factory": uow_factory,
        "chain_id": CHAIN_ID,
        "clock": clock,
        "confirmations": 1,
        "replace_after_seconds": 3600,
        "poll_seconds": 0.05,
    }


@pytest.fixture
def make_sender(w3: AsyncWeb3[Any], uow_factory: UowFactory, clock: FakeClock) -> Callable[..., Web3TxSender]:
    def build(key: str = DEV_KEYS[0], **overrides: Any) -> Web3TxSender:
        from eth_account import Account

        options: dict[str, Any] = {
            "chain_id": CHAIN_ID,
            "clock": clock,
            "confirmations": 1,
            "replace_after_seconds": 3600,
            "poll_seconds": 0.05,
        }
        options.update(overrides)
        return Web3TxSender(options.pop("w3", w3), Account.from_key(key), options.pop("uow", uow_factory), **options)

    return build


@pytest.fixture
async def test_usd(w3: AsyncWeb3[Any]) -> Any:
    """TestUSD deployed by the last dev account, owned by the first (the sender's account in tests)."""
    if not TEST_USD.exists():
        pytest.skip("contracts/build/TestUSD.json is missing: compile the contracts (make test)")
    artifact = json.loads(TEST_USD.read_text())
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx_hash = await factory.constructor(ADDRESSES[0]).transact({"from": ADDRESSES[3]})
    receipt = await w3.eth.wait_for_transaction_receipt(tx_hash)
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact["abi"])
