"""Time the StandardMerkleTree of a large manifest (fast keccak backend installed).

    .venv/bin/python bench/merkle.py [--leaves 100000]
"""

from __future__ import annotations

import argparse
import random
import time

from governance.adapters.chain.keccak_backend import install_fast_keccak
from governance.domain.merkle import StandardMerkleTree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leaves", type=int, default=100_000)
    args = parser.parse_args()
    install_fast_keccak()
    rng = random.Random(1)
    values = [("0x" + rng.randbytes(20).hex(), rng.randrange(10**18)) for _ in range(args.leaves)]
    start = time.perf_counter()
    tree = StandardMerkleTree.of(values)
    built = time.perf_counter()
    StandardMerkleTree.load(tree.dump())
    loaded = time.perf_counter()
    print(f"{args.leaves:,} leaves: build {built - start:.2f}s, dump+load+validate {loaded - built:.2f}s")


if __name__ == "__main__":
    main()
