"""Treasury and distributor arithmetic on a stand-alone deployment (a test account holds the admin roles).

Hypothesis drives random allocations, revenue streams and claim patterns through the real contracts on
eth-tester: the pools always add up to the revenue, and close + claim + sweep neither create nor lose a unit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from chain_harness import Chain, chain_of, reverts, send
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web3.contract import Contract

from governance.adapters.chain.contracts import contract_at, contract_factory
from governance.domain.merkle import StandardMerkleTree

FLOOR = 1_000
EPOCH, CHALLENGE, WINDOW = 1_000, 10, 100


@dataclass(frozen=True)
class Rig:
    chain: Chain
    usd: Contract
    registry: Contract
    treasury: Contract
    dist: Contract
    admin: str
    ops: str
    payer: str


def _deploy(chain: Chain, name: str, *args: Any) -> Contract:
    receipt = send(contract_factory(chain.w3, name).constructor(*args), chain.accounts[0])
    return contract_at(chain.w3, name, receipt["contractAddress"])


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    with chain_of("eth-tester") as chain:
        a = chain.accounts
        usd = _deploy(chain, "TestUSD", a[0])
        registry = _deploy(chain, "ClassifierRegistry", a[0])
        for name in ("one", "two"):
            send(registry.functions.list(name, a[6], b"\x01" * 32, "", 100), a[0])
        treasury = _deploy(chain, "Treasury", [a[0]], usd.address, registry.address, chain.now(), EPOCH,
                           (3000, 3000, 1000, 2000, 1000), FLOOR, a[8])
        dist = _deploy(chain, "DividendDistributor", usd.address, treasury.address, a[0], a[0], [a[0]],
                       CHALLENGE, WINDOW)
        send(treasury.functions.setDistributor(dist.address), a[0])
        send(usd.functions.mint(a[9], 10**30), a[0])
        send(usd.functions.approve(treasury.address, 2**256 - 1), a[9])
        yield Rig(chain, usd, registry, treasury, dist, a[0], a[8], a[9])


@pytest.fixture
def r(rig: Rig) -> Iterator[Rig]:
    snap = rig.chain.snapshot()
    yield rig
    rig.chain.revert(snap)


def _fresh_epoch(rig: Rig) -> int:
    t = rig.treasury.functions
    rig.chain.advance_to(t.epochStart(t.currentEpoch().call() + 1).call())
    return int(t.currentEpoch().call())


def test_allocation_must_sum_to_10000_and_respect_the_floor(r: Rig) -> None:
    t = r.treasury
    with reverts(t, "AllocationSumInvalid"):
        t.functions.setAllocation((3000, 3000, 1000, 2000, 999)).call({"from": r.admin})
    with reverts(t, "AllocationSumInvalid"):
        t.functions.setAllocation((3000, 3000, 1000, 2000, 1001)).call({"from": r.admin})
    with reverts(t, "ReserveBelowFloor"):
        t.functions.setAllocation((3500, 3000, 1000, 999, 1501)).call({"from": r.admin})
    with reverts(t, "ReserveBelowFloor"):
        t.functions.setReserveFloor(2001).call({"from": r.admin})
    with reverts(t, "ReserveBelowFloor"):
        _deploy(r.chain, "Treasury", [r.admin], r.usd.address, r.registry.address, 0, EPOCH,
                (3500, 3000, 1000, 500, 2000), FLOOR, r.ops)


def test_revenue_guards_and_reserve_spending(r: Rig) -> None:
    t = r.treasury
    with reverts(t, "ZeroAmount"):
        t.functions.payRevenue(1, 0).call({"from": r.payer})
    with reverts(t, "ClassifierNotListed"):
        t.functions.payRevenue(3, 10).call({"from": r.payer})
    epoch = _fresh_epoch(r)
    send(t.functions.payRevenue(2, 1_000), r.payer)
    assert t.functions.reserveBalance().call() == 0  # open revenue is not reserve
    with reverts(t, "ExceedsReserve"):
        t.functions.spendReserve(r.admin, 1).call({"from": r.admin})
    r.chain.advance_to(t.functions.epochEnd(epoch).call())
    send(t.functions.closeEpoch(epoch), r.admin)
    assert t.functions.reserveBalance().call() == 200
    send(t.functions.spendReserve(r.ops, 200), r.admin)
    assert t.functions.reserveBalance().call() == 0


def test_distributor_guards(r: Rig) -> None:
    d, a = r.dist, r.chain.accounts
    epoch = _fresh_epoch(r)
    with reverts(d, "NotFunded"):
        d.functions.proposeRoot(epoch, b"\x01" * 32, 0, b"\x00" * 32, "").call({"from": r.admin})
    send(r.treasury.functions.payRevenue(1, 10_000), r.payer)
    r.chain.advance_to(r.treasury.functions.epochEnd(epoch).call())
    send(r.treasury.functions.closeEpoch(epoch), r.admin)
    # A dishonest root whose leaves add up to more than its declared total: claims stop at the total.
    tree = StandardMerkleTree.of([(a[1], 3_000), (a[2], 3_000)])
    send(d.functions.proposeRoot(epoch, tree.root, 4_000, b"\x00" * 32, ""), r.admin)
    r.chain.advance_to(r.chain.now() + CHALLENGE)
    with reverts(d, "LengthMismatch"):
        d.functions.claimMany(epoch, [a[1]], [], []).call({"from": r.admin})
    send(d.functions.claim(epoch, a[1], 3_000, list(tree.proof(0))), r.admin)
    with reverts(d, "OverRootTotal"):
        d.functions.claim(epoch, a[2], 3_000, list(tree.proof(1))).call({"from": r.admin})


_ALLOCATIONS = st.integers(FLOOR, 10_000).flatmap(
    lambda reserve: st.lists(st.integers(0, 10_000 - reserve), min_size=3, max_size=3).map(
        lambda cuts, reserve=reserve: _allocation(reserve, sorted(cuts))
    )
)


def _allocation(reserve: int, cuts: list[int]) -> tuple[int, int, int, int, int]:
    rest = 10_000 - reserve
    member, cls, bounty = cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1]
    return (member, cls, bounty, reserve, rest - cuts[2])


_REVENUE = st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(1, 10**15)), min_size=0, max_size=5)
_SHARES = st.lists(st.integers(0, 1_000), min_size=1, max_size=5)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(allocation=_ALLOCATIONS, revenue=_REVENUE, shares=_SHARES, claim_mask=st.integers(0, 31))
def test_money_is_conserved_across_close_claim_and_sweep(
    r: Rig, allocation: tuple[int, ...], revenue: list[tuple[int, int]], shares: list[int], claim_mask: int
) -> None:
    snap = r.chain.snapshot()
    try:
        _run_epoch(r, allocation, revenue, shares, claim_mask)
    finally:
        r.chain.revert(snap)


def _holdings(r: Rig, who: list[str]) -> dict[str, int]:
    return {x: r.usd.functions.balanceOf(x).call() for x in who}


def _run_epoch(r: Rig, allocation: tuple[int, ...], revenue: list[tuple[int, int]], shares: list[int],
               claim_mask: int) -> None:
    t, d, a = r.treasury, r.dist, r.chain.accounts
    send(t.functions.setAllocation(allocation), r.admin)
    everyone = [t.address, d.address, r.ops, r.payer, *a[1:6]]
    start = _holdings(r, everyone)
    epoch = _fresh_epoch(r)
    for cid, amount in revenue:
        send(t.functions.payRevenue(cid, amount), r.payer)
    total = sum(n for _, n in revenue)
    r.chain.advance_to(t.functions.epochEnd(epoch).call())
    send(t.functions.closeEpoch(epoch), r.admin)
    member, cls, bounty, budget = d.functions.epochBudgets(epoch).call()
    ops = _holdings(r, [r.ops])[r.ops] - start[r.ops]
    reserve = t.functions.reserveBalance().call() - (start[t.address])
    assert member + cls + bounty + ops + reserve == total
    assert [member, cls, bounty, ops] == [total * allocation[i] // 10_000 for i in (0, 1, 2, 4)]
    claimed = _claim_some(r, epoch, budget, shares, claim_mask)
    r.chain.advance_to(d.functions.sweepableAt(epoch).call())
    send(d.functions.sweep(epoch), r.admin)
    end = _holdings(r, everyone)
    assert sum(end.values()) == sum(start.values())  # nothing created, nothing lost
    assert end[d.address] == start[d.address]
    assert sum(end[x] - start[x] for x in a[1:6]) == claimed
    assert end[t.address] - start[t.address] == total - ops - claimed


def _claim_some(r: Rig, epoch: int, budget: int, shares: list[int], mask: int) -> int:
    if budget == 0:
        return 0
    a, weight = r.chain.accounts, sum(shares) or 1
    leaves = [(a[1 + i], budget * s // weight) for i, s in enumerate(shares)]
    tree = StandardMerkleTree.of(leaves)
    send(r.dist.functions.proposeRoot(epoch, tree.root, tree.total, b"\x00" * 32, ""), r.admin)
    r.chain.advance_to(r.chain.now() + CHALLENGE)
    picks = [i for i in range(len(leaves)) if mask >> i & 1]
    if picks:
        send(r.dist.functions.claimMany(epoch, [leaves[i][0] for i in picks], [leaves[i][1] for i in picks],
                                        [list(tree.proof(i)) for i in picks]), r.admin)
    return sum(leaves[i][1] for i in picks)
