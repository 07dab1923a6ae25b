from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eth_abi.abi import encode
from eth_hash.auto import keccak
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.domain.addresses import to_checksum
from governance.domain.errors import InvalidInput
from governance.domain.merkle_bytes import hash_pair, merkle_proof, merkle_root, verify_proof
from governance.domain.moderation import Ballot, Choice, Round, RoundKind, RoundRules, RoundSpec
from governance.domain.moderation_leaves import ballot_leaf, decision_leaf, item_id_hash, round_leaves, round_root

CLOSES = datetime(2026, 11, 22, tzinfo=UTC)
WALLET = to_checksum("ab" * 20)


def closed_round() -> Round:
    r = Round(RoundSpec(3, RoundKind.FIRST, ("p-1", "p-2"), 10, 100, CLOSES, RoundRules(quorum_bps=0)))
    r.cast(Ballot(3, "p-1", WALLET, Choice.DERANK, 40), now=CLOSES - timedelta(hours=1))
    r.cast(Ballot(3, "p-2", WALLET, Choice.KEEP, 40), now=CLOSES - timedelta(hours=1))
    r.close(now=CLOSES, delegated_at={})
    return r


def test_ballot_leaf_is_double_hashed_abi_encoding() -> None:
    ballot = Ballot(3, "p-1", WALLET, Choice.DERANK, 40)
    encoded = encode(
        ["uint8", "uint256", "bytes32", "address", "uint8", "uint256"],
        [1, 3, keccak(b"p-1"), WALLET, 1, 40],
    )
    assert ballot_leaf(ballot) == keccak(keccak(encoded))


def test_decision_leaf_is_double_hashed_abi_encoding() -> None:
    item = closed_round().result().item("p-1")
    encoded = encode(["uint8", "uint256", "bytes32", "uint8", "uint256", "uint256"], [2, 3, keccak(b"p-1"), 1, 40, 0])
    assert decision_leaf(item) == keccak(keccak(encoded))
    assert item_id_hash("p-1") == keccak(b"p-1")


def test_round_root_covers_decisions_and_ballots() -> None:
    result = closed_round().result()
    leaves = round_leaves(result)
    assert len(leaves) == 4
    root = round_root(result)
    for leaf in leaves:
        assert verify_proof(root, leaf, merkle_proof(leaves, leaf))


def test_root_is_the_sorted_pair_tree() -> None:
    a, b, c = (keccak(bytes([i])) for i in range(3))
    low, mid, high = sorted([a, b, c])
    assert merkle_root([c, a, b]) == hash_pair(hash_pair(low, mid), high)
    assert merkle_root([a]) == a


def test_tampered_leaf_fails_verification() -> None:
    leaves = [keccak(bytes([i])) for i in range(5)]
    root = merkle_root(leaves)
    proof = merkle_proof(leaves, leaves[2])
    assert not verify_proof(root, keccak(b"forged"), proof)


def test_merkle_input_errors() -> None:
    with pytest.raises(InvalidInput, match="at least one leaf"):
        merkle_root([])
    with pytest.raises(InvalidInput, match="32-byte"):
        merkle_root([b"short"])
    with pytest.raises(InvalidInput, match="not in the tree"):
        merkle_proof([bytes(32)], b"\x01" * 32)


@settings(max_examples=25, deadline=None)
@given(st.sets(st.binary(min_size=32, max_size=32), min_size=1, max_size=17))
def test_every_leaf_has_a_valid_proof(leaves: set[bytes]) -> None:
    root = merkle_root(leaves)
    for leaf in leaves:
        assert verify_proof(root, leaf, merkle_proof(leaves, leaf))
