"""Whole lifecycles through governance, on eth-tester and on anvil (same bodies, both backends)."""

from __future__ import annotations

from chain_harness import ALLOCATION, CHALLENGE, USD, World, pass_proposal, reverts, send

from governance.domain.merkle import StandardMerkleTree

MODEL_HASH = bytes.fromhex("11" * 32)


def _list_two(w: World) -> tuple[int, int]:
    reg = w.c.registry
    pass_proposal(w, [
        (reg, "list", ["spam-detector", w.holders[2], MODEL_HASH, "ipfs://spam", 1_000]),
        (reg, "list", ["toxicity", w.holders[3], MODEL_HASH, "ipfs://tox", 500]),
    ], "List two classifiers")
    return 1, 2


def test_listing_and_delisting_through_governance(w: World) -> None:
    reg, owner = w.c.registry, w.holders[2]
    pass_proposal(w, [(reg, "list", ["spam-detector", owner, MODEL_HASH, "ipfs://spam", 1_000])], "List spam")
    info = reg.functions.classifier(1).call()
    assert (info[0], info[1], info[2], info[3], info[4], info[7]) == (
        "spam-detector", owner, MODEL_HASH, "ipfs://spam", 1, 1_000)
    assert reg.functions.balanceOf(owner, 1).call() == 1_000
    assert reg.functions.uri(1).call() == "ipfs://spam"
    send(w.c.treasury.functions.payRevenue(1, 5 * USD), w.payer)

    pass_proposal(w, [(reg, "delist", [1])], "Delist spam")
    assert not reg.functions.isListed(1).call()
    assert reg.functions.classifier(1).call()[4] == 2
    assert reg.functions.balanceOf(owner, 1).call() == 1_000  # shareholders keep their shares
    with reverts(w.c.treasury, "ClassifierNotListed"):
        w.c.treasury.functions.payRevenue(1, USD).transact({"from": w.payer})
    with reverts(reg, "NotListed"):
        reg.functions.delist(1).call({"from": w.c.timelock.address})


def test_allocation_change_through_governance(w: World) -> None:
    treasury = w.c.treasury
    assert tuple(treasury.functions.allocation().call()) == ALLOCATION.as_tuple()
    new = (2500, 2500, 1000, 3000, 1000)
    pass_proposal(w, [(treasury, "setAllocation", [new])], "Rebalance towards the reserve")
    assert tuple(treasury.functions.allocation().call()) == new
    assert treasury.functions.split(1_000_000).call() == [250_000, 250_000, 100_000, 300_000, 100_000]


def _pay_and_close(w: World) -> tuple[int, int]:
    """Revenue for two classifiers in the current epoch, then close it; return (epoch, revenue)."""
    t = w.c.treasury
    w.chain.advance_to(t.functions.epochStart(t.functions.currentEpoch().call() + 1).call())  # a fresh epoch
    epoch = t.functions.currentEpoch().call()
    for cid, amount in ((1, 1_000 * USD), (2, 500 * USD), (1, 1_000 * USD + 3)):
        send(t.functions.payRevenue(cid, amount), w.payer)
    assert t.functions.classifierRevenue(epoch, 1).call() == 2_000 * USD + 3
    assert t.functions.classifierRevenue(epoch, 2).call() == 500 * USD
    assert t.functions.earningClassifiers(epoch).call() == [1, 2]
    revenue = t.functions.epochRevenue(epoch).call()
    assert revenue == 2_500 * USD + 3
    with reverts(t, "EpochNotEnded"):
        t.functions.closeEpoch(epoch).call({"from": w.outsider})
    w.chain.advance_to(t.functions.epochEnd(epoch).call())
    return epoch, revenue


def _balances(w: World) -> tuple[int, int, int]:
    usd = w.c.revenue_token.functions.balanceOf
    return (usd(w.c.treasury.address).call(), usd(w.c.distributor.address).call(), usd(w.operations).call())


def test_epoch_close_moves_exact_budgets_once(w: World) -> None:
    _list_two(w)
    t, dist = w.c.treasury, w.c.distributor
    epoch, revenue = _pay_and_close(w)
    before = _balances(w)
    send(t.functions.closeEpoch(epoch), w.outsider)
    after = _balances(w)
    member, cls, bounty, ops = 750 * USD, 750 * USD, 250 * USD, 250 * USD  # floors of 30/30/10/10 %
    reserve = revenue - member - cls - bounty - ops
    assert reserve == 500 * USD + 3  # the rounding dust stays in the reserve
    assert after[1] - before[1] == member + cls + bounty
    assert after[2] - before[2] == ops
    assert before[0] - after[0] == member + cls + bounty + ops
    assert dist.functions.epochBudgets(epoch).call() == [member, cls, bounty, member + cls + bounty]
    assert t.functions.reserveBalance().call() == reserve
    assert t.functions.epochClosed(epoch).call()
    with reverts(t, "EpochAlreadyClosed"):
        t.functions.closeEpoch(epoch).transact({"from": w.outsider})


def _manifest(w: World, scale: int) -> StandardMerkleTree:
    return StandardMerkleTree.of([(h, (i + 1) * scale) for i, h in enumerate(w.holders)])


def test_root_veto_repropose_claim_and_sweep(w: World) -> None:
    _list_two(w)
    t, dist, usd = w.c.treasury, w.c.distributor, w.c.revenue_token
    epoch, _ = _pay_and_close(w)
    send(t.functions.closeEpoch(epoch), w.outsider)
    budget = dist.functions.epochBudgets(epoch).call()[3]
    with reverts(dist, "OverBudget"):
        dist.functions.proposeRoot(epoch, b"\x01" * 32, budget + 1, b"\x02" * 32, "").call({"from": w.distributor_key})
    bad = _manifest(w, 100 * USD)
    send(dist.functions.proposeRoot(epoch, bad.root, bad.total, b"\x02" * 32, "ipfs://bad"), w.distributor_key)
    with reverts(dist, "RootPending"):
        dist.functions.proposeRoot(epoch, bad.root, 1, b"\x02" * 32, "").call({"from": w.distributor_key})
    pass_proposal(w, [(dist, "veto", [epoch])], "Veto the wrong manifest")
    assert dist.functions.epochInfo(epoch).call()[0] == b"\x00" * 32

    good = _manifest(w, 150 * USD)  # 1,500 USD of the 1,750 USD budget
    send(dist.functions.proposeRoot(epoch, good.root, good.total, b"\x03" * 32, "ipfs://good"), w.distributor_key)
    first, amount = w.holders[0], 150 * USD
    proof = list(good.proof(0))
    with reverts(dist, "ChallengePeriod"):
        dist.functions.claim(epoch, first, amount, proof).call({"from": w.outsider})
    w.chain.advance_to(w.chain.now() + CHALLENGE + 1)
    with reverts(dist, "ChallengeOver"):
        dist.functions.veto(epoch).call({"from": w.c.timelock.address})
    with reverts(dist, "InvalidProof"):
        dist.functions.claim(epoch, first, amount + 1, proof).call({"from": w.outsider})
    before = usd.functions.balanceOf(first).call()
    send(dist.functions.claim(epoch, first, amount, proof), w.outsider)  # anyone relays, the leaf's account is paid
    assert usd.functions.balanceOf(first).call() - before == amount
    assert dist.functions.isClaimed(epoch, first).call()
    with reverts(dist, "AlreadyClaimed"):
        dist.functions.claim(epoch, first, amount, proof).call({"from": w.outsider})
    _claim_batch_then_sweep(w, epoch, good, budget)


def _claim_batch_then_sweep(w: World, epoch: int, tree: StandardMerkleTree, budget: int) -> None:
    dist, usd = w.c.distributor, w.c.revenue_token
    accounts = [v.account for v in tree.values[1:3]]
    amounts = [v.amount for v in tree.values[1:3]]
    send(dist.functions.claimMany(epoch, accounts, amounts, [list(tree.proof(i)) for i in (1, 2)]), w.outsider)
    claimed = tree.values[0].amount + sum(amounts)
    assert dist.functions.epochInfo(epoch).call()[1] == claimed
    with reverts(dist, "NotSweepable"):
        dist.functions.sweep(epoch).call({"from": w.outsider})
    w.chain.advance_to(dist.functions.sweepableAt(epoch).call())
    with reverts(dist, "ClaimWindowOver"):
        dist.functions.claim(epoch, tree.values[3].account, tree.values[3].amount, list(tree.proof(3))).call()
    reserve_before = w.c.treasury.functions.reserveBalance().call()
    send(dist.functions.sweep(epoch), w.outsider)
    assert w.c.treasury.functions.reserveBalance().call() - reserve_before == budget - claimed
    assert usd.functions.balanceOf(dist.address).call() == 0
    with reverts(dist, "AlreadySwept"):
        dist.functions.sweep(epoch).call({"from": w.outsider})


def test_moderation_rounds_are_anchored_once(w: World) -> None:
    ledger = w.c.ledger
    send(ledger.functions.anchor(7, b"\x05" * 32, "ipfs://round-7"), w.moderator_key)
    root, _, by, uri = ledger.functions.round(7).call()
    assert (root, by, uri) == (b"\x05" * 32, w.moderator_key, "ipfs://round-7")
    assert ledger.functions.isAnchored(7).call() and not ledger.functions.isAnchored(8).call()
    with reverts(ledger, "RoundAlreadyAnchored"):
        ledger.functions.anchor(7, b"\x06" * 32, "").call({"from": w.moderator_key})
