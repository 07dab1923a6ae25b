"""Moderation round and classifier scoring benchmarks; prints figures, asserts nothing about time.

    .venv/bin/python bench/rounds.py

1. A de-rank round of 200 items and 10,000 ballots: cast, close (cap, quorum, brigading check),
   Merkle root of decision and ballot leaves, with the domain's pure-Python Keccak and with the
   C-backed one the bot installs at start-up.
2. The reference classifiers labelling 100,000 posts, then the market scoring of 12 classifiers over
   100,000 resolved items (correlation, contribution, reputation, bounty weights).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

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


if __name__ == "__main__":
    bench_round()
    bench_scoring()
