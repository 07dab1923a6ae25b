"""The manifest arithmetic: floor rounding, one summed leaf per account, exclusions, budget bound."""

from __future__ import annotations

import json

import pytest

from governance.domain.addresses import Address, to_checksum
from governance.domain.errors import IntegrityError, InvalidInput
from governance.domain.merkle import StandardMerkleTree
from governance.domain.payout_manifest import build_manifest, parse_manifest
from governance.domain.payout_runs import ClaimBatch, claim_batch_size, proof_depth, tx_key
from governance.domain.payouts import (
    ClassifierInput,
    EpochBudget,
    PayoutInputs,
    compute_manifest,
    default_bounty_weights,
    pro_rata,
)


def addr(n: int) -> Address:
    return to_checksum(f"{n:040x}")


TREASURY, TIMELOCK, DISTRIBUTOR = addr(0xAAA1), addr(0xAAA2), addr(0xAAA3)


def inputs(**overrides: object) -> PayoutInputs:
    values: dict[str, object] = dict(
        chain_id=31337,
        epoch=3,
        end_block=120,
        budget=EpochBudget(member=1_000, classifier=1_001, bounty=333),
        token_balances={addr(1): 3, addr(2): 3, addr(3): 1, TREASURY: 50, TIMELOCK: 50},
        excluded=frozenset({TREASURY, TIMELOCK, DISTRIBUTOR}),
        classifiers=(
            ClassifierInput(1, revenue=700, bounty_bps=7_000, shares={addr(1): 1, addr(4): 2}),
            ClassifierInput(2, revenue=300, bounty_bps=3_000, shares={addr(5): 10}),
        ),
    )
    values.update(overrides)
    return PayoutInputs(**values)  # type: ignore[arg-type]


def test_floor_rounding_and_dust() -> None:
    assert pro_rata(10, {addr(1): 1, addr(2): 1, addr(3): 1}) == {addr(1): 3, addr(2): 3, addr(3): 3}
    assert pro_rata(10, {addr(1): 0}) == {}
    result = compute_manifest(inputs())
    leaves = dict(result.leaves)
    # members: 1000 * 3/7 = 428.57 -> 428 ; 1000 * 1/7 = 142
    assert result.member_paid == 428 + 428 + 142
    # classifier 1: 1001 * 700/1000 = 700 (floor of 700.7); its shares 1:2 -> 233, 466
    # bounty 1: 333 * 7000 / 10000 = 233 (floor of 233.1) -> 77, 155
    assert leaves[addr(1)] == 428 + 233 + 77, "an account with tokens and shares has one summed leaf"
    assert leaves[addr(4)] == 466 + 155
    # classifier 2: 1001 * 300/1000 = 300 ; bounty 333 * 0.3 = 99
    assert leaves[addr(5)] == 300 + 99
    assert result.total <= inputs().budget.total
    assert inputs().budget.total - result.total == 2 + 1 + 1 + 1 + 1, "floors leave dust for the sweep"


def test_excluded_accounts_get_nothing_and_accounts_are_unique() -> None:
    result = compute_manifest(inputs())
    accounts = [a for a, _ in result.leaves]
    assert TREASURY not in accounts and TIMELOCK not in accounts
    assert len(accounts) == len(set(accounts)) and accounts == sorted(accounts, key=str.lower)
    assert all(amount > 0 for _, amount in result.leaves)


def test_over_budget_is_refused_and_bad_weights_rejected() -> None:
    with pytest.raises(InvalidInput):
        inputs(classifiers=(ClassifierInput(1, 1, 6_000, {}), ClassifierInput(2, 1, 5_000, {})))
    with pytest.raises(InvalidInput):
        EpochBudget(-1, 0, 0)
    # a classifier whose shares nobody holds leaves its part unpaid (swept), never over budget
    result = compute_manifest(inputs(classifiers=(ClassifierInput(1, 5, 10_000, {}),)))
    assert result.total == result.member_paid


def test_default_bounty_weights_are_revenue_share_bps() -> None:
    assert default_bounty_weights({1: 1, 2: 2}) == {1: 3_333, 2: 6_666}
    assert default_bounty_weights({1: 0}) == {}


def test_manifest_document_round_trips_and_detects_tampering() -> None:
    data = inputs()
    manifest = build_manifest(data, compute_manifest(data), bounty_weights="revenue-share-bps")
    again = build_manifest(data, compute_manifest(data), bounty_weights="revenue-share-bps")
    assert manifest.content == again.content and manifest.content_hash == again.content_hash, "deterministic"
    parsed = parse_manifest(manifest.content)
    assert parsed.root == manifest.root and parsed.leaves == tuple(manifest.leaves)
    doc = json.loads(manifest.content)
    tree = StandardMerkleTree.load(doc["tree"])
    assert tree.root_hex == manifest.root
    doc["tree"]["values"][0]["value"][1] = str(int(doc["tree"]["values"][0]["value"][1]) + 1)
    with pytest.raises(IntegrityError):
        parse_manifest(json.dumps(doc).encode())
    doc = json.loads(manifest.content)
    doc["total"] = "1"
    with pytest.raises(IntegrityError):
        parse_manifest(json.dumps(doc).encode())


def test_empty_epoch_has_no_tree() -> None:
    data = inputs(budget=EpochBudget(0, 0, 0))
    manifest = build_manifest(data, compute_manifest(data), bounty_weights="x")
    assert manifest.is_empty and int(manifest.root, 16) == 0
    assert parse_manifest(manifest.content).is_empty


def test_batches_and_keys() -> None:
    assert proof_depth(1) == 0 and proof_depth(2) == 1 and proof_depth(100_000) == 17
    assert claim_batch_size(10, 1) == 1
    assert claim_batch_size(100_000, 6_000_000) == (6_000_000 - 40_000) // (62_000 + 1_100 * 17)
    assert tx_key(31337, 4, "close") == "payout:31337:4:close"
    assert ClaimBatch(1, 2, 3, 0, 0, 1, ()).key == "payout:1:2:claims:3"
    assert ClaimBatch(1, 2, 3, 2, 0, 1, ()).key == "payout:1:2:claims:3.2"
