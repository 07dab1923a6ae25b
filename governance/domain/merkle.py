"""OpenZeppelin ``StandardMerkleTree`` over ``(address account, uint256 amount)`` leaves.

Byte-for-byte the layout of npm ``@openzeppelin/merkle-tree`` (``standard-v1``), so a manifest written here
loads in OpenZeppelin's JS and its root verifies with ``MerkleProof`` on chain (``DividendDistributor``):

- leaf = ``keccak256(keccak256(abi.encode(account, amount)))`` (double hashed: a leaf can never pass for a
  64-byte inner node);
- inner node = ``keccak256(min(a, b) ++ max(a, b))`` (sorted pairs, so a proof is just sibling hashes);
- leaves sorted ascending by hash (stable: equal leaves keep their input order), laid out as a complete
  binary tree in one array: node ``i`` has children ``2i+1`` and ``2i+2``, the root is ``tree[0]`` and the
  ``k``-th sorted leaf sits at ``len(tree) - 1 - k``;
- ``values`` keep the caller's order, each with the ``treeIndex`` of its leaf.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import IntegrityError, InvalidInput, NotFound
from governance.domain.keccak import keccak256

__all__ = [
    "FORMAT",
    "LEAF_ENCODING",
    "MerkleLeaf",
    "MultiProof",
    "StandardMerkleTree",
    "leaf_hash",
    "node_hash",
    "process_multi_proof",
    "process_proof",
    "verify",
]

FORMAT = "standard-v1"
LEAF_ENCODING = ("address", "uint256")
_UINT256_LIMIT = 1 << 256


@dataclass(frozen=True)
class MerkleLeaf:
    account: Address
    amount: int


@dataclass(frozen=True)
class MultiProof:
    leaves: tuple[bytes, ...]
    proof: tuple[bytes, ...]
    proof_flags: tuple[bool, ...]


def _encode(account: str, amount: int) -> bytes:
    if not 0 <= amount < _UINT256_LIMIT:
        raise InvalidInput("A Merkle leaf amount must be a uint256.")
    return b"\x00" * 12 + bytes.fromhex(account[2:]) + amount.to_bytes(32, "big")


def leaf_hash(account: str, amount: int) -> bytes:
    """The standard leaf hash of ``(account, amount)``; ``account`` must be a 0x-prefixed 40-hex address."""
    return keccak256(keccak256(_encode(account, amount)))


def node_hash(a: bytes, b: bytes) -> bytes:
    return keccak256(a + b if a <= b else b + a)


def process_proof(leaf: bytes, proof: Iterable[bytes]) -> bytes:
    node = leaf
    for sibling in proof:
        node = keccak256(node + sibling if node <= sibling else sibling + node)
    return node


def verify(root: bytes, account: str, amount: int, proof: Iterable[bytes]) -> bool:
    return process_proof(leaf_hash(account, amount), proof) == root


def process_multi_proof(multi: MultiProof) -> bytes:
    if len(multi.leaves) + len(multi.proof) != len(multi.proof_flags) + 1:
        raise InvalidInput("That multi-proof does not match its leaves.")
    stack, proof = list(multi.leaves), list(multi.proof)
    for flag in multi.proof_flags:
        a = stack.pop(0)
        b = stack.pop(0) if flag else proof.pop(0)
        stack.append(node_hash(a, b))
    return stack[-1] if stack else proof[0]


def _build(leaves: Sequence[bytes]) -> list[bytes]:
    if not leaves:
        raise InvalidInput("A Merkle tree needs at least one leaf.")
    size = 2 * len(leaves) - 1
    tree: list[bytes] = [b""] * size
    for i, leaf in enumerate(leaves):
        tree[size - 1 - i] = leaf
    for i in range(size - 1 - len(leaves), -1, -1):
        a, b = tree[2 * i + 1], tree[2 * i + 2]
        tree[i] = keccak256(a + b if a <= b else b + a)
    return tree


def _sibling(i: int) -> int:
    return i + 1 if i % 2 else i - 1


@dataclass(frozen=True)
class StandardMerkleTree:
    """An immutable tree; build it with ``of`` or ``load``, never from raw fields."""

    tree: tuple[bytes, ...]
    values: tuple[MerkleLeaf, ...]
    tree_indices: tuple[int, ...]

    @classmethod
    def of(cls, values: Iterable[tuple[str, int]]) -> StandardMerkleTree:
        leaves = tuple(MerkleLeaf(parse_address(a, what="leaf account"), int(n)) for a, n in values)
        hashed = sorted(((leaf_hash(v.account, v.amount), i) for i, v in enumerate(leaves)), key=lambda p: p[0])
        tree = _build([h for h, _ in hashed])
        indices = [0] * len(leaves)
        for k, (_, value_index) in enumerate(hashed):
            indices[value_index] = len(tree) - 1 - k
        return cls(tuple(tree), leaves, tuple(indices))

    @property
    def root(self) -> bytes:
        return self.tree[0]

    @property
    def root_hex(self) -> str:
        return "0x" + self.tree[0].hex()

    def __len__(self) -> int:
        return len(self.values)

    @property
    def total(self) -> int:
        return sum(v.amount for v in self.values)

    @cached_property
    def _lookup(self) -> dict[bytes, int]:
        return {self.tree[t]: i for i, t in enumerate(self.tree_indices)}

    def index_of(self, account: str, amount: int) -> int:
        found = self._lookup.get(leaf_hash(parse_address(account), amount))
        if found is None:
            raise NotFound("That (account, amount) is not a leaf of this tree.")
        return found

    def proof(self, value_index: int) -> tuple[bytes, ...]:
        """Sibling hashes, bottom up, for the value at ``value_index`` (caller's order)."""
        node = self.tree_indices[value_index]
        out: list[bytes] = []
        while node > 0:
            out.append(self.tree[_sibling(node)])
            node = (node - 1) // 2
        return tuple(out)

    def proof_for(self, account: str, amount: int) -> tuple[bytes, ...]:
        return self.proof(self.index_of(account, amount))

    def multi_proof(self, value_indices: Iterable[int]) -> MultiProof:
        indices = sorted((self.tree_indices[i] for i in value_indices), reverse=True)
        if len(set(indices)) != len(indices):
            raise InvalidInput("A multi-proof cannot prove the same leaf twice.")
        stack, proof, flags = list(indices), [], []
        while stack and stack[0] > 0:
            j = stack.pop(0)
            s, p = _sibling(j), (j - 1) // 2
            if stack and stack[0] == s:
                flags.append(True)
                stack.pop(0)
            else:
                flags.append(False)
                proof.append(self.tree[s])
            stack.append(p)
        if not indices:
            proof.append(self.tree[0])
        return MultiProof(tuple(self.tree[i] for i in indices), tuple(proof), tuple(flags))

    def dump(self) -> dict[str, Any]:
        """The ``standard-v1`` JSON document (amounts as decimal strings, as the JS library keeps them)."""
        return {
            "format": FORMAT,
            "leafEncoding": list(LEAF_ENCODING),
            "tree": ["0x" + node.hex() for node in self.tree],
            "values": [
                {"value": [v.account, str(v.amount)], "treeIndex": t}
                for v, t in zip(self.values, self.tree_indices, strict=True)
            ],
        }

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> StandardMerkleTree:
        """Parse a ``standard-v1`` document and check every node; raise ``IntegrityError`` if tampered."""
        if data.get("format") != FORMAT or list(data.get("leafEncoding", ())) != list(LEAF_ENCODING):
            raise InvalidInput("That is not a standard-v1 Merkle tree of (address, uint256) leaves.")
        tree = tuple(_node_bytes(node) for node in data["tree"])
        leaves, indices = _load_values(data["values"])
        loaded = cls(tree, leaves, indices)
        loaded.validate()
        return loaded

    def validate(self) -> None:
        size = len(self.tree)
        if size == 0 or size != 2 * len(self.values) - 1:
            raise IntegrityError("The Merkle tree has the wrong number of nodes.")
        for i in range(size):
            if 2 * i + 2 < size and self.tree[i] != node_hash(self.tree[2 * i + 1], self.tree[2 * i + 2]):
                raise IntegrityError("A Merkle tree node does not match its children.")
        for v, t in zip(self.values, self.tree_indices, strict=True):
            if not size // 2 <= t < size or self.tree[t] != leaf_hash(v.account, v.amount):
                raise IntegrityError("A Merkle tree value does not match its leaf.")


def _node_bytes(node: Any) -> bytes:
    if not isinstance(node, str) or len(node) != 66 or not node.startswith("0x"):
        raise InvalidInput("A Merkle tree node must be 0x followed by 64 hex digits.")
    try:
        return bytes.fromhex(node[2:])
    except ValueError:
        raise InvalidInput("A Merkle tree node must be 0x followed by 64 hex digits.") from None


def _load_values(raw: Sequence[Mapping[str, Any]]) -> tuple[tuple[MerkleLeaf, ...], tuple[int, ...]]:
    leaves: list[MerkleLeaf] = []
    indices: list[int] = []
    for entry in raw:
        account, amount = entry["value"]
        if isinstance(amount, bool) or not isinstance(amount, (int, str)):
            raise InvalidInput("A Merkle leaf amount must be an integer or a decimal string.")
        try:
            value = int(amount, 0) if isinstance(amount, str) else amount
        except ValueError:
            raise InvalidInput("A Merkle leaf amount must be an integer or a decimal string.") from None
        leaves.append(MerkleLeaf(parse_address(account, what="leaf account"), value))
        indices.append(int(entry["treeIndex"]))
    return tuple(leaves), tuple(indices)
