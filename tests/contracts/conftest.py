"""Fixtures for the on-chain suite: one deployment per module and backend, a snapshot around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chain_harness import BACKENDS, World, chain_of, deploy_world

from governance.adapters.chain.keccak_backend import install_fast_keccak


@pytest.fixture(scope="session", autouse=True)
def _fast_keccak() -> None:
    install_fast_keccak()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    with chain_of(request.param) as chain:
        yield deploy_world(chain)


@pytest.fixture
def w(world: World) -> Iterator[World]:
    """The module's deployment, rolled back after the test."""
    snap = world.chain.snapshot()
    yield world
    world.chain.revert(snap)
