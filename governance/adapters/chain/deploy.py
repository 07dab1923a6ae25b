"""Deploy the whole on-chain suite to any RPC (eth-tester in process, anvil, a real network) and wire it.

Wiring: the timelock is the admin of everything; the governor is its only proposer and canceller; anyone may
execute a ready operation; the bot's distributor and moderator keys get their narrow roles; the deployer
renounces every role it held while wiring, so no deployer power is left behind (``TestUSD``, dev only, keeps
its minter owner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError, TimeExhausted
from web3.types import TxReceipt

from governance.adapters.chain.contracts import contract_at, contract_factory, load_artifact
from governance.adapters.chain.deployment import ContractRecord, Deployment, DeployParams
from governance.adapters.chain.keys import load_signer
from governance.domain.addresses import ZERO_ADDRESS, Address, parse_address
from governance.domain.errors import ChainError, TransactionRefused

__all__ = ["DeploySigner", "deploy_suite"]


@dataclass(frozen=True)
class DeploySigner:
    """Who pays for and signs the deployment: a local key (keystore) or, on dev chains, a node-held account."""

    address: Address
    account: LocalAccount | None = field(default=None, repr=False)

    @classmethod
    def local(cls, account: LocalAccount) -> DeploySigner:
        return cls(parse_address(account.address), account)

    @classmethod
    def node_account(cls, address: str) -> DeploySigner:
        return cls(parse_address(address))

    @classmethod
    def from_keystore(cls, keystore: Path, password_file: Path) -> DeploySigner:
        """Decrypt a keystore (V3 JSON) with the password held in a file; the key never leaves memory."""
        return cls.local(load_signer(keystore, password_file))


class _Transactor:
    """Sends the deployment's transactions one after the other, waiting for each receipt."""

    def __init__(self, w3: Web3, signer: DeploySigner, timeout: float) -> None:
        self._w3, self._signer, self._timeout = w3, signer, timeout
        self._nonce = int(w3.eth.get_transaction_count(Web3.to_checksum_address(signer.address), "pending"))

    def send(self, call: Any, what: str) -> TxReceipt:
        try:
            tx = call.build_transaction({"from": self._signer.address, "nonce": self._nonce})
        except ContractLogicError as exc:
            raise TransactionRefused(f"Deployment step '{what}' would revert; nothing was sent.") from exc
        if self._signer.account is None:
            tx_hash = self._w3.eth.send_transaction(tx)
        else:
            signed = self._signer.account.sign_transaction(tx)
            tx_hash = self._w3.eth.send_raw_transaction(signed.raw_transaction)
        self._nonce += 1
        try:
            receipt = self._w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self._timeout)
        except TimeExhausted as exc:
            raise ChainError(f"Deployment step '{what}' was not mined in time.") from exc
        if receipt["status"] != 1:
            raise ChainError(f"Deployment step '{what}' reverted on chain.")
        return receipt


class _Deployer:
    def __init__(self, w3: Web3, tx: _Transactor) -> None:
        self.w3, self.tx = w3, tx
        self.records: list[ContractRecord] = []

    def deploy(self, name: str, *args: Any) -> Contract:
        receipt = self.tx.send(contract_factory(self.w3, name).constructor(*args), f"deploy {name}")
        address = receipt["contractAddress"]
        if address is None:
            raise ChainError(f"Deploying {name} returned no contract address.")
        self.records.append(ContractRecord(name, parse_address(address), receipt["blockNumber"]))
        return contract_at(self.w3, name, address)

    def call(self, fn: Any, what: str) -> None:
        self.tx.send(fn, what)


def deploy_suite(w3: Web3, params: DeployParams, signer: DeploySigner, *, timeout: float = 180.0) -> Deployment:
    """Deploy, wire, hand everything to the timelock, and return the deployment record."""
    d = _Deployer(w3, _Transactor(w3, signer, timeout))
    genesis = params.genesis_time if params.genesis_time is not None else w3.eth.get_block("latest")["timestamp"]
    revenue = _revenue_token(d, params, signer)
    token = d.deploy(
        "GovernanceToken",
        params.token_name,
        params.token_symbol,
        [a for a, _ in params.initial_holders],
        [n for _, n in params.initial_holders],
    )
    timelock = d.deploy("TimelockController", params.timelock_delay, [], [ZERO_ADDRESS], signer.address)
    governor = d.deploy(
        "DAOGovernor",
        token.address,
        timelock.address,
        params.voting_delay,
        params.voting_period,
        params.proposal_threshold,
        params.quorum_percent,
    )
    registry = d.deploy("ClassifierRegistry", timelock.address)
    treasury = d.deploy(
        "Treasury",
        [signer.address, timelock.address],
        revenue,
        registry.address,
        genesis,
        params.epoch_length,
        params.allocation.as_tuple(),
        params.reserve_floor_bps,
        params.operations or timelock.address,
    )
    distributor = d.deploy(
        "DividendDistributor",
        revenue,
        treasury.address,
        timelock.address,
        timelock.address,
        _present(params.roles.distributor),
        params.challenge_period,
        params.claim_window,
    )
    d.deploy("ModerationLedger", timelock.address, _present(params.roles.moderator))
    d.call(treasury.functions.setDistributor(distributor.address), "wire treasury to distributor")
    _hand_over(d, timelock, governor, treasury, signer.address)
    return _record(w3, d, params, signer, revenue, int(genesis), timelock.address)


def _present(address: Address | None) -> list[Address]:
    return [address] if address else []


def _revenue_token(d: _Deployer, params: DeployParams, signer: DeploySigner) -> Address:
    if params.revenue_token is not None:
        return params.revenue_token
    return parse_address(d.deploy("TestUSD", params.test_usd_owner or signer.address).address)


def _hand_over(d: _Deployer, timelock: Contract, governor: Contract, treasury: Contract, deployer: Address) -> None:
    role: Callable[[str], bytes] = lambda name: timelock.functions[name]().call()  # noqa: E731
    d.call(timelock.functions.grantRole(role("PROPOSER_ROLE"), governor.address), "governor proposes")
    d.call(timelock.functions.grantRole(role("CANCELLER_ROLE"), governor.address), "governor cancels")
    admin = role("DEFAULT_ADMIN_ROLE")
    d.call(treasury.functions.renounceRole(admin, deployer), "deployer leaves treasury")
    d.call(timelock.functions.renounceRole(admin, deployer), "deployer leaves timelock")


def _record(
    w3: Web3, d: _Deployer, params: DeployParams, signer: DeploySigner, revenue: Address, genesis: int, timelock: str
) -> Deployment:
    return Deployment(
        chain_id=w3.eth.chain_id,
        deployer=signer.address,
        source_hash=load_artifact("Treasury").source_hash,
        revenue_token=revenue,
        contracts=tuple(d.records),
        epoch_genesis=genesis,
        epoch_length=params.epoch_length,
        challenge_period=params.challenge_period,
        claim_window=params.claim_window,
        governance={
            "votingDelay": params.voting_delay,
            "votingPeriod": params.voting_period,
            "proposalThreshold": params.proposal_threshold,
            "quorumPercent": params.quorum_percent,
            "timelockDelay": params.timelock_delay,
        },
        treasury={
            "allocation": params.allocation.to_json(),
            "reserveFloorBps": params.reserve_floor_bps,
            "operations": params.operations or parse_address(timelock),
        },
        roles=params.roles,
    )
