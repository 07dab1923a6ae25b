"""A running local Snapshot hub with a settable clock, and a client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from snapshot_support import SPACE, Clock, Sleeps

from governance.adapters.snapshot.client import RetryPolicy, SnapshotHubClient
from governance.adapters.snapshot.testing import LocalSnapshotHub


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps([])


@pytest.fixture
async def hub(clock: Clock) -> AsyncIterator[LocalSnapshotHub]:
    async with LocalSnapshotHub(clock=clock) as running:
        running.add_space(SPACE)
        yield running


@pytest.fixture
async def client(hub: LocalSnapshotHub, sleeps: Sleeps) -> AsyncIterator[SnapshotHubClient]:
    retry = RetryPolicy(attempts=3, backoff=0.25, timeout=2.0)
    async with SnapshotHubClient(hub_url=hub.hub_url, sequencer_url=hub.sequencer_url, retry=retry,
                                 sleep=sleeps) as opened:
        yield opened


@pytest.fixture
def wallets() -> list[LocalAccount]:
    return [Account.from_key((i + 1).to_bytes(32, "big")) for i in range(6)]
