"""Dividend payout benchmarks; prints figures, asserts nothing about time.

    .venv/bin/python bench/payouts.py [--holders 100000] [--classifiers 50]

1. The manifest of one epoch for 100,000 token holders over 50 classifiers (each with its own
   shareholders, a quarter of them also token holders): pro-rata arithmetic, summed leaves, the
   StandardMerkleTree, the canonical JSON document and its hash. Wall time and peak memory (tracemalloc).
2. On anvil: gas of ``claim`` (one leaf) and of ``claimMany`` per leaf at several batch sizes, against a
   root of 4,096 leaves, and the batch size the pipeline picks for a 6,000,000-gas budget.
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from typing import Any

from governance.adapters.chain.keccak_backend import install_fast_keccak
from governance.domain.addresses import Address, to_checksum
from governance.domain.merkle import StandardMerkleTree
from governance.domain.payout_manifest import build_manifest
from governance.domain.payout_runs import claim_batch_size
from governance.domain.payouts import (
    ClassifierInput,
    EpochBudget,
    PayoutInputs,
    compute_manifest,
    default_bounty_weights,
)


def _accounts(n: int, seed: int) -> list[Address]:
    rng = random.Random(seed)
    return [to_checksum(f"{rng.getrandbits(160):040x}") for _ in range(n)]


def synthetic_inputs(holders: int, classifiers: int, seed: int = 7) -> PayoutInputs:
    rng = random.Random(seed)
    members = _accounts(holders, seed)
    balances = {a: rng.randint(1, 10**6) * 10**15 for a in members}
    revenue = {cid: rng.randint(1, 10_000) * 10**6 for cid in range(1, classifiers + 1)}
    weights = default_bounty_weights(revenue)
    outsiders = _accounts(holders // 4, seed + 1)
    pool = members[: holders // 4] + outsiders
    per = max(1, len(pool) // classifiers)
    cls = tuple(
        ClassifierInput(cid, revenue[cid], weights.get(cid, 0),
                        {a: rng.randint(1, 1_000) for a in pool[(cid - 1) * per : cid * per]})
        for cid in revenue
    )
    budget = EpochBudget(3_000_000 * 10**6, 3_000_000 * 10**6, 1_000_000 * 10**6)
    return PayoutInputs(31337, 42, 1_000_000, budget, balances, frozenset(), cls)


def _build(inputs: PayoutInputs) -> tuple[Any, float, float]:
    t0 = time.perf_counter()
    result = compute_manifest(inputs)
    t1 = time.perf_counter()
    manifest = build_manifest(inputs, result, bounty_weights="revenue-share-bps")
    return manifest, t1 - t0, time.perf_counter() - t1


def bench_manifest(holders: int, classifiers: int) -> None:
    """Timed without tracemalloc (it slows allocation several-fold), then measured again for peak memory."""
    inputs = synthetic_inputs(holders, classifiers)
    manifest, arithmetic, document = _build(inputs)
    tracemalloc.start()
    _build(inputs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"manifest: {holders:,} holders, {classifiers} classifiers -> {len(manifest.leaves):,} leaves")
    print(f"  arithmetic {arithmetic:6.2f} s, tree + document + hash {document:6.2f} s, "
          f"total {arithmetic + document:6.2f} s")
    print(f"  peak traced memory {peak / 2**20:,.0f} MiB, document {len(manifest.content) / 2**20:,.1f} MiB, "
          f"paid {manifest.total:,} of {manifest.budget:,} (dust {manifest.budget - manifest.total:,})")


def _send(w3: Any, key: Any, fn: Any) -> int:
    tx = fn.build_transaction({"from": key.address, "nonce": w3.eth.get_transaction_count(key.address)})
    receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(key.sign_transaction(tx).raw_transaction))
    assert receipt["status"] == 1
    return int(receipt["gasUsed"])


def bench_gas(leaves: int = 4_096) -> None:
    from bot.devnet import USD, AnvilNode, deploy_dev_suite, dev_key

    with AnvilNode() as node:
        suite = deploy_dev_suite(node.w3, {1: 1_000}, 7, epoch_length=3_600, challenge_period=600, claim_window=86_400)
        w3, c, bot = node.w3, suite.contracts, dev_key(7)
        node.rpc("anvil_impersonateAccount", [c.timelock.address])
        node.rpc("anvil_setBalance", [c.timelock.address, hex(10**20)])
        c.registry.functions.list("x", w3.eth.accounts[1], b"\x00" * 32, "u", 1).transact({"from": c.timelock.address})
        epoch = int(c.treasury.functions.currentEpoch().call())
        c.treasury.functions.payRevenue(1, 10**9 * USD).transact({"from": suite.payer})
        node.advance(3_700)
        _send(w3, bot, c.treasury.functions.closeEpoch(epoch))
        values = [(a, 1_000 + i) for i, a in enumerate(_accounts(leaves, 99))]
        tree = StandardMerkleTree.of(values)
        _send(w3, bot, c.distributor.functions.proposeRoot(epoch, tree.root, tree.total, b"\x01" * 32, "u"))
        node.advance(601)
        single = _send(w3, bot, c.distributor.functions.claim(epoch, values[0][0], values[0][1], list(tree.proof(0))))
        print(f"gas on anvil, root of {leaves:,} leaves (proof depth {len(tree.proof(0))}):")
        print(f"  claim, one leaf: {single:,} gas")
        start = 1
        for size in (10, 50, 100):
            batch = range(start, start + size)
            fn = c.distributor.functions.claimMany(epoch, [values[i][0] for i in batch], [values[i][1] for i in batch],
                                                   [list(tree.proof(i)) for i in batch])
            gas = _send(w3, bot, fn)
            print(f"  claimMany of {size:3d}: {gas:,} gas, {gas / size:,.0f} per leaf")
            start += size
        print(f"  batch size picked for a 6,000,000-gas budget: {claim_batch_size(leaves, 6_000_000)} leaves "
              f"({claim_batch_size(100_000, 6_000_000)} for 100,000 leaves)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holders", type=int, default=100_000)
    parser.add_argument("--classifiers", type=int, default=50)
    parser.add_argument("--skip-gas", action="store_true")
    args = parser.parse_args()
    install_fast_keccak()
    bench_manifest(args.holders, args.classifiers)
    if not args.skip_gas:
        bench_gas()


if __name__ == "__main__":
    main()
