"""Every privileged function refuses every wrong caller; the deployer keeps no power; bytecode fits EIP-170."""

from __future__ import annotations

from typing import Any

import pytest
from chain_harness import World, reverts

from governance.adapters.chain.contracts import MAX_DEPLOYED_BYTECODE
from governance.domain.addresses import ZERO_ADDRESS

ROOT_X = b"\x07" * 32
ALLOC = (2000, 2000, 1000, 4000, 1000)


def _privileged(w: World) -> list[tuple[str, Any, str, Any, str | None]]:
    """(label, contract, error, bound function, legitimate caller other than the timelock)."""
    c, a = w.c, w.chain.accounts
    reg, tr, dist, led, tl, gov = c.registry, c.treasury, c.distributor, c.ledger, c.timelock, c.governor
    role = bytes(32)
    return [
        ("registry.list", reg, "AccessControlUnauthorizedAccount", reg.functions.list("x", a[1], ROOT_X, "", 1), None),
        ("registry.delist", reg, "AccessControlUnauthorizedAccount", reg.functions.delist(1), None),
        ("registry.grantRole", reg, "AccessControlUnauthorizedAccount", reg.functions.grantRole(role, a[0]), None),
        ("treasury.setAllocation", tr, "AccessControlUnauthorizedAccount", tr.functions.setAllocation(ALLOC), None),
        ("treasury.setReserveFloor", tr, "AccessControlUnauthorizedAccount", tr.functions.setReserveFloor(0), None),
        ("treasury.setDistributor", tr, "AccessControlUnauthorizedAccount", tr.functions.setDistributor(a[0]), None),
        ("treasury.setOperations", tr, "AccessControlUnauthorizedAccount", tr.functions.setOperations(a[0]), None),
        ("treasury.spendReserve", tr, "AccessControlUnauthorizedAccount", tr.functions.spendReserve(a[0], 0), None),
        ("treasury.grantRole", tr, "AccessControlUnauthorizedAccount", tr.functions.grantRole(role, a[0]), None),
        ("distributor.fundEpoch", dist, "OnlyTreasury", dist.functions.fundEpoch(99, 0, 0, 0), None),
        ("distributor.proposeRoot", dist, "AccessControlUnauthorizedAccount",
         dist.functions.proposeRoot(0, ROOT_X, 0, ROOT_X, ""), w.distributor_key),
        ("distributor.veto", dist, "AccessControlUnauthorizedAccount", dist.functions.veto(0), None),
        ("distributor.grantRole", dist, "AccessControlUnauthorizedAccount", dist.functions.grantRole(role, a[0]), None),
        ("ledger.anchor", led, "AccessControlUnauthorizedAccount", led.functions.anchor(1, ROOT_X, ""),
         w.moderator_key),
        ("ledger.grantRole", led, "AccessControlUnauthorizedAccount", led.functions.grantRole(role, a[0]), None),
        ("timelock.schedule", tl, "AccessControlUnauthorizedAccount",
         tl.functions.schedule(tr.address, 0, b"", role, role, 60), None),
        ("timelock.cancel", tl, "AccessControlUnauthorizedAccount", tl.functions.cancel(role), None),
        ("timelock.grantRole", tl, "AccessControlUnauthorizedAccount", tl.functions.grantRole(role, a[0]), None),
        ("timelock.updateDelay", tl, "TimelockUnauthorizedCaller", tl.functions.updateDelay(0), None),
        ("governor.setVotingPeriod", gov, "GovernorOnlyExecutor", gov.functions.setVotingPeriod(1), None),
        ("governor.setProposalThreshold", gov, "GovernorOnlyExecutor", gov.functions.setProposalThreshold(0), None),
        ("governor.updateQuorumNumerator", gov, "GovernorOnlyExecutor", gov.functions.updateQuorumNumerator(1), None),
        ("governor.updateTimelock", gov, "GovernorOnlyExecutor", gov.functions.updateTimelock(a[0]), None),
        ("governor.relay", gov, "GovernorOnlyExecutor", gov.functions.relay(tr.address, 0, b""), None),
    ]


def test_every_privileged_function_refuses_wrong_callers(w: World) -> None:
    callers = {w.deployer, w.outsider, w.distributor_key, w.moderator_key, w.holders[0], w.payer}
    checked: list[tuple[str, str]] = []
    for label, contract, error, fn, legit in _privileged(w):
        for caller in sorted(callers - {legit}):
            with reverts(contract, error):
                fn.call({"from": caller})
            checked.append((label, caller))
    assert len(checked) == 24 * 6 - 2


def test_unscheduled_timelock_operations_cannot_execute(w: World) -> None:
    tl, tr = w.c.timelock, w.c.treasury
    call = tr.encode_abi("spendReserve", args=[w.outsider, 1])
    with reverts(tl, "TimelockUnexpectedOperationState"):
        tl.functions.execute(tr.address, 0, call, bytes(32), bytes(32)).call({"from": w.outsider})


def _roles_of(contract: Any) -> list[bytes]:
    names = [i["name"] for i in contract.abi if i.get("type") == "function" and i["name"].endswith("_ROLE")]
    assert names, contract
    return [contract.functions[n]().call() for n in names]


def test_deployer_keeps_no_role_and_timelock_holds_the_keys(w: World) -> None:
    c = w.c
    for contract in (c.registry, c.treasury, c.distributor, c.ledger, c.timelock):
        for role in _roles_of(contract):
            assert not contract.functions.hasRole(role, w.deployer).call(), (contract.address, role.hex())
        admin = contract.functions.DEFAULT_ADMIN_ROLE().call()
        assert contract.functions.hasRole(admin, c.timelock.address).call()
    tl = c.timelock.functions
    assert tl.hasRole(tl.PROPOSER_ROLE().call(), c.governor.address).call()
    assert tl.hasRole(tl.CANCELLER_ROLE().call(), c.governor.address).call()
    assert tl.hasRole(tl.EXECUTOR_ROLE().call(), ZERO_ADDRESS).call()  # anyone executes a ready operation
    dist = c.distributor.functions
    assert dist.hasRole(dist.DISTRIBUTOR_ROLE().call(), w.distributor_key).call()
    assert dist.hasRole(dist.GUARDIAN_ROLE().call(), c.timelock.address).call()
    assert c.ledger.functions.hasRole(c.ledger.functions.MODERATOR_ROLE().call(), w.moderator_key).call()
    assert c.governor.functions.timelock().call() == c.timelock.address
    assert c.treasury.functions.distributor().call() == c.distributor.address
    assert c.treasury.functions.operations().call() == w.operations


@pytest.mark.parametrize("name", ["GovernanceToken", "TimelockController", "DAOGovernor", "ClassifierRegistry",
                                  "Treasury", "DividendDistributor", "ModerationLedger", "TestUSD"])
def test_deployed_bytecode_fits_eip170(w: World, name: str) -> None:
    code = w.chain.w3.eth.get_code(w.deployment.address_of(name))
    assert 0 < len(code) < MAX_DEPLOYED_BYTECODE
