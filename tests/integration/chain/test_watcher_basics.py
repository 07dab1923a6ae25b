"""The watcher on anvil with log emitters standing in for the suite: read model, idempotence, outbox."""

from __future__ import annotations

import json

from chain_support import Anvil, account, emit, proposal_created, transfer, vote_cast
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.adapters.chain.catalog import Role
from governance.adapters.chain.indexer import ChainIndexer
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.chain.rpc import Backoff, JsonRpcClient
from governance.adapters.chain.source import ChainSource
from governance.adapters.db.tables.core import outbox
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.chain_records import ProposalState

ZERO = "0x0000000000000000000000000000000000000000"
FAR = 10**9  # a voting period that never ends on this chain


def make_indexer(url: str, sessions: async_sessionmaker[AsyncSession], targets: WatchTargets,
                 **options: object) -> ChainIndexer:
    client = JsonRpcClient(url, timeout=5, backoff=Backoff(initial=0.01, maximum=0.05))
    return ChainIndexer(ChainSource(client), sessions, targets, confirmations=0, **options)  # type: ignore[arg-type]


async def test_votes_balances_and_outbox_follow_the_logs(
    node: Anvil, emitters: WatchTargets, sessions: async_sessionmaker[AsyncSession]
) -> None:
    governor, token = emitters.addresses[Role.GOVERNOR], emitters.addresses[Role.TOKEN]
    alice, bob = account(1), account(2)
    emit(node, token, [transfer(ZERO, alice, 700), transfer(ZERO, bob, 300)])
    minted = node.head()
    emit(node, governor, [proposal_created(7, alice, 0, FAR)])
    emit(node, governor, [vote_cast(alice, 7, 1, 700, "yes please"), vote_cast(bob, 7, 0, 300)])
    emit(node, token, [transfer(alice, bob, 200)])
    moved = node.head()

    indexer = make_indexer(node.url, sessions, emitters)
    await indexer.catch_up()
    await indexer.catch_up()  # a second pass applies nothing twice

    async with SqlAlchemyUnitOfWork(sessions) as uow:
        view = await uow.chain.proposal(emitters.chain_id, 7)
        votes = await uow.chain.votes(emitters.chain_id, 7)
        before = await uow.chain.token_holders(emitters.chain_id, minted)
        after = await uow.chain.token_holders(emitters.chain_id, moved)
        rows = (await uow.session.execute(select(outbox.c.kind, outbox.c.payload))).all()
    assert view is not None and view.state is ProposalState.ACTIVE
    assert (view.tally.votes_for, view.tally.votes_against) == (700, 300)
    assert [(v.voter, v.weight, v.reason) for v in votes] == [(alice, 700, "yes please"), (bob, 300, "")]
    assert [(h.account, h.balance) for h in before] == [(alice, 700), (bob, 300)]
    assert [(h.account, h.balance) for h in after] == [(alice, 500), (bob, 500)]
    kinds = sorted(kind for kind, _ in rows)
    assert kinds == ["ProposalCreated", "VoteCast", "VoteCast", "VotingStarted"]
    assert all(json.loads(payload)["chain_id"] == emitters.chain_id for _, payload in rows)
    await indexer.source.client.close()
