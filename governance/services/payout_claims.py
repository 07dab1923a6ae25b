"""The last two payout steps: push every leaf's claim in gas-bounded batches, then sweep the rest.

A batch is planned (its leaves, minus those someone already claimed) and committed before it is sent, so
a crash re-sends the very same plan under the same key (``payout:{chain}:{epoch}:claims:{n}``), which the
sender executes at most once. Only when a plan cannot be executed as planned (refused before sending, or
reverted because someone claimed one of its leaves meanwhile) is it planned again, as variant ``n.1``, from
what is still unclaimed; the distributor's claimed bitmap makes a second payment impossible anyway.
"""

from __future__ import annotations

from dataclasses import replace

from governance.domain.addresses import Address
from governance.domain.errors import ChainError, TransactionRefused, WrongState
from governance.domain.merkle import StandardMerkleTree
from governance.domain.notifications import Notification
from governance.domain.payout_runs import ClaimBatch, PayoutRun, PayoutStage, claim_batch_size, tx_key
from governance.services.payout_context import PayoutDeps, commit_step, log

__all__ = ["pay_claims", "sweep"]

_MAX_VARIANTS = 5


async def pay_claims(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if await deps.chain.chain_time() >= on.sweepable_at:
        return await _finish_claims(deps, replace(run, note="the claim window ended before every claim was pushed"))
    async with deps.uow_factory() as uow:
        batch = await uow.payouts.last_batch(run.chain_id, run.epoch)
    if batch is not None and not batch.done:
        return await _pay_batch(deps, run, batch)
    if run.cursor >= run.leaf_count:
        return await _finish_claims(deps, run)
    return await _plan_batch(deps, run)


async def _plan_batch(deps: PayoutDeps, run: PayoutRun) -> PayoutRun:
    size = claim_batch_size(run.leaf_count, deps.settings.claim_batch_gas)
    stop = min(run.cursor + size, run.leaf_count)
    batch = await _batch_of(deps, run, run.next_batch, 0, run.cursor, stop)
    run = replace(run, cursor=stop, next_batch=run.next_batch + 1)
    async with deps.uow_factory() as uow:
        await uow.payouts.save_batch(batch)
        await uow.payouts.save(run)
        await uow.commit()
    if deps.observer is not None:
        deps.observer(f"planned batch {batch.number}", run)
    return run


async def _batch_of(deps: PayoutDeps, run: PayoutRun, number: int, variant: int, start: int, stop: int) -> ClaimBatch:
    async with deps.uow_factory() as uow:
        leaves = await uow.payouts.leaves(run.chain_id, run.epoch, start, stop)
    claimed = await deps.chain.claimed(run.epoch, [a for a, _ in leaves])
    pending = tuple(leaf for leaf in leaves if leaf[0] not in claimed)
    return ClaimBatch(run.chain_id, run.epoch, number, variant, start, stop, pending)


async def _pay_batch(deps: PayoutDeps, run: PayoutRun, batch: ClaimBatch) -> PayoutRun:
    tx_hash = ""
    if batch.leaves:
        tree = await _tree(deps, run)
        proofs = [tree.proof(tree.index_of(a, n)) for a, n in batch.leaves]
        plan = deps.chain.claim_plan(run.epoch, batch.leaves, proofs, batch.key)
        try:
            tx_hash = (await deps.sender.send(plan)).tx_hash
        except TransactionRefused as exc:  # nothing was sent: typically someone claimed a leaf in between
            return await _replan(deps, run, batch, exc)
        except ChainError as exc:  # reverted, or still in flight: plan again only if a leaf was claimed meanwhile
            if not await deps.chain.claimed(run.epoch, [a for a, _ in batch.leaves]):
                raise
            try:  # the leaves may have been claimed by this very plan (its wait failed, not the transaction)
                tx_hash = (await deps.sender.send(plan)).tx_hash
            except ChainError:
                return await _replan(deps, run, batch, exc)
    return await _batch_paid(deps, run, batch, tx_hash)


async def _replan(deps: PayoutDeps, run: PayoutRun, batch: ClaimBatch, exc: ChainError) -> PayoutRun:
    if batch.variant + 1 >= _MAX_VARIANTS:
        raise exc
    log.warning("claim batch %s could not be paid as planned (%s); planning it again", batch.key, exc.message)
    again = await _batch_of(deps, run, batch.number, batch.variant + 1, batch.start, batch.stop)
    async with deps.uow_factory() as uow:
        await uow.payouts.save_batch(again)
        await uow.commit()
    return run


async def _batch_paid(deps: PayoutDeps, run: PayoutRun, batch: ClaimBatch, tx_hash: str) -> PayoutRun:
    now = deps.clock.now()
    paid = {a for a, _ in batch.leaves}
    async with deps.uow_factory() as uow:
        everyone = await uow.payouts.leaves(run.chain_id, run.epoch, batch.start, batch.stop)
        # Leaves of this range left out of the batch were already claimed on chain when it was planned (by the
        # member, or by an earlier variant of this batch whose confirmation was lost): paid all the same.
        elsewhere = [(a, n) for a, n in everyone if a not in paid]
        await uow.payouts.mark_paid(run.chain_id, run.epoch, [a for a, _ in batch.leaves], tx_hash, now)
        await uow.payouts.mark_paid(run.chain_id, run.epoch, [a for a, _ in elsewhere], "elsewhere", now)
        run = replace(run, paid=run.paid + batch.amount + sum(n for _, n in elsewhere), updated_at=now)
        await uow.payouts.save_batch(replace(batch, done=True, tx_hash=tx_hash or None))
        await uow.payouts.save(run)
        for account, amount in batch.leaves:
            member = await uow.members.by_wallet(account)
            if member is not None and member.notify_receipts:
                await uow.outbox.add(_receipt(run, member.discord_id, account, amount, tx_hash), now)
        await uow.commit()
    if deps.observer is not None:
        deps.observer(f"paid batch {batch.number}", run)
    return run


def _receipt(run: PayoutRun, discord_id: int, account: Address, amount: int, tx_hash: str) -> Notification:
    return Notification(
        "payout_receipt",
        f"payout-receipt:{run.chain_id}:{run.epoch}:{account}",
        {"discord_id": discord_id, "epoch": run.epoch, "account": account, "amount": str(amount), "tx_hash": tx_hash},
    )


async def _tree(deps: PayoutDeps, run: PayoutRun) -> StandardMerkleTree:
    assert run.root is not None
    key = (run.chain_id, run.epoch, run.root)
    if key not in deps.cache.trees:
        async with deps.uow_factory() as uow:
            leaves = await uow.payouts.leaves(run.chain_id, run.epoch)
        tree = StandardMerkleTree.of(leaves)
        if tree.root_hex != run.root:
            raise WrongState(f"The stored leaves of epoch {run.epoch} do not match root {run.root}.")
        deps.cache.trees = {key: tree}
    return deps.cache.trees[key]


async def _finish_claims(deps: PayoutDeps, run: PayoutRun) -> PayoutRun:
    payload = {
        "epoch": run.epoch,
        "budget": str(run.budget),
        "total": str(run.total),
        "paid": str(run.paid),
        "leaves": run.leaf_count,
        "root": run.root,
        "manifest_hash": run.manifest_hash,
        "manifest_url": deps.manifest_url(run.epoch),
        "dust": str(run.budget - run.total),
    }
    note = Notification("payout_announced", f"payout-announced:{run.chain_id}:{run.epoch}", payload)
    notes = [note] if run.leaf_count else []
    return await commit_step(deps, replace(run, stage=PayoutStage.CLAIMED), notes)


async def sweep(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if on.budget == 0:
        return await commit_step(deps, replace(run, stage=PayoutStage.DONE, swept=0))
    if not on.swept and await deps.chain.chain_time() < on.sweepable_at:
        return None
    try:
        await deps.sender.send(deps.chain.sweep_plan(run.epoch, tx_key(run.chain_id, run.epoch, "sweep")))
    except TransactionRefused:
        if not (await deps.chain.epoch_on_chain(run.epoch)).swept:
            raise
    on = await deps.chain.epoch_on_chain(run.epoch)
    swept = on.budget - on.claimed
    note = Notification(
        "payout_swept",
        f"payout-swept:{run.chain_id}:{run.epoch}",
        {"epoch": run.epoch, "swept": str(swept), "claimed": str(on.claimed)},
    )
    return await commit_step(deps, replace(run, stage=PayoutStage.DONE, swept=swept), [note])
