"""What a deployment of the suite is: its parameters (``DeployParams``) and its record (``Deployment``).

The record is the deployment JSON every other part of daobot reads (watcher, services, CLI)::

    {
      "format": "daobot-deployment-v1",
      "chainId": 1337,
      "deployer": "0x...",
      "sourceHash": "<sha256 of the contract sources the artifacts came from>",
      "revenueToken": "0x...",
      "contracts": {"GovernanceToken": {"address": "0x...", "block": 1}, ...},
      "epoch": {"genesis": 1795303805, "length": 604800},
      "distribution": {"challengePeriod": 86400, "claimWindow": 7776000},
      "governance": {"votingDelay": 1, "votingPeriod": 50400, "proposalThreshold": 0, "quorumPercent": 4,
                     "timelockDelay": 172800},
      "treasury": {"allocation": {"memberDividends": 3000, ...}, "reserveFloorBps": 1000, "operations": "0x..."},
      "roles": {"keeper": "0x..." | null, "distributor": ..., "moderator": ..., "relayer": ..., "proposer": ...}
    }
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput, NotFound

__all__ = ["FORMAT", "BotRoles", "ContractRecord", "DeployParams", "Deployment", "PoolAllocation"]

FORMAT = "daobot-deployment-v1"
BPS = 10_000
_POOLS = ("memberDividends", "classifierDividends", "bounties", "reserve", "operations")


@dataclass(frozen=True)
class PoolAllocation:
    """The treasury split in basis points over the five pools; always sums to 10,000."""

    member_dividends: int
    classifier_dividends: int
    bounties: int
    reserve: int
    operations: int

    def __post_init__(self) -> None:
        parts = self.as_tuple()
        if any(not 0 <= p <= BPS for p in parts) or sum(parts) != BPS:
            raise InvalidInput("An allocation is five basis-point shares that add up to 10,000.")

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (self.member_dividends, self.classifier_dividends, self.bounties, self.reserve, self.operations)

    def to_json(self) -> dict[str, int]:
        return dict(zip(_POOLS, self.as_tuple(), strict=True))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PoolAllocation:
        return cls(*(int(data[k]) for k in _POOLS))


@dataclass(frozen=True)
class BotRoles:
    """The bot's narrow keys. Only distributor and moderator hold on-chain roles; the others act
    through permissionless functions (keeper, relayer) or delegated votes (proposer)."""

    keeper: Address | None = None
    distributor: Address | None = None
    moderator: Address | None = None
    relayer: Address | None = None
    proposer: Address | None = None

    def to_json(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in ("keeper", "distributor", "moderator", "relayer", "proposer")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BotRoles:
        return cls(**{k: parse_address(v, what=f"{k} address") if v else None for k, v in data.items()})


@dataclass(frozen=True)
class DeployParams:
    """Everything ``deploy_suite`` needs. Durations are seconds except voting delay/period (blocks)."""

    initial_holders: tuple[tuple[Address, int], ...]
    roles: BotRoles = BotRoles()
    token_name: str = "DAO Governance"  # noqa: S105 (a token name, not a secret)
    token_symbol: str = "GOV"  # noqa: S105
    voting_delay: int = 1
    voting_period: int = 50_400
    proposal_threshold: int = 0
    quorum_percent: int = 4
    timelock_delay: int = 172_800
    epoch_length: int = 604_800
    genesis_time: int | None = None  # None: the latest block's timestamp at deployment
    challenge_period: int = 864_000  # > voting (about 7 days) + timelock delay, so the guardian can veto
    claim_window: int = 7_776_000
    allocation: PoolAllocation = PoolAllocation(3000, 3000, 1000, 2000, 1000)
    reserve_floor_bps: int = 1000
    operations: Address | None = None  # None: the timelock
    revenue_token: Address | None = None  # None: deploy TestUSD (dev chains only)
    test_usd_owner: Address | None = None  # None: the deployer (it mints test revenue)

    def __post_init__(self) -> None:
        if not self.initial_holders or any(amount <= 0 for _, amount in self.initial_holders):
            raise InvalidInput("The governance token needs initial holders with positive amounts.")
        if self.allocation.reserve < self.reserve_floor_bps:
            raise InvalidInput("The initial allocation puts the reserve below its floor.")
        if min(self.epoch_length, self.voting_period) <= 0 or not 0 < self.quorum_percent <= 100:
            raise InvalidInput("Epoch length and voting period must be positive, quorum 1-100%.")
        if self.challenge_period <= self.timelock_delay:
            raise InvalidInput("The challenge period must outlast the timelock delay, or a veto cannot land in time.")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeployParams:
        """Build from a JSON object whose keys are the field names (allocation as the deployment JSON's)."""
        fields = dict(data)
        fields["initial_holders"] = tuple(
            (parse_address(a, what="holder address"), int(n)) for a, n in fields.get("initial_holders", ())
        )
        if "allocation" in fields:
            fields["allocation"] = PoolAllocation.from_json(fields["allocation"])
        if "roles" in fields:
            fields["roles"] = BotRoles.from_json(fields["roles"])
        for key in ("operations", "revenue_token", "test_usd_owner"):
            if fields.get(key):
                fields[key] = parse_address(fields[key], what=key)
        try:
            return cls(**fields)
        except TypeError as exc:
            raise InvalidInput(f"Unknown or missing deploy parameter: {exc}") from None


@dataclass(frozen=True)
class ContractRecord:
    name: str
    address: Address
    block: int


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    deployer: Address
    source_hash: str
    revenue_token: Address
    contracts: tuple[ContractRecord, ...]
    epoch_genesis: int
    epoch_length: int
    challenge_period: int
    claim_window: int
    governance: Mapping[str, int] = field(default_factory=dict)
    treasury: Mapping[str, Any] = field(default_factory=dict)
    roles: BotRoles = BotRoles()

    def record(self, name: str) -> ContractRecord:
        for rec in self.contracts:
            if rec.name == name:
                return rec
        raise NotFound(f"The deployment has no {name} contract.")

    def address_of(self, name: str) -> Address:
        return self.record(name).address

    @property
    def start_block(self) -> int:
        """The first block an indexer needs to read."""
        return min(rec.block for rec in self.contracts)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "chainId": self.chain_id,
            "deployer": self.deployer,
            "sourceHash": self.source_hash,
            "revenueToken": self.revenue_token,
            "contracts": {r.name: {"address": r.address, "block": r.block} for r in self.contracts},
            "epoch": {"genesis": self.epoch_genesis, "length": self.epoch_length},
            "distribution": {"challengePeriod": self.challenge_period, "claimWindow": self.claim_window},
            "governance": dict(self.governance),
            "treasury": dict(self.treasury),
            "roles": self.roles.to_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Deployment:
        if data.get("format") != FORMAT:
            raise InvalidInput(f"That is not a {FORMAT} deployment file.")
        records = tuple(
            ContractRecord(name, parse_address(v["address"]), int(v["block"])) for name, v in data["contracts"].items()
        )
        return cls(
            chain_id=int(data["chainId"]),
            deployer=parse_address(data["deployer"]),
            source_hash=str(data["sourceHash"]),
            revenue_token=parse_address(data["revenueToken"]),
            contracts=records,
            epoch_genesis=int(data["epoch"]["genesis"]),
            epoch_length=int(data["epoch"]["length"]),
            challenge_period=int(data["distribution"]["challengePeriod"]),
            claim_window=int(data["distribution"]["claimWindow"]),
            governance={k: int(v) for k, v in data.get("governance", {}).items()},
            treasury=dict(data.get("treasury", {})),
            roles=BotRoles.from_json(data.get("roles", {})),
        )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Deployment:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
