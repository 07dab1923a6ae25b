"""The Python StandardMerkleTree against OpenZeppelin's own JS library, both ways."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from governance.domain.errors import IntegrityError, InvalidInput
from governance.domain.keccak import keccak256_reference
from governance.domain.merkle import MultiProof, StandardMerkleTree, leaf_hash, process_multi_proof, verify

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parents[1] / "contracts" / "node_modules"


def _values(n: int, seed: int) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    out = [("0x" + rng.randbytes(20).hex(), rng.randrange(0, 10**24)) for _ in range(n)]
    out.append(out[3])  # a duplicate leaf: the library keeps both, in input order
    return out


def _reference(node_bin: str, payload: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
    done = subprocess.run([node_bin, str(HERE / "merkle_reference.js")], input=json.dumps(payload), env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def _hex(nodes: tuple[bytes, ...]) -> list[str]:
    return ["0x" + n.hex() for n in nodes]


def test_python_tree_equals_openzeppelin_tree(node_bin: str) -> None:
    values = _values(37, seed=1)
    ours = StandardMerkleTree.of(values)
    theirs = _reference(node_bin, {"mode": "build", "values": [[a, str(n)] for a, n in values], "multi": [0, 5, 9]})
    assert theirs["root"] == ours.root_hex
    assert theirs["dump"]["tree"] == ours.dump()["tree"]
    assert [v["treeIndex"] for v in theirs["dump"]["values"]] == list(ours.tree_indices)
    assert theirs["proofs"] == [_hex(ours.proof(i)) for i in range(len(ours))]
    multi = ours.multi_proof([0, 5, 9])
    assert theirs["multi"]["proof"] == _hex(multi.proof)
    assert theirs["multi"]["proofFlags"] == list(multi.proof_flags)
    assert len(theirs["multi"]["leaves"]) == len(multi.leaves) == 3
    assert process_multi_proof(multi) == ours.root


def test_python_dump_loads_and_verifies_in_openzeppelin(node_bin: str) -> None:
    ours = StandardMerkleTree.of(_values(20, seed=2))
    theirs = _reference(node_bin, {"mode": "load", "dump": ours.dump(), "multi": [1, 2, 19]})
    assert theirs["verified"] and theirs["multiVerified"]
    assert theirs["root"] == ours.root_hex


def test_openzeppelin_dump_loads_in_python(node_bin: str) -> None:
    values = _values(11, seed=3)
    theirs = _reference(node_bin, {"mode": "build", "values": [[a, str(n)] for a, n in values], "multi": []})
    loaded = StandardMerkleTree.load(theirs["dump"])
    assert loaded.root_hex == theirs["root"]
    for i, value in enumerate(loaded.values):
        assert _hex(loaded.proof(i)) == theirs["proofs"][i]
        assert verify(loaded.root, value.account, value.amount, loaded.proof(i))
    assert loaded.index_of(values[4][0], values[4][1]) == 4


def test_single_leaf_empty_and_tampered_trees() -> None:
    one = StandardMerkleTree.of([("0x" + "ab" * 20, 5)])
    assert one.root == leaf_hash("0x" + "ab" * 20, 5) and one.proof(0) == ()
    with pytest.raises(InvalidInput):
        StandardMerkleTree.of([])
    dump = StandardMerkleTree.of(_values(6, seed=4)).dump()
    dump["values"][2]["value"][1] = str(int(dump["values"][2]["value"][1]) + 1)
    with pytest.raises(IntegrityError):
        StandardMerkleTree.load(dump)
    with pytest.raises(InvalidInput):
        StandardMerkleTree.load({**dump, "format": "simple-v1"})


def test_multi_proof_of_every_subset_shape() -> None:
    tree = StandardMerkleTree.of(_values(9, seed=5))
    for picks in ([], [0], [1, 2], [0, 3, 4, 8], list(range(10))):
        multi = tree.multi_proof(picks)
        assert process_multi_proof(multi) == tree.root
    forged = MultiProof((b"\x00" * 32,), tree.multi_proof([0]).proof, tree.multi_proof([0]).proof_flags)
    assert process_multi_proof(forged) != tree.root


def test_reference_keccak_builds_the_same_tree() -> None:
    from governance.domain import keccak as k

    values = _values(5, seed=6)
    fast = StandardMerkleTree.of(values)
    k.use_keccak_backend(keccak256_reference)
    try:
        assert StandardMerkleTree.of(values).root == fast.root
    finally:
        from governance.adapters.chain.keccak_backend import install_fast_keccak

        install_fast_keccak()
