"""Chain watcher throughput and latency on anvil; prints figures, asserts nothing about time.

    .venv/bin/python bench/index.py [--proposals 2000] [--voters 6] [--blocks-per-batch 50] [--database URL]

1. History: log emitters stand in for the Governor and the token; every proposal is a ProposalCreated, one
   VoteCast per voter, two Transfers and a DelegateVotesChanged, ten proposals per transaction, blocks mined
   between batches (2,000 proposals: 20,000+ logs over 10,000+ blocks).
2. Catch-up, twice on fresh databases and the same node: our indexer (adaptive ranges, one query for all
   watched contracts) against a naive one (one ``eth_getLogs`` per contract per 1,000-block range) that
   applies what it fetched through the same pipeline. Also the fetch alone, without the database.
   Both again behind a proxy adding ``--latency-ms`` to every request, like a distant provider.
3. Live latency: one transaction per block while the watcher polls; from the transaction's receipt (the block
   is mined) to the commit that put its domain event in the outbox.

Building the history takes a few minutes: anvil's cost per mined block grows with the chain's length.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration" / "chain"))

from chain_support import (  # noqa: E402
    ANVIL_CHAIN_ID,
    Anvil,
    account,
    anvil,
    deploy_emitter,
    emit,
    event,
    proposal_created,
    records,
    send,
    transfer,
    vote_cast,
)
from fault_proxy import FaultProxy  # noqa: E402

from governance.adapters.chain.abi import checksummed  # noqa: E402
from governance.adapters.chain.catalog import Role  # noqa: E402
from governance.adapters.chain.indexer import ChainIndexer, StepResult  # noqa: E402
from governance.adapters.chain.projection import WatchTargets  # noqa: E402
from governance.adapters.chain.rpc import JsonRpcClient  # noqa: E402
from governance.adapters.chain.source import ChainSource  # noqa: E402
from governance.adapters.db import migrate  # noqa: E402
from governance.adapters.db.engine import make_engine, make_session_factory  # noqa: E402

ZERO = "0x" + "00" * 20
NAIVE_RANGE = 1_000


def build(node: Anvil, targets: WatchTargets, proposals: int, voters: int, gap: int) -> int:
    governor, token = targets.addresses[Role.GOVERNOR], targets.addresses[Role.TOKEN]
    emit(node, token, [transfer(ZERO, account(v), 10**24) for v in range(voters)])
    logs = voters
    for first in range(1, proposals + 1, 10):
        gov_events, token_events = [], []
        for n in range(first, min(first + 10, proposals + 1)):
            gov_events.append(proposal_created(n, account(0), 0, 10**12, f"Proposal {n}"))
            gov_events += [vote_cast(account(v), n, (n + v) % 3, 10**21 + v, "because") for v in range(voters)]
            token_events += [transfer(account(n % voters), account((n + 1) % voters), n),
                             transfer(account((n + 2) % voters), account(n % voters), n),
                             event("DelegateVotesChanged", delegate=account(n % voters), previousVotes=n,
                                   newVotes=n + 1)]
        emit(node, governor, gov_events)
        emit(node, token, token_events)
        logs += len(gov_events) + len(token_events)
        node.mine(gap)
    return logs


async def fresh_sessions(path: Path, url: str | None) -> tuple[Any, Any]:
    target = url or f"sqlite+aiosqlite:///{path}"
    await migrate.upgrade(target)
    engine = make_engine(target)
    return engine, make_session_factory(engine)


async def ours(url: str, targets: WatchTargets, sessions: Any) -> tuple[float, ChainIndexer]:
    indexer = ChainIndexer(ChainSource(JsonRpcClient(url)), sessions, targets, confirmations=0)
    await indexer.register()
    checksummed.cache_clear()
    started = time.perf_counter()
    await indexer.catch_up()
    return time.perf_counter() - started, indexer


async def naive(url: str, targets: WatchTargets, sessions: Any) -> tuple[float, int]:
    """One query per contract per 1,000 blocks, then the same apply step as ours."""
    indexer = ChainIndexer(ChainSource(JsonRpcClient(url)), sessions, targets, confirmations=0)
    await indexer.register()
    source, topics = indexer.source, indexer._topics
    checksummed.cache_clear()
    started = time.perf_counter()
    head, applied = await source.head(), 0
    for first in range(0, head + 1, NAIVE_RANGE):
        last = min(head, first + NAIVE_RANGE - 1)
        logs = []
        for address in targets.addresses.values():
            logs += await source.logs(first, last, [address], topics)
        await indexer._apply(await source.block(first), await source.block(last), logs)
        applied += len(logs)
    elapsed = time.perf_counter() - started
    await source.client.close()
    return elapsed, applied


async def fetch_only(node: Anvil, targets: WatchTargets, spans: list[tuple[int, int]], per_contract: bool) -> float:
    source = ChainSource(JsonRpcClient(node.url))
    topics = sorted({topic for topic in ChainIndexer(source, None, targets)._topics})  # type: ignore[arg-type]
    started = time.perf_counter()
    for first, last in spans:
        groups = [[a] for a in targets.addresses.values()] if per_contract else [list(targets.addresses.values())]
        for group in groups:
            await source.logs(first, last, group, topics)
    elapsed = time.perf_counter() - started
    await source.client.close()
    return elapsed


async def live_latency(node: Anvil, targets: WatchTargets, indexer: ChainIndexer, samples: int,
                       poll: float) -> list[float]:
    committed: dict[int, float] = {}

    def seen(result: StepResult) -> None:
        if result.kind == "applied" and result.cursor is not None:
            committed.setdefault(result.cursor, time.perf_counter())

    stop = asyncio.Event()
    runner = asyncio.create_task(indexer.run(stop, poll, on_step=seen))
    await asyncio.sleep(0.3)
    latencies, governor = [], targets.addresses[Role.GOVERNOR]
    for n in range(samples):
        data = records([vote_cast(account(n % 5), 1, 1, 1, "live")])
        tx = await asyncio.to_thread(send, node, governor, data)
        found = None
        while found is None:
            found = await asyncio.to_thread(node.call, "eth_getTransactionReceipt", tx)
        mined_at = time.perf_counter()
        block = int(found["blockNumber"], 16)
        while not any(number >= block for number in committed):
            await asyncio.sleep(0.001)
        done = min(at for number, at in committed.items() if number >= block)
        latencies.append(max(0.0, done - mined_at))
    stop.set()
    await runner
    return latencies


async def compare(url: str, targets: WatchTargets, tmp: Path, label: str,
                  database: str | None) -> tuple[ChainIndexer, Any]:
    """Catch up with ours and with the naive indexer on fresh databases; print both and the ratio."""
    engine_a, sessions_a = await fresh_sessions(tmp / f"ours-{len(label)}.sqlite", database)
    ours_time, indexer = await ours(url, targets, sessions_a)
    print(f"[{label}] ours : {ours_time:7.2f}s  {indexer.stats.logs_applied / ours_time:7.0f} events/s  "
          f"({indexer.stats.steps} ranges, {indexer.source.client.stats.requests} requests)")
    engine_b, sessions_b = await fresh_sessions(tmp / f"naive-{len(label)}.sqlite", None)
    naive_time, naive_logs = await naive(url, targets, sessions_b)
    queries = (await indexer.source.head() // NAIVE_RANGE + 1) * len(targets.addresses)
    print(f"[{label}] naive: {naive_time:7.2f}s  {naive_logs / naive_time:7.0f} events/s  ({queries} log queries)")
    print(f"[{label}] catch-up speed-up (naive time / ours): {naive_time / ours_time:.2f}x")
    await engine_b.dispose()
    return indexer, engine_a


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> None:
    binary = ROOT / "contracts" / "node_modules" / ".bin" / "anvil"
    with anvil(binary, "--prune-history") as node, tempfile.TemporaryDirectory() as tmp:
        roles = (Role.GOVERNOR, Role.TIMELOCK, Role.TOKEN, Role.REGISTRY, Role.TREASURY)
        targets = WatchTargets(ANVIL_CHAIN_ID, {role: deploy_emitter(node) for role in roles})
        started = time.perf_counter()
        logs = build(node, targets, args.proposals, args.voters, args.blocks_per_batch)
        head = node.head()
        print(f"history: {args.proposals} proposals, {logs} logs over {head} blocks "
              f"(built in {time.perf_counter() - started:.1f}s)")

        indexer, engine_a = await compare(node.url, targets, Path(tmp), "local anvil", args.database)
        proxy = FaultProxy(node.url, rate=0.0, max_range=None, latency=args.latency_ms / 1000)
        await proxy.start()
        far, engine_far = await compare(proxy.url, targets, Path(tmp), f"anvil + {args.latency_ms} ms per request",
                                        None)
        await far.source.client.close()
        await engine_far.dispose()
        await proxy.stop()
        spans = [(f, min(head, f + NAIVE_RANGE - 1)) for f in range(0, head + 1, NAIVE_RANGE)]
        fetch_naive = await fetch_only(node, targets, spans, per_contract=True)
        fetch_ours = await fetch_only(node, targets, [(0, head)] if head < 100_000 else spans, per_contract=False)
        print(f"fetch only: naive {fetch_naive:.2f}s, one query for all contracts {fetch_ours:.2f}s "
              f"({fetch_naive / fetch_ours:.1f}x)")

        latencies = await live_latency(node, targets, indexer, args.samples, args.poll)
        print(f"live latency, mined block -> outbox commit ({args.samples} blocks, poll {args.poll}s, "
              f"0 confirmations): p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, mean {statistics.mean(latencies) * 1000:.1f} ms")
        await indexer.source.client.close()
        await engine_a.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=2000)
    parser.add_argument("--voters", type=int, default=6)
    parser.add_argument("--blocks-per-batch", type=int, default=50)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--database", default=None, help="Database URL for our run (default: a temporary SQLite)")
    asyncio.run(main(parser.parse_args()))
