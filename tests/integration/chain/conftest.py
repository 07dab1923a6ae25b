"""Fixtures for the chain watcher tests: an anvil node, log emitters standing in for the suite, a database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from chain_support import ANVIL_CHAIN_ID, Anvil, anvil, deploy_emitter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.adapters.chain.catalog import Role
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.db.engine import make_engine, make_session_factory


@pytest.fixture
def node(anvil_bin: Path) -> Iterator[Anvil]:
    with anvil(anvil_bin) as running:
        yield running


@pytest.fixture
def emitters(node: Anvil) -> WatchTargets:
    """One emitter per role, so logs can be produced in any number and order."""
    roles = (Role.GOVERNOR, Role.TIMELOCK, Role.TOKEN, Role.REGISTRY, Role.TREASURY)
    return WatchTargets(ANVIL_CHAIN_ID, {role: deploy_emitter(node) for role in roles})


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    await engine.dispose()
