"""Moderation round and classifier scoring benchmarks; prints figures, asserts nothing about time.

    .venv/bin/python bench/rounds.py

1. A de-rank round of 200 items and 10,000 ballots: cast, close (cap, quorum, brigading check),
   Merkle root of decision and ballot leaves, with the domain's pure-Python Keccak and with the
   C-backed one the bot installs at start-up.
2. The same round through the bot's service on a SQLite database with anchoring on anvil: store the
   posts and 10,000 ballots, then ``close_round`` (load, delegation logs, tally, store results and
   notifications, reload) and the ``ModerationLedger.anchor`` transaction through the one sender.
3. The reference classifiers labelling 100,000 posts, then the market scoring of 12 classifiers over
   100,000 resolved items (correlation, contribution, reputation, bounty weights).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from governance.domain import keccak
from governance.domain.addresses import Address, to_checksum
from governance.domain.moderation import Ballot, Choice, Round, RoundKind, RoundResult, RoundRules, RoundSpec
from governance.domain.moderation_leaves import round_root
from policies.classifiers.artifacts import REFERENCE_DIR, load_classifier, read_card
from policies.classifiers.reputation import ReputationRules, bounty_weights, update_reputations
from policies.classifiers.scoring import score_classifiers
from policies.classifiers.synthetic import generate

T = TypeVar("T")
ITEMS, BALLOTS, WALLETS = 200, 10_000, 1_000
SNAPSHOT = 1_000_000
CLOSES = datetime(2026, 11, 22, tzinfo=UTC)


def timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = action()
    print(f"  {label:<52} {time.perf_counter() - start:8.3f} s")
    return value


def ballots(wallets: list[Address], rng: random.Random) -> list[Ballot]:
    items = [f"post-{i:04d}" for i in range(ITEMS)]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < BALLOTS:
        pairs.add((rng.randrange(WALLETS), rng.randrange(ITEMS)))
    lean = [rng.random() for _ in items]
    return [
        Ballot(
            1,
            items[i],
            wallets[w],
            Choice.DERANK if rng.random() < lean[i] else Choice.KEEP,
            int(rng.paretovariate(1.2) * 10**18),
        )
        for w, i in sorted(pairs)
    ]


def bench_round() -> None:
    rng = random.Random(3)
    wallets = [to_checksum(f"{rng.getrandbits(160):040x}") for _ in range(WALLETS)]
    cast = ballots(wallets, rng)
    total = sum({b.wallet: b.weight for b in cast}.values()) * 2  # half the power stays home
    delegated = {w: SNAPSHOT - rng.randrange(72_000) for w in wallets}  # about 10% fresh (7,200 blocks)
    items = tuple(sorted({b.item_id for b in cast}))
    spec = RoundSpec(1, RoundKind.FIRST, items, SNAPSHOT, total, CLOSES, RoundRules())
    print(f"round: {len(items)} items, {len(cast):,} ballots from {WALLETS:,} wallets")
    round_ = Round(spec)

    def cast_all() -> None:
        for ballot in cast:
            round_.cast(ballot, now=CLOSES - timedelta(hours=1))

    timed("cast 10,000 ballots", cast_all)
    result = timed(
        "close: cap, quorum, decision, brigading check", lambda: round_.close(now=CLOSES, delegated_at=delegated)
    )
    derank = sum(item.decision.value for item in result.items)
    flagged = sum(item.brigading is not None for item in result.items)
    print(f"  -> {derank} de-ranked, {flagged} flagged for brigading")
    merkle(result)


def merkle(result: RoundResult) -> None:
    root = timed("Merkle root, pure-Python Keccak (domain)", lambda: round_root(result))
    try:
        from eth_hash.auto import keccak as fast_keccak
    except ImportError:
        print("  (eth-hash not installed: no C-backed Keccak figure)")
        return
    keccak.use_keccak_backend(fast_keccak)
    try:
        fast = timed("Merkle root, C-backed Keccak (eth-hash)", lambda: round_root(result))
    finally:
        keccak.use_keccak_backend(keccak.keccak256_reference)
    assert fast == root
    print(f"  -> root 0x{root.hex()}")


def bench_scoring() -> None:
    n, classifiers = 100_000, 12
    print(f"classifier scoring: {n:,} items")
    posts = [row.text for task in ("toxicity", "spam") for row in generate(task, seed=99, rows=n // 2)]
    for task in ("toxicity", "spam"):
        artifact = REFERENCE_DIR / f"{task}.joblib"
        model = load_classifier(artifact, read_card(artifact)["artifact_sha256"])
        timed(f"reference {task} classifier labels {n:,} posts", lambda m=model: m.score(posts))
    rng = np.random.default_rng(5)
    items = [f"post-{i:06d}" for i in range(n)]
    outcome = rng.random(n)
    predictions = {
        f"clf-{c:02d}": dict(zip(items, (outcome + rng.normal(0, 0.2 + 0.1 * c, n)).tolist(), strict=True))
        for c in range(classifiers)
    }
    outcomes = dict(zip(items, outcome.tolist(), strict=True))
    stakes = {f"clf-{c:02d}": (c + 1) * 10**18 for c in range(classifiers)}
    scores = timed(
        f"score {classifiers} classifiers (corr + contribution)",
        lambda: score_classifiers(outcomes, predictions, stakes),
    )
    reps = timed(
        "reputation + bounty weights",
        lambda: (update_reputations({}, scores, ReputationRules()), bounty_weights(scores)),
    )
    best = max(scores.values(), key=lambda s: s.score)
    print(
        f"  -> best {best.classifier_id}: corr {best.correlation:+.3f}, contribution "
        f"{best.contribution:+.3f}; bounty bps {reps[1]}"
    )


class TimedChain:
    """The moderation chain adapter, timing its reads and the anchor transaction."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.seconds: dict[str, float] = {}

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._inner, name)

        async def call(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return await target(*args)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

        return call


async def _service_round(workdir: Path) -> None:
    from bot.devnet import AnvilNode, deploy_dev_suite, dev_key
    from governance.adapters.chain.moderation import Web3ModerationChain
    from governance.adapters.clock import FakeClock
    from governance.adapters.db import migrate
    from governance.bootstrap import build_chain, build_database
    from governance.config import load_settings
    from governance.domain.content import Post
    from governance.services import moderation

    rng = random.Random(3)
    wallets = [to_checksum(f"{rng.getrandbits(160):040x}") for _ in range(WALLETS)]
    cast = ballots(wallets, rng)
    items = tuple(sorted({b.item_id for b in cast}))
    total = sum({b.wallet: b.weight for b in cast}.values()) * 2
    with AnvilNode() as node:
        suite = deploy_dev_suite(node.w3, {1: 1_000_000}, 7)
        suite.deployment.write(workdir / "deployment.json")
        settings = load_settings(
            rpc_url=node.url, chain_id=31337, deployment_file=workdir / "deployment.json", confirmations=0,
            signer_private_key="0x" + dev_key(7).key.hex().removeprefix("0x"),
            database_url=f"sqlite+aiosqlite:///{workdir / 'bench.sqlite'}",
        )
        await migrate.upgrade(settings.database_url)
        engine, uow_factory = build_database(settings)
        clock = FakeClock(int(CLOSES.timestamp()) - 3_600)
        access = build_chain(settings, uow_factory, clock)
        chain = TimedChain(Web3ModerationChain(access.chain, access.sender))
        deps = moderation.ModerationDeps(uow_factory, chain, clock, "http://127.0.0.1:8080")  # type: ignore[arg-type]
        spec = RoundSpec(1, RoundKind.FIRST, items, node.w3.eth.block_number, total, CLOSES, RoundRules())
        print(f"service round on SQLite + anvil: {len(items)} items, {len(cast):,} ballots")

        async def store() -> None:
            async with uow_factory() as uow:
                for item in items:
                    await uow.moderation.add_post(Post(item, "author", f"text of {item}", CLOSES), clock.now())
                await uow.moderation.add_round(spec, clock.now())
                await uow.moderation.add_ballots(cast, clock.now())
                await uow.commit()

        await atimed("store 200 posts, the round and 10,000 ballots", store)
        clock.advance(3_600)
        result = await atimed("close_round: tally, store, anchor (total)", lambda: moderation.close_round(deps, 1))
        for name, seconds in sorted(chain.seconds.items()):
            print(f"    of which chain.{name:<38} {seconds:8.3f} s")
        anchored = access.chain.contract("ModerationLedger")
        root, *_ = await anchored.functions.round(1).call()
        assert bytes(root) == round_root(result)
        print(f"  -> anchored root 0x{bytes(root).hex()} matches the stored result")
        await engine.dispose()


async def atimed(label: str, action: Callable[[], Awaitable[T]]) -> T:
    start = time.perf_counter()
    value = await action()
    print(f"  {label:<52} {time.perf_counter() - start:8.3f} s")
    return value


def bench_service_round() -> None:
    from governance.adapters.chain.keccak_backend import install_fast_keccak

    install_fast_keccak()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            asyncio.run(_service_round(Path(workdir)))
    finally:
        keccak.use_keccak_backend(keccak.keccak256_reference)


if __name__ == "__main__":
    bench_round()
    bench_service_round()
    bench_scoring()
