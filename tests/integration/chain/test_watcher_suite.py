"""The watcher on the real suite (deployed on anvil): full proposal lifecycle, timelock cancel, a silent
deadline, shares, revenue, epochs, roots and moderation anchors; and a foreign Governor found by address."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eth_utils.crypto import keccak
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.adapters.chain.indexer import ChainIndexer
from governance.adapters.chain.project_governance import timelock_operation_id
from governance.adapters.chain.rpc import Backoff, JsonRpcClient
from governance.adapters.chain.source import ChainSource
from governance.adapters.chain.suite import discover_governor, targets_from_deployment
from governance.adapters.db.tables.core import outbox
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.chain_records import ProposalState

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "contracts"))
from chain_harness import (
    TIMELOCK_DELAY,
    USD,
    VOTING_DELAY,
    VOTING_PERIOD,
    World,
    chain_of,
    deploy_world,
    pass_proposal,
    send,
)


def _propose(world: World, description: str) -> tuple[int, list[Any]]:
    gov, c = world.c.governor, world.c
    call = [[c.timelock.address], [0], [c.timelock.encode_abi("updateDelay", args=[TIMELOCK_DELAY])]]
    send(gov.functions.propose(*call, description), world.holders[0])
    pid = gov.functions.hashProposal(*call, keccak(text=description)).call()
    return int(pid), call


def _cancel_on_timelock(world: World) -> tuple[int, str]:
    """Propose, pass and queue; then the timelock's canceller cancels the operation directly."""
    gov, chain, c = world.c.governor, world.chain, world.c
    pid, call = _propose(world, "Cancel me on the timelock")
    chain.mine(VOTING_DELAY + 1)
    for voter in world.holders[:3]:
        send(gov.functions.castVote(pid, 1), voter)
    chain.mine(VOTING_PERIOD + 1)
    send(gov.functions.queue(*call, keccak(text="Cancel me on the timelock")), world.outsider)
    salt = bytes(bytes.fromhex(gov.address[2:]) + bytes(12))
    salt = bytes(a ^ b for a, b in zip(salt, keccak(text="Cancel me on the timelock"), strict=True))
    operation = c.timelock.functions.hashOperationBatch(*call, bytes(32), salt).call()
    chain.w3.provider.make_request("anvil_impersonateAccount", [gov.address])  # type: ignore[arg-type]
    chain.w3.provider.make_request("anvil_setBalance", [gov.address, hex(10**18)])  # type: ignore[arg-type]
    send(c.timelock.functions.cancel(operation), gov.address)
    assert gov.functions.state(pid).call() == ProposalState.CANCELED
    return pid, "0x" + bytes(operation).hex()


def _money(world: World) -> dict[str, int]:
    c, chain, owner = world.c, world.chain, world.holders[3]
    listing = [(c.registry, "list", ["spam-v1", owner, b"\x01" * 32, "ipfs://spam-v1", 1000])]
    pass_proposal(world, listing, "List the spam classifier")
    send(c.registry.functions.safeTransferFrom(owner, world.holders[0], 1, 250, b""), owner)
    moved = chain.w3.eth.block_number
    send(c.treasury.functions.payRevenue(1, 1000 * USD), world.payer)
    epoch = c.treasury.functions.currentEpoch().call()
    chain.advance_to(c.treasury.functions.epochEnd(epoch).call() + 1)
    send(c.treasury.functions.closeEpoch(epoch), world.outsider)
    send(c.distributor.functions.proposeRoot(epoch, b"\x11" * 32, 1, b"\x22" * 32, "ipfs://m"), world.distributor_key)
    send(c.ledger.functions.anchor(1, b"\x33" * 32, "ipfs://round-1"), world.moderator_key)
    return {"moved": moved, "epoch": epoch}


@pytest.fixture(scope="module")
def scenario() -> Iterator[tuple[World, dict[str, Any]]]:
    with chain_of("anvil") as chain:
        world = deploy_world(chain)
        facts: dict[str, Any] = {"delegated": chain.w3.eth.block_number}
        facts["executed"] = pass_proposal(world, [(world.c.timelock, "updateDelay", [TIMELOCK_DELAY])], "Keep it")
        facts["canceled"], facts["operation"] = _cancel_on_timelock(world)
        facts["defeated"], _ = _propose(world, "Nobody cares about this one")
        chain.mine(VOTING_DELAY + VOTING_PERIOD + 2)
        facts.update(_money(world))
        yield world, facts


async def _index(world: World, sessions: async_sessionmaker[AsyncSession]) -> ChainIndexer:
    url = world.chain.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    source = ChainSource(JsonRpcClient(url, backoff=Backoff(initial=0.01)))
    found = await targets_from_deployment(source, world.deployment)
    indexer = ChainIndexer(source, sessions, found.targets, confirmations=0, start_block=found.start_block,
                           missing=found.missing)
    await indexer.catch_up()
    await source.client.close()
    return indexer


async def test_proposal_lifecycles_mirror_governor_and_timelock(
    scenario: tuple[World, dict[str, Any]], sessions: async_sessionmaker[AsyncSession]
) -> None:
    world, facts = scenario
    indexer = await _index(world, sessions)
    chain_id = indexer.chain_id
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        states = {pid: (await uow.chain.proposal(chain_id, pid)) for pid in
                  (facts["executed"], facts["canceled"], facts["defeated"])}
        power = await uow.chain.voting_power(chain_id, world.holders[0], facts["delegated"])
        rows = (await uow.session.execute(select(outbox.c.kind, outbox.c.payload))).all()
    assert states[facts["executed"]].state is ProposalState.EXECUTED  # type: ignore[union-attr]
    assert states[facts["canceled"]].state is ProposalState.CANCELED  # type: ignore[union-attr]
    assert states[facts["canceled"]].timelock_operation == facts["operation"]  # type: ignore[union-attr]
    defeated = states[facts["defeated"]]
    assert defeated is not None and defeated.state is ProposalState.DEFEATED and defeated.tally.total == 0
    assert defeated.quorum == 4 * 10**22  # 4% of 1,000,000 tokens, read from the Governor
    assert power == 400_000 * 10**18
    notices = [(kind, json.loads(payload)) for kind, payload in rows]
    canceled = [p for kind, p in notices if kind == "ProposalCanceled"]
    assert [(int(p["proposal_id"]), p["source"]) for p in canceled] == [(facts["canceled"], "timelock")]
    ended = {int(p["proposal_id"]): p["outcome"] for kind, p in notices if kind == "VotingEnded"}
    assert ended[facts["defeated"]] == "Defeated" and ended[facts["executed"]] == "Succeeded"
    executed = [p for kind, p in notices if kind == "ProposalExecuted"]
    assert sorted(p["source"] for p in executed) == ["governor", "governor"]


async def test_shares_revenue_epochs_roots_and_rounds(
    scenario: tuple[World, dict[str, Any]], sessions: async_sessionmaker[AsyncSession]
) -> None:
    world, facts = scenario
    indexer = await _index(world, sessions)
    chain_id, owner, buyer = indexer.chain_id, world.holders[3], world.holders[0]
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        before = await uow.chain.share_holders(chain_id, 1, facts["moved"] - 1)
        after = await uow.chain.share_holders(chain_id, 1, facts["moved"])
        revenue = await uow.chain_ledger.revenue(chain_id)
        summary = await uow.chain_ledger.treasury_summary(chain_id)
        root = await uow.chain_ledger.live_root(chain_id, facts["epoch"])
        rounds = await uow.chain_ledger.anchored_rounds(chain_id)
        status = await uow.chain_ledger.status(chain_id)
    assert [(h.account, h.balance) for h in before] == [(owner, 1000)]
    assert [(h.account, h.balance) for h in after] == [(owner, 750), (buyer, 250)]
    [epoch] = revenue
    assert (epoch.epoch, epoch.closed, epoch.revenue) == (facts["epoch"], True, 1000 * USD)
    assert [(r.classifier_id, r.amount) for r in epoch.by_classifier] == [(1, 1000 * USD)]
    assert epoch.member_dividends == 300 * USD and epoch.reserve == 200 * USD
    assert summary.epochs_closed == 1 and summary.listed_classifiers == 1
    assert summary.allocation_bps == (3000, 3000, 1000, 2000, 1000)
    assert root is not None and root["manifest_uri"] == "ipfs://m"
    assert rounds == [(1, "0x" + "33" * 32, "ipfs://round-1")]
    assert status.missing_parts == () and status.indexed_block == world.chain.w3.eth.block_number


async def test_a_foreign_governor_is_watched_with_what_it_names(
    scenario: tuple[World, dict[str, Any]], sessions: async_sessionmaker[AsyncSession]
) -> None:
    world, facts = scenario
    url = world.chain.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    source = ChainSource(JsonRpcClient(url))
    found = await discover_governor(source, world.deployment.chain_id, world.c.governor.address)
    indexer = ChainIndexer(source, sessions, found.targets, confirmations=0, missing=found.missing)
    await indexer.catch_up()
    await source.client.close()
    assert found.missing == ("ClassifierRegistry", "DividendDistributor", "ModerationLedger", "Treasury")
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        view = await uow.chain.proposal(indexer.chain_id, facts["canceled"])
        status = await uow.chain_ledger.status(indexer.chain_id)
        revenue = await uow.chain_ledger.revenue(indexer.chain_id)
    assert view is not None and view.state is ProposalState.CANCELED
    assert status.missing_parts == found.missing and revenue == []


def test_operation_id_matches_the_timelock(scenario: tuple[World, dict[str, Any]]) -> None:
    world, facts = scenario
    gov = world.c.governor.address
    data = world.c.timelock.encode_abi("updateDelay", args=[TIMELOCK_DELAY])
    ours = timelock_operation_id(gov, [world.c.timelock.address], [0], [data], "Cancel me on the timelock")
    assert ours == facts["operation"]


def test_cli_watch_once_then_the_views(
    scenario: tuple[World, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from typer.testing import CliRunner

    from bot.cli import _load_commands, app
    from governance.adapters.db import migrate

    world, facts = scenario
    database = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite'}"
    asyncio.run(migrate.upgrade(database))
    world.deployment.write(tmp_path / "deployment.json")
    for name, value in {
        "RPC_URL": world.chain.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
        "CHAIN_ID": str(world.deployment.chain_id),
        "DATABASE_URL": database,
        "DEPLOYMENT_FILE": str(tmp_path / "deployment.json"),
        "CONFIRMATIONS": "0",
    }.items():
        monkeypatch.setenv(f"DAOBOT_{name}", value)
    monkeypatch.setenv("COLUMNS", "200")
    _load_commands()
    runner = CliRunner()

    watched = runner.invoke(app, ["watch", "--once"])
    assert watched.exit_code == 0, watched.output
    assert f"indexed to block {world.chain.w3.eth.block_number}" in watched.output
    listed = runner.invoke(app, ["proposals"]).output
    assert all(state in listed for state in ("Executed", "Canceled", "Defeated"))
    detail = runner.invoke(app, ["proposals", str(facts["defeated"])]).output
    assert "Nobody cares about this one" in detail and "Defeated" in detail
    assert "1,000.00" in runner.invoke(app, ["treasury"]).output
    holders = runner.invoke(app, ["shares", "1", "--at-block", str(facts["moved"])]).output
    assert world.holders[3] in holders and "750" in holders and world.holders[0] in holders
    missing = runner.invoke(app, ["proposals", "12345"])
    assert missing.exit_code == 2 and "No proposal 12345" in missing.output
