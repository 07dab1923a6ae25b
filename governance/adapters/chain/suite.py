"""What to watch: the suite from a deployment record, or any OpenZeppelin Governor found by its address.

Pointed at a foreign Governor, the watcher asks it for ``token()``, ``timelock()`` and ``CLOCK_MODE()``,
watches what it found, and reports the parts of the suite it could not find.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address

from governance.adapters.chain.abi import function_selector
from governance.adapters.chain.catalog import Role
from governance.adapters.chain.deployment import Deployment
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.chain.rpc import CallReverted, MalformedAnswer
from governance.adapters.chain.source import ChainSource
from governance.domain.errors import ConfigError

__all__ = ["CONTRACT_ROLES", "Discovery", "discover_governor", "targets_from_deployment"]

log = logging.getLogger(__name__)

CONTRACT_ROLES: dict[str, Role] = {
    "DAOGovernor": Role.GOVERNOR,
    "TimelockController": Role.TIMELOCK,
    "GovernanceToken": Role.TOKEN,
    "ClassifierRegistry": Role.REGISTRY,
    "Treasury": Role.TREASURY,
    "DividendDistributor": Role.DISTRIBUTOR,
    "ModerationLedger": Role.LEDGER,
}


@dataclass(frozen=True)
class Discovery:
    targets: WatchTargets
    start_block: int
    missing: tuple[str, ...]


async def _clock_mode(source: ChainSource, governor: str) -> str:
    try:
        raw = await source.call(governor, function_selector("CLOCK_MODE()"))
        text = str(abi_decode(["string"], raw)[0])
    except (CallReverted, MalformedAnswer, DecodingError, ValueError, OverflowError):
        return "blocknumber"  # a Governor from before EIP-6372 counts blocks
    return "timestamp" if "mode=timestamp" in text else "blocknumber"


async def _address_from(source: ChainSource, contract: str, signature: str) -> str | None:
    try:
        raw = await source.call(contract, function_selector(signature))
    except CallReverted:
        return None
    if len(raw) < 32:
        return None
    address = to_checksum_address(raw[12:32])
    return None if int(address, 16) == 0 else address


async def _check_chain(source: ChainSource, chain_id: int) -> None:
    actual = await source.chain_id()
    if actual != chain_id:
        raise ConfigError("DAOBOT_CHAIN_ID", f"is {chain_id} but the node at the RPC URL is on chain {actual}")


async def targets_from_deployment(source: ChainSource, deployment: Deployment) -> Discovery:
    await _check_chain(source, deployment.chain_id)
    addresses = {CONTRACT_ROLES[rec.name]: rec.address for rec in deployment.contracts if rec.name in CONTRACT_ROLES}
    missing = tuple(sorted(name for name, role in CONTRACT_ROLES.items() if role not in addresses))
    mode = await _clock_mode(source, addresses[Role.GOVERNOR]) if Role.GOVERNOR in addresses else "blocknumber"
    targets = WatchTargets(deployment.chain_id, dict(addresses), mode)
    return Discovery(targets, deployment.start_block, missing)


async def discover_governor(source: ChainSource, chain_id: int, governor: str, start_block: int = 0) -> Discovery:
    """Watch any OpenZeppelin Governor: its token and timelock when it names them, nothing else of the suite."""
    await _check_chain(source, chain_id)
    if await source.code_size(governor) == 0:
        raise ConfigError("governor", f"there is no contract at {governor} on chain {chain_id}")
    addresses: dict[Role, str] = {Role.GOVERNOR: to_checksum_address(governor)}
    token = await _address_from(source, governor, "token()")
    timelock = await _address_from(source, governor, "timelock()")
    if token is not None:
        addresses[Role.TOKEN] = token
    if timelock is not None:
        addresses[Role.TIMELOCK] = timelock
    missing = tuple(sorted(name for name, role in CONTRACT_ROLES.items() if role not in addresses))
    if missing:
        log.warning("watching a Governor without: %s", ", ".join(missing))
    targets = WatchTargets(chain_id, addresses, await _clock_mode(source, governor))
    return Discovery(targets, start_block, missing)
