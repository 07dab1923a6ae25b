"""Test-side control of a dev chain (eth-tester in process, or anvil over HTTP) and the suite on it."""

from __future__ import annotations

import ast
import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from bot import devnet
from governance.adapters.chain.contracts import SuiteContracts, suite_contracts
from governance.adapters.chain.deploy import DeploySigner, deploy_suite
from governance.adapters.chain.deployment import BotRoles, Deployment, DeployParams, PoolAllocation
from governance.domain.addresses import Address, parse_address

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("eth-tester", "anvil")

# Proposal states of OpenZeppelin's Governor.
PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)


class Chain:
    """The same verbs on both backends: time travel, mining, snapshots."""

    def __init__(self, kind: str, w3: Web3) -> None:
        self.kind, self.w3 = kind, w3
        self.accounts: list[Address] = [parse_address(a) for a in w3.eth.accounts]

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def set_next_timestamp(self, ts: int) -> None:
        """The next block (a mined one or the next transaction's) gets timestamp ``ts``."""
        if self.kind == "anvil":
            self._rpc("evm_setNextBlockTimestamp", [ts])
        else:
            self.w3.testing.timeTravel(ts)

    def advance_to(self, ts: int) -> None:
        self.set_next_timestamp(max(ts, self.now() + 1))
        self.mine(1)

    def mine(self, blocks: int) -> None:
        if self.kind == "anvil":
            self._rpc("anvil_mine", [hex(blocks)])
        else:
            self.w3.testing.mine(blocks)

    def snapshot(self) -> Any:
        return self._rpc("evm_snapshot", []) if self.kind == "anvil" else self.w3.testing.snapshot()

    def revert(self, snap: Any) -> None:
        if self.kind == "anvil":
            self._rpc("evm_revert", [snap])
        else:
            self.w3.testing.revert(snap)

    def _rpc(self, method: str, params: list[Any]) -> Any:
        response = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        assert "error" not in response, response
        return response["result"]


@contextlib.contextmanager
def running_anvil() -> Iterator[Web3]:
    """anvil on a free port (the project's one launcher, ``bot.devnet.AnvilNode``); fail in CI, skip elsewhere,
    when it is not installed."""
    if devnet.anvil_binary() is None:
        message = "anvil is not available: run `make test` (it installs @foundry-rs/anvil in contracts/)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with devnet.AnvilNode() as node:
        yield node.w3


def eth_tester_web3() -> Web3:
    from web3 import EthereumTesterProvider

    return Web3(EthereumTesterProvider())


@contextlib.contextmanager
def chain_of(kind: str) -> Iterator[Chain]:
    if kind == "anvil":
        with running_anvil() as w3:
            yield Chain(kind, w3)
    else:
        yield Chain(kind, eth_tester_web3())


# ---- the suite under test -----------------------------------------------------------------------------------

HOLDINGS = (400_000, 300_000, 200_000, 100_000)  # whole tokens of accounts[1..4]
EPOCH = 3_600
TIMELOCK_DELAY = 60
VOTING_DELAY = 1
VOTING_PERIOD = 5
CHALLENGE = 600
CLAIM_WINDOW = 3_600
ALLOCATION = PoolAllocation(3000, 3000, 1000, 2000, 1000)
FLOOR = 1000
USD = 10**6


@dataclass(frozen=True)
class World:
    """A deployed suite plus who is who on the test chain."""

    chain: Chain
    deployment: Deployment
    c: SuiteContracts
    deployer: Address
    holders: tuple[Address, ...]
    distributor_key: Address
    moderator_key: Address
    operations: Address
    payer: Address
    outsider: Address


def deploy_world(chain: Chain, *, genesis: int | None = None) -> World:
    a = chain.accounts
    params = DeployParams(
        initial_holders=tuple((h, n * 10**18) for h, n in zip(a[1:5], HOLDINGS, strict=True)),
        roles=BotRoles(keeper=a[7], distributor=a[5], moderator=a[6], relayer=a[7], proposer=a[1]),
        voting_delay=VOTING_DELAY, voting_period=VOTING_PERIOD, timelock_delay=TIMELOCK_DELAY,
        epoch_length=EPOCH, genesis_time=genesis, challenge_period=CHALLENGE, claim_window=CLAIM_WINDOW,
        allocation=ALLOCATION, reserve_floor_bps=FLOOR, operations=a[8],
    )
    deployment = deploy_suite(chain.w3, params, DeploySigner.node_account(a[0]))
    c = suite_contracts(chain.w3, deployment)
    # Gas money for eth_call "from the timelock" (TimelockController accepts ether).
    chain.w3.eth.send_transaction({"from": a[0], "to": c.timelock.address, "value": 10**18})
    for holder in a[1:5]:
        c.token.functions.delegate(holder).transact({"from": holder})
    c.revenue_token.functions.mint(a[9], 10**12 * USD).transact({"from": a[0]})
    c.revenue_token.functions.approve(c.treasury.address, 2**256 - 1).transact({"from": a[9]})
    return World(chain, deployment, c, a[0], tuple(a[1:5]), a[5], a[6], a[8], a[9], a[7])


def selector(contract: Contract, error: str) -> bytes:
    for item in contract.abi:
        if item.get("type") == "error" and item["name"] == error:
            types = ",".join(_abi_type(i) for i in item["inputs"])
            return keccak(text=f"{error}({types})")[:4]
    raise KeyError(error)


def _abi_type(item: Any) -> str:
    if item["type"].startswith("tuple"):
        return "(" + ",".join(_abi_type(c) for c in item["components"]) + ")" + item["type"][5:]
    return str(item["type"])


def revert_data(exc: BaseException) -> bytes:
    if isinstance(exc, ContractLogicError):
        data = exc.data if isinstance(exc.data, str) else ""
        return bytes.fromhex(data.removeprefix("0x"))
    text = str(exc)
    marker = "execution reverted: "
    if marker in text:
        return ast.literal_eval(text.split(marker, 1)[1])  # eth-tester: the revert bytes' repr
    raise AssertionError(f"not a revert: {exc!r}")


@contextlib.contextmanager
def reverts(contract: Contract, error: str) -> Iterator[None]:
    """Expect the transaction (or call) inside to revert with the custom ``error`` of ``contract``."""
    with pytest.raises(Exception) as info:  # the two backends raise different types
        yield
    assert revert_data(info.value)[:4] == selector(contract, error), f"expected {error}, got {info.value!r}"


def send(fn: Any, sender: str) -> Any:
    tx = fn.transact({"from": sender})
    receipt = fn.w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1
    return receipt


# ---- governance ---------------------------------------------------------------------------------------------


def pass_proposal(world: World, calls: Sequence[tuple[Contract, str, list[Any]]], description: str) -> int:
    """Propose -> vote (all holders for) -> queue -> wait the timelock delay -> execute; return the id."""
    gov, chain = world.c.governor, world.chain
    targets = [c.address for c, _, _ in calls]
    values = [0] * len(calls)
    datas = [c.encode_abi(fn, args=args) for c, fn, args in calls]
    desc_hash = keccak(text=description)
    send(gov.functions.propose(targets, values, datas, description), world.holders[0])
    pid = gov.functions.hashProposal(targets, values, datas, desc_hash).call()
    assert gov.functions.state(pid).call() == PENDING
    chain.mine(VOTING_DELAY + 1)
    for voter in world.holders[:3]:
        send(gov.functions.castVote(pid, 1), voter)
    chain.mine(VOTING_PERIOD + 1)
    assert gov.functions.state(pid).call() == SUCCEEDED
    send(gov.functions.queue(targets, values, datas, desc_hash), world.outsider)
    assert gov.functions.state(pid).call() == QUEUED
    chain.advance_to(chain.now() + TIMELOCK_DELAY + 1)
    send(gov.functions.execute(targets, values, datas, desc_hash), world.outsider)
    assert gov.functions.state(pid).call() == EXECUTED
    return int(pid)
