"""The soak's invariants, checked at the end against the chain (events and views read directly from anvil),
the bot's database, and the Discord sandbox. Each check counts what it looked at and lists what broke.

- payouts exactly once: per ended epoch with revenue, one close, one root, every manifest leaf claimed
  exactly once (``Claimed`` events equal the leaves), one sweep, and paid + swept = the epoch's budget;
- epochs: every ended epoch's payout run is finished (closed = elapsed);
- tallies: the watcher's tally of every proposal equals ``Governor.proposalVotes``, its vote count the
  ``VoteCast`` events;
- outbox: each dedupe key once, every notification delivered (``sent_at`` set), each Discord post key maps
  to one live message in the sandbox, and no message from the bot exists without its key (a double post);
- transactions: nothing the bot journaled is left in flight.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from soak_world import SoakWorld
from sqlalchemy import select

from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.tables.core import outbox
from governance.adapters.db.tables.discord_posts import discord_posts
from governance.adapters.db.tables.transactions import tx_intents
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.payout_manifest import parse_manifest
from governance.domain.payout_runs import PayoutRun

__all__ = ["ChainFacts", "Check", "chain_facts", "run_checks"]

CHAIN_ID = 31337
IN_FLIGHT = {"planned", "signed", "broadcast", "mined"}


@dataclass
class Check:
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)

    def expect(self, ok: bool, problem: str) -> None:
        if not ok:
            self.violations.append(problem)


@dataclass(frozen=True)
class ChainFacts:
    current_epoch: int
    revenue: dict[int, int]
    info: dict[int, tuple[Any, ...]]
    closed: Counter[int]
    roots: Counter[int]
    vetoes: Counter[int]
    claims: dict[int, list[tuple[str, int]]]
    sweeps: dict[int, list[int]]
    proposals: dict[int, tuple[int, int, int]]  # id -> (against, for, abstain)
    vote_events: Counter[int]


def chain_facts(world: SoakWorld, first_epoch: int = 0) -> ChainFacts:
    """Everything the checks need from the chain, read directly from anvil (blocking: run it in a thread)."""
    c = world.c
    current = int(c.treasury.functions.currentEpoch().call())
    epochs = range(first_epoch, current)
    claims: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for e in c.distributor.events.Claimed().get_logs(from_block=0):
        claims[int(e["args"]["epoch"])].append((str(e["args"]["account"]), int(e["args"]["amount"])))
    sweeps: dict[int, list[int]] = defaultdict(list)
    for e in c.distributor.events.Swept().get_logs(from_block=0):
        sweeps[int(e["args"]["epoch"])].append(int(e["args"]["amount"]))
    ids = [int(e["args"]["proposalId"]) for e in c.governor.events.ProposalCreated().get_logs(from_block=0)]
    return ChainFacts(
        current_epoch=current,
        revenue={e: int(c.treasury.functions.epochRevenue(e).call()) for e in epochs},
        info={e: tuple(c.distributor.functions.epochInfo(e).call()) for e in epochs},
        closed=Counter(int(e["args"]["epoch"]) for e in c.treasury.events.EpochClosed().get_logs(from_block=0)),
        roots=Counter(int(e["args"]["epoch"]) for e in c.distributor.events.RootProposed().get_logs(from_block=0)),
        vetoes=Counter(int(e["args"]["epoch"]) for e in c.distributor.events.RootVetoed().get_logs(from_block=0)),
        claims=claims,
        sweeps=sweeps,
        proposals={pid: tuple(int(v) for v in c.governor.functions.proposalVotes(pid).call()) for pid in ids},
        vote_events=Counter(int(e["args"]["proposalId"]) for e in c.governor.events.VoteCast().get_logs(from_block=0)
                            + c.governor.events.VoteCastWithParams().get_logs(from_block=0)),
    )


async def run_checks(world: SoakWorld, first_epoch: int = 0) -> list[Check]:
    facts = await asyncio.to_thread(chain_facts, world, first_epoch)
    engine = make_engine(world.database_url)
    try:
        factory = make_session_factory(engine)
        async with SqlAlchemyUnitOfWork(factory) as uow:
            runs = {r.epoch: r for r in await uow.payouts.runs(CHAIN_ID)}
            manifests = {e: await uow.payouts.manifest(CHAIN_ID, e) for e in facts.info}
            tallies = await uow.chain.tallies(CHAIN_ID, list(facts.proposals))
            indexed = await uow.chain.proposal_count(CHAIN_ID)
            votes = {pid: len(await uow.chain.votes(CHAIN_ID, pid)) for pid in facts.proposals}
            rows = (await uow.session.execute(select(outbox.c.dedupe_key, outbox.c.kind, outbox.c.sent_at))).all()
            posts = (await uow.session.execute(select(discord_posts.c.key, discord_posts.c.message_id))).all()
            txs = (await uow.session.execute(select(tx_intents.c.key, tx_intents.c.state))).all()
    finally:
        await engine.dispose()
    return [
        _payouts(facts, runs, manifests),
        _epochs(facts, runs, first_epoch),
        _tallies(facts, tallies, indexed, votes),
        _outbox(world, rows, posts, facts),
        _transactions(txs),
    ]


def _payouts(facts: ChainFacts, runs: dict[int, PayoutRun], manifests: dict[int, bytes | None]) -> Check:
    check = Check("payouts exactly once")
    leaves = claims = paid = 0
    for epoch, info in facts.info.items():
        if facts.revenue[epoch] == 0:
            check.expect(not facts.closed[epoch] and not facts.claims.get(epoch), f"epoch {epoch}: paid w/o revenue")
            continue
        problems, n_leaves = _epoch_payout(epoch, info, facts, manifests.get(epoch))
        check.violations += problems
        leaves += n_leaves
        claims += len(facts.claims.get(epoch, []))
        paid += sum(n for _, n in facts.claims.get(epoch, []))
        run = runs.get(epoch)
        check.expect(run is not None and run.paid == paid_of(facts, epoch), f"epoch {epoch}: run.paid differs")
    check.counts = {"epochs with revenue": sum(1 for r in facts.revenue.values() if r), "leaves": leaves,
                    "claims": claims, "paid (base units)": paid,
                    "swept (base units)": sum(sum(s) for s in facts.sweeps.values())}
    return check


def paid_of(facts: ChainFacts, epoch: int) -> int:
    return sum(n for _, n in facts.claims.get(epoch, []))


def _epoch_payout(epoch: int, info: tuple[Any, ...], facts: ChainFacts, content: bytes | None) -> tuple[list[str], int]:
    problems = []
    budget, swept_flag = int(info[4]), bool(info[6])
    if facts.closed[epoch] != 1:
        problems.append(f"epoch {epoch}: closed {facts.closed[epoch]} times")
    if facts.roots[epoch] != 1 + facts.vetoes[epoch]:
        problems.append(f"epoch {epoch}: {facts.roots[epoch]} roots proposed, {facts.vetoes[epoch]} vetoed")
    if content is None:
        return [*problems, f"epoch {epoch}: no manifest stored"], 0
    manifest = parse_manifest(content)
    claims = facts.claims.get(epoch, [])
    if Counter(a for a, _ in claims) != Counter(a for a, _ in manifest.leaves):
        twice = [a for a, n in Counter(a for a, _ in claims).items() if n > 1]
        missing = {a for a, _ in manifest.leaves} - {a for a, _ in claims}
        problems.append(f"epoch {epoch}: claimed twice {twice}, never claimed {sorted(missing)}")
    elif sorted(claims) != sorted(manifest.leaves):
        problems.append(f"epoch {epoch}: claimed amounts differ from the manifest")
    sweeps = facts.sweeps.get(epoch, [])
    if len(sweeps) != 1 or not swept_flag:
        problems.append(f"epoch {epoch}: swept {len(sweeps)} times (flag {swept_flag})")
    elif sum(n for _, n in claims) + sweeps[0] != budget:
        problems.append(f"epoch {epoch}: paid {sum(n for _, n in claims)} + swept {sweeps[0]} != budget {budget}")
    if manifest.root != "0x" + bytes(info[0]).hex():
        problems.append(f"epoch {epoch}: the root on chain is not the stored manifest's")
    return problems, len(manifest.leaves)


def _epochs(facts: ChainFacts, runs: dict[int, PayoutRun], first_epoch: int) -> Check:
    check = Check("epochs closed = epochs elapsed")
    elapsed = list(range(first_epoch, facts.current_epoch))
    finished = [e for e in elapsed if e in runs and runs[e].finished]
    for epoch in elapsed:
        run = runs.get(epoch)
        check.expect(run is not None and run.finished, f"epoch {epoch}: run {run.stage.value if run else 'missing'}")
    with_revenue = [e for e in elapsed if facts.revenue[e]]
    closed = [e for e in with_revenue if facts.closed[e] == 1]
    check.counts = {"elapsed": len(elapsed), "runs finished": len(finished), "with revenue": len(with_revenue),
                    "closed on chain": len(closed)}
    check.expect(len(closed) == len(with_revenue), f"{len(with_revenue) - len(closed)} epochs with revenue not closed")
    return check


def _tallies(facts: ChainFacts, tallies: dict[int, Any], indexed: int, votes: dict[int, int]) -> Check:
    check = Check("tallies = on-chain counts")
    for pid, (against, for_, abstain) in facts.proposals.items():
        t = tallies.get(pid)
        mine = (t.votes_against, t.votes_for, t.votes_abstain) if t is not None else (0, 0, 0)
        chain = (against, for_, abstain)
        check.expect(mine == chain, f"proposal {pid}: watcher (against, for, abstain) {mine} != chain {chain}")
        check.expect(votes[pid] == facts.vote_events[pid], f"proposal {pid}: {votes[pid]} votes indexed, "
                     f"{facts.vote_events[pid]} on chain")
    check.expect(indexed == len(facts.proposals), f"{indexed} proposals indexed, {len(facts.proposals)} on chain")
    check.counts = {"proposals": len(facts.proposals), "votes": sum(facts.vote_events.values()),
                    "proposals indexed": indexed}
    return check


def _outbox(world: SoakWorld, rows: list[Any], posts: list[Any], facts: ChainFacts) -> Check:
    check = Check("outbox: none lost, none doubled")
    keys = Counter(r.dedupe_key for r in rows)
    for key, n in keys.items():
        check.expect(n == 1, f"outbox key {key} stored {n} times")
    unsent = [r.dedupe_key for r in rows if r.sent_at is None]
    check.expect(not unsent, f"{len(unsent)} notifications never delivered: {unsent[:5]}")
    state = world.sandbox.state
    bot_id = world.sandbox.bot_user_id
    ours = {m.id: m for m in state.messages.values()
            if m.author_id == bot_id and m.interaction_id is None and not m.ephemeral}
    referenced = Counter(int(p.message_id) for p in posts)
    for post in posts:
        message = ours.get(int(post.message_id))
        check.expect(message is not None and not message.deleted, f"post {post.key}: message {post.message_id} gone")
    orphans = [m for mid, m in ours.items() if mid not in referenced and not m.deleted]
    for m in orphans:
        check.expect(False, f"message {m.id} in channel {m.channel_id} has no post key (doubled?): {m.content[:60]!r}")
    kinds = Counter(r.kind for r in rows)
    budgeted = [e for e, info in facts.info.items() if int(info[4])]
    for kind in ("payout_swept",):
        check.expect(kinds[kind] == len(budgeted), f"{kinds[kind]} {kind} notifications for {len(budgeted)} epochs")
    check.counts = {"notifications": len(rows), "delivered": len(rows) - len(unsent), "discord posts": len(posts),
                    "bot messages": len(ours), "edits": sum(len(m.history) for m in ours.values())}
    return check


def _transactions(txs: list[Any]) -> Check:
    check = Check("bot transactions settled")
    states = Counter(str(t.state) for t in txs)
    stuck = [t.key for t in txs if str(t.state) in IN_FLIGHT]
    check.expect(not stuck, f"{len(stuck)} transactions still in flight: {stuck[:5]}")
    check.counts = dict(sorted(states.items()))
    return check
