"""The suite's compiled contracts, loaded from the committed artifacts (never from Node at run time).

``load_artifact(name)`` reads ``artifacts/<name>.json`` (package data written by ``contracts/scripts/compile.js``);
``contract_at`` and ``suite_contracts`` give web3 contract objects bound to a deployment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from web3 import Web3
from web3.contract import Contract

from governance.adapters.chain.deployment import Deployment
from governance.domain.errors import ConfigError, NotFound

__all__ = [
    "CONTRACT_NAMES",
    "MAX_DEPLOYED_BYTECODE",
    "Artifact",
    "SuiteContracts",
    "compute_source_hash",
    "contract_at",
    "contract_factory",
    "load_artifact",
    "suite_contracts",
]

CONTRACT_NAMES = (
    "GovernanceToken",
    "TimelockController",
    "DAOGovernor",
    "ClassifierRegistry",
    "Treasury",
    "DividendDistributor",
    "ModerationLedger",
    "TestUSD",
)
MAX_DEPLOYED_BYTECODE = 24_576  # EIP-170


@dataclass(frozen=True)
class Artifact:
    name: str
    source_name: str
    abi: tuple[Mapping[str, Any], ...]
    bytecode: bytes
    deployed_bytecode: bytes
    compiler_version: str
    source_hash: str
    sources: tuple[str, ...]


@cache
def load_artifact(name: str) -> Artifact:
    if name not in CONTRACT_NAMES:
        raise NotFound(f"There is no contract artifact named {name}.")
    path = resources.files("governance.adapters.chain") / "artifacts" / f"{name}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Artifact(
        name=raw["contractName"],
        source_name=raw["sourceName"],
        abi=tuple(raw["abi"]),
        bytecode=bytes.fromhex(raw["bytecode"].removeprefix("0x")),
        deployed_bytecode=bytes.fromhex(raw["deployedBytecode"].removeprefix("0x")),
        compiler_version=raw["compiler"]["version"],
        source_hash=raw["sourceHash"],
        sources=tuple(raw["sources"]),
    )


def compute_source_hash(sources: Iterable[str], read: Callable[[str], bytes]) -> str:
    """The compile script's hash: sha256 over sorted ``"<name>\\n<sha256 hex of its bytes>\\n"`` lines."""
    outer = hashlib.sha256()
    for name in sorted(sources):
        outer.update(f"{name}\n{hashlib.sha256(read(name)).hexdigest()}\n".encode())
    return outer.hexdigest()


def contract_factory(w3: Web3, name: str) -> type[Contract]:
    art = load_artifact(name)
    return w3.eth.contract(abi=list(art.abi), bytecode=art.bytecode)


def contract_at(w3: Web3, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=list(load_artifact(name).abi))


@dataclass(frozen=True)
class SuiteContracts:
    """Every contract of one deployment, bound to one web3 instance."""

    token: Contract
    timelock: Contract
    governor: Contract
    registry: Contract
    treasury: Contract
    distributor: Contract
    ledger: Contract
    revenue_token: Contract

    def all(self) -> Sequence[Contract]:
        return (self.token, self.timelock, self.governor, self.registry, self.treasury, self.distributor, self.ledger)


def suite_contracts(w3: Web3, deployment: Deployment) -> SuiteContracts:
    if w3.eth.chain_id != deployment.chain_id:
        raise ConfigError("rpc_url", f"the node is on chain {w3.eth.chain_id}, the deployment on {deployment.chain_id}")

    def at(name: str) -> Contract:
        return contract_at(w3, name, deployment.address_of(name))

    return SuiteContracts(
        token=at("GovernanceToken"),
        timelock=at("TimelockController"),
        governor=at("DAOGovernor"),
        registry=at("ClassifierRegistry"),
        treasury=at("Treasury"),
        distributor=at("DividendDistributor"),
        ledger=at("ModerationLedger"),
        revenue_token=contract_at(w3, "TestUSD", deployment.revenue_token),
    )
