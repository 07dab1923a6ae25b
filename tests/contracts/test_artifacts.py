"""The committed artifacts match their sources (no Node needed to check) and ship inside the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.adapters.chain.contracts import (
    CONTRACT_NAMES,
    MAX_DEPLOYED_BYTECODE,
    compute_source_hash,
    load_artifact,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
PACKAGED = ROOT / "governance" / "adapters" / "chain" / "artifacts"
REBUILD = "run `npm run compile` in contracts/ and commit contracts/build and the packaged artifacts"


def _read_source(name: str) -> bytes:
    base = CONTRACTS if name.startswith("src/") else CONTRACTS / "node_modules"
    return (base / name).read_bytes()


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_artifact_is_fresh_and_packaged(name: str) -> None:
    if not (CONTRACTS / "node_modules" / "@openzeppelin" / "contracts").exists():
        pytest.skip("contracts/node_modules is missing: run `npm ci` in contracts/ (`make test` does it)")
    art = load_artifact(name)
    assert compute_source_hash(art.sources, _read_source) == art.source_hash, f"{name} is stale: {REBUILD}"
    on_disk = {f"src/{p.name}" for p in (CONTRACTS / "src").glob("*.sol")}
    assert on_disk <= set(art.sources), f"a source file was added since the last compile: {REBUILD}"
    assert (PACKAGED / f"{name}.json").read_bytes() == (CONTRACTS / "build" / f"{name}.json").read_bytes()


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_artifact_build_settings_and_size(name: str) -> None:
    art = load_artifact(name)
    assert art.compiler_version.startswith("0.8.37+")
    assert art.bytecode and 0 < len(art.deployed_bytecode) < MAX_DEPLOYED_BYTECODE
    assert any(item.get("type") == "constructor" for item in art.abi) or name == "TimelockController"
