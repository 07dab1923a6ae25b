"""A Merkle root over arbitrary 32-byte leaves, with sorted-pair hashing.

This is the tree shape that OpenZeppelin's ``MerkleProof.verify`` accepts: every inner node is
``keccak256(min(a, b) ++ max(a, b))``, so a proof is just the list of sibling hashes, bottom up.

Construction (deterministic, independent of the order leaves are given in):

1. sort the leaves ascending as 32-byte strings;
2. pair neighbours left to right; a level with an odd count carries its last node up unchanged;
3. repeat until one node remains: the root. One leaf is its own root.

Leaves are expected to be hashes already (see ``moderation_leaves`` for the encodings, which are
double-hashed so that no leaf can be confused with an inner node).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from governance.domain.errors import InvalidInput
from governance.domain.keccak import keccak256

__all__ = ["hash_pair", "merkle_proof", "merkle_root", "verify_proof"]


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak256(a + b if a <= b else b + a)


def _sorted_leaves(leaves: Iterable[bytes]) -> list[bytes]:
    ordered = sorted(leaves)
    if not ordered:
        raise InvalidInput("A Merkle tree needs at least one leaf.")
    if any(len(leaf) != 32 for leaf in ordered):
        raise InvalidInput("Merkle leaves must be 32-byte hashes.")
    return ordered


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    parents = [hash_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        parents.append(level[-1])
    return parents


def merkle_root(leaves: Iterable[bytes]) -> bytes:
    level = _sorted_leaves(leaves)
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def merkle_proof(leaves: Iterable[bytes], leaf: bytes) -> list[bytes]:
    """Sibling hashes from ``leaf`` up to the root; raises ``InvalidInput`` if ``leaf`` is absent."""
    level = _sorted_leaves(leaves)
    try:
        index = level.index(leaf)
    except ValueError as exc:
        raise InvalidInput("That leaf is not in the tree.") from exc
    proof: list[bytes] = []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(level[sibling])
        level = _next_level(level)
        index //= 2
    return proof


def verify_proof(root: bytes, leaf: bytes, proof: Sequence[bytes]) -> bool:
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node == root
