"""Scheduled dividend payouts: the epoch pipeline (see ``governance.domain.payout_runs``) on ports.

``run_payouts`` advances every ended epoch as far as it can without waiting, and returns; the scheduled
job, ``daobot payouts run`` and tests all call it. Each step reads the chain, sends at most one plan
through the one transaction sender (keys ``payout:{chain}:{epoch}:...``), and commits the run's new state
together with its notifications. A crash anywhere resumes from the last committed state: a step already
done on chain is recognised (the sender returns the stored receipt; the contracts' state says closed,
proposed or swept), so nothing repeats and nothing is skipped. A database lease keeps two processes
(two bot instances, or the bot and the CLI) from advancing payouts at the same time.

After a guardian veto the run waits in ``vetoed`` until the cause is fixed, which means one of:
- the recomputed manifest differs from every vetoed one (an input changed, e.g. bounty weights), or
- an admin acknowledged the veto (``/payouts acknowledge`` or ``daobot payouts acknowledge EPOCH``),
  accepting that the same manifest be proposed again.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from governance.domain.addresses import Address
from governance.domain.errors import ChainError, TransactionRefused, WrongState
from governance.domain.merkle import StandardMerkleTree
from governance.domain.notifications import Notification
from governance.domain.payout_manifest import PublishedManifest
from governance.domain.payout_runs import ClaimBatch, PayoutRun, PayoutStage, claim_batch_size, tx_key
from governance.ports import BountyWeights, Clock, PayoutChain, PayoutUnitOfWork, TxSender
from governance.services.payout_verify import compute_epoch_manifest

__all__ = [
    "PayoutDeps",
    "PayoutSettings",
    "acknowledge_veto",
    "advance_epoch",
    "run_payouts",
]

log = logging.getLogger(__name__)
Observer = Callable[[str, PayoutRun], None]
_MAX_VARIANTS = 5


@dataclass(frozen=True)
class PayoutSettings:
    public_base_url: str
    claim_batch_gas: int = 6_000_000
    first_epoch: int = 0
    lease_seconds: int = 300


@dataclass
class _TreeCache:
    trees: dict[tuple[int, int, str], StandardMerkleTree] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutDeps:
    uow_factory: Callable[[], PayoutUnitOfWork]
    chain: PayoutChain
    sender: TxSender
    weights: BountyWeights
    clock: Clock
    settings: PayoutSettings
    observer: Observer | None = None
    holder: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    cache: _TreeCache = field(default_factory=_TreeCache)

    def manifest_url(self, epoch: int) -> str:
        return f"{self.settings.public_base_url}/payouts/{epoch}.json"


# --- the loop -------------------------------------------------------------------------------------


async def run_payouts(deps: PayoutDeps) -> list[PayoutRun] | None:
    """Advance every ended epoch; None when another process holds the payouts lease."""
    lease = f"payouts:{deps.chain.chain_id}"
    if not await _lease(deps, lease):
        log.info("another process is running payouts; skipping this round")
        return None
    try:
        current = await deps.chain.current_epoch()
        async with deps.uow_factory() as uow:
            finished = {r.epoch for r in await uow.payouts.runs(deps.chain.chain_id) if r.finished}
        out = []
        for epoch in range(deps.settings.first_epoch, current):
            if epoch not in finished:
                out.append(await advance_epoch(deps, epoch))
                await _lease(deps, lease)
        return out
    finally:
        async with deps.uow_factory() as uow:
            await uow.leases.release(lease, deps.holder)
            await uow.commit()


async def _lease(deps: PayoutDeps, name: str) -> bool:
    async with deps.uow_factory() as uow:
        won = await uow.leases.acquire(name, deps.holder, deps.clock.now(), deps.settings.lease_seconds)
        await uow.commit()
    return won


async def advance_epoch(deps: PayoutDeps, epoch: int) -> PayoutRun:
    """Take one epoch's run as far as it goes now; returns where it stopped."""
    async with deps.uow_factory() as uow:
        run = await uow.payouts.get(deps.chain.chain_id, epoch) or PayoutRun(deps.chain.chain_id, epoch)
    while not run.finished:
        moved = await _STEPS[run.stage](deps, run)
        if moved is None:
            break
        run = moved
    return run


async def _commit(deps: PayoutDeps, run: PayoutRun, notes: Sequence[Notification] = (), step: str = "") -> PayoutRun:
    run = replace(run, updated_at=deps.clock.now())
    async with deps.uow_factory() as uow:
        await uow.payouts.save(run)
        for note in notes:
            await uow.outbox.add(note, run.updated_at)
        await uow.commit()
    log.info("payout epoch %d: %s", run.epoch, step or run.stage.value)
    if deps.observer is not None:
        deps.observer(step or run.stage.value, run)
    return run


# --- steps ----------------------------------------------------------------------------------------


async def _close(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if await deps.chain.chain_time() < on.end_time:
        return None
    if on.revenue == 0 and not on.closed:
        return await _commit(deps, replace(run, stage=PayoutStage.DONE, note="no revenue this epoch"))
    # Ask the sender even when the chain says closed: it settles a journaled close left in flight by a crash.
    try:
        await deps.sender.send(deps.chain.close_plan(run.epoch, tx_key(run.chain_id, run.epoch, "close")))
    except TransactionRefused:
        if not (await deps.chain.epoch_on_chain(run.epoch)).closed:
            raise
    return await _commit(deps, replace(run, stage=PayoutStage.CLOSED))


async def _store_manifest(
    deps: PayoutDeps, run: PayoutRun, manifest: PublishedManifest, end_block: int, notes: Sequence[Notification] = ()
) -> PayoutRun:
    stage = PayoutStage.CLAIMED if manifest.is_empty else PayoutStage.COMPUTED
    updated = replace(
        run,
        stage=stage,
        end_block=end_block,
        root=manifest.root,
        total=manifest.total,
        budget=manifest.budget,
        manifest_hash=manifest.content_hash,
        leaf_count=len(manifest.leaves),
        claimable_at=None,
        cursor=0,
        updated_at=deps.clock.now(),
    )
    async with deps.uow_factory() as uow:
        await uow.payouts.save_manifest(run.chain_id, updated.round, manifest)
        await uow.payouts.save(updated)
        for note in notes:
            await uow.outbox.add(note, updated.updated_at)
        await uow.commit()
    log.info(
        "payout epoch %d: manifest %s (%d leaves, total %d)",
        run.epoch,
        manifest.root,
        len(manifest.leaves),
        manifest.total,
    )
    if deps.observer is not None:
        deps.observer("computed", updated)
    return updated


async def _compute(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    end_block = run.end_block if run.end_block is not None else await deps.chain.end_block(run.epoch)
    manifest = await compute_epoch_manifest(deps.chain, deps.weights, run.epoch, end_block)
    return await _store_manifest(deps, run, manifest, end_block)


async def _propose(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if on.has_root and on.root != run.root:
        note = f"another root {on.root} is pending on chain; waiting for it to be vetoed"
        if run.note != note:
            await _commit(deps, replace(run, note=note), [_alert(run, "foreign_root", note)], step="foreign root")
        return None
    assert run.root is not None and run.manifest_hash is not None
    manifest = PublishedManifest(run.epoch, run.root, run.total, run.budget, (), b"", run.manifest_hash)
    key = tx_key(run.chain_id, run.epoch, f"propose:{run.round}")
    try:
        await deps.sender.send(deps.chain.propose_plan(manifest, deps.manifest_url(run.epoch), key))
    except TransactionRefused:
        if not on.has_root:
            raise
    on = await deps.chain.epoch_on_chain(run.epoch)
    return await _commit(deps, replace(run, stage=PayoutStage.PROPOSED, claimable_at=on.claimable_at, note=""))


async def _challenge(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if on.root != run.root:
        assert run.root is not None
        vetoed = replace(run, stage=PayoutStage.VETOED, vetoed_roots=(*run.vetoed_roots, run.root))
        note = Notification(
            "payout_vetoed",
            f"payout-vetoed:{run.chain_id}:{run.epoch}:{run.round}",
            {"epoch": run.epoch, "round": run.round, "root": run.root},
        )
        return await _commit(deps, vetoed, [note])
    if await deps.chain.chain_time() < on.claimable_at:
        return None
    return await _commit(deps, replace(run, stage=PayoutStage.CLAIMING, claimable_at=on.claimable_at))


async def _after_veto(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    manifest = await compute_epoch_manifest(deps.chain, deps.weights, run.epoch, run.end_block)
    changed = manifest.root not in run.vetoed_roots
    if not changed and run.acknowledged_round != run.round:
        return None
    reason = "the recomputed manifest differs" if changed else "an admin acknowledged the veto"
    note = Notification(
        "payout_reproposed",
        f"payout-reproposed:{run.chain_id}:{run.epoch}:{run.round + 1}",
        {"epoch": run.epoch, "round": run.round + 1, "root": manifest.root, "reason": reason},
    )
    assert run.end_block is not None
    return await _store_manifest(deps, replace(run, round=run.round + 1, note=reason), manifest, run.end_block, [note])


async def acknowledge_veto(uow_factory: Callable[[], PayoutUnitOfWork], chain_id: int, epoch: int) -> PayoutRun:
    """An admin accepts that the vetoed manifest be proposed again as it is (the cause was elsewhere)."""
    async with uow_factory() as uow:
        run = await uow.payouts.get(chain_id, epoch)
        if run is None or run.stage is not PayoutStage.VETOED:
            raise WrongState(f"Epoch {epoch} has no vetoed payout waiting for an acknowledgement.")
        run = replace(run, acknowledged_round=run.round)
        await uow.payouts.save(run)
        await uow.commit()
    return run


def _alert(run: PayoutRun, what: str, text: str) -> Notification:
    return Notification(
        "payout_alert",
        f"payout-alert:{run.chain_id}:{run.epoch}:{run.round}:{what}",
        {"epoch": run.epoch, "text": text},
    )


# --- claims and sweep -----------------------------------------------------------------------------


async def _claims(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
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
        try:
            plan = deps.chain.claim_plan(run.epoch, batch.leaves, proofs, batch.key)
            tx_hash = (await deps.sender.send(plan)).tx_hash
        except TransactionRefused as exc:  # nothing was sent: typically someone claimed a leaf in between
            return await _replan(deps, run, batch, exc)
        except ChainError as exc:  # reverted, or still in flight: plan again only if a leaf was claimed meanwhile
            if not await deps.chain.claimed(run.epoch, [a for a, _ in batch.leaves]):
                raise
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
        elsewhere = [a for a, _ in everyone if a not in paid]
        await uow.payouts.mark_paid(run.chain_id, run.epoch, [a for a, _ in batch.leaves], tx_hash, now)
        await uow.payouts.mark_paid(run.chain_id, run.epoch, elsewhere, "elsewhere", now)
        run = replace(run, paid=run.paid + batch.amount, updated_at=now)
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
    return await _commit(deps, replace(run, stage=PayoutStage.CLAIMED), notes)


async def _sweep(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if on.budget == 0:
        return await _commit(deps, replace(run, stage=PayoutStage.DONE, swept=0))
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
    return await _commit(deps, replace(run, stage=PayoutStage.DONE, swept=swept), [note])


async def _done(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    return None


_STEPS = {
    PayoutStage.NEW: _close,
    PayoutStage.CLOSED: _compute,
    PayoutStage.COMPUTED: _propose,
    PayoutStage.PROPOSED: _challenge,
    PayoutStage.VETOED: _after_veto,
    PayoutStage.CLAIMING: _claims,
    PayoutStage.CLAIMED: _sweep,
    PayoutStage.DONE: _done,
}
