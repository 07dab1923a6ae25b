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

from collections.abc import Callable, Sequence
from dataclasses import replace

from governance.domain.errors import TransactionRefused, WrongState
from governance.domain.notifications import Notification
from governance.domain.payout_manifest import PublishedManifest
from governance.domain.payout_runs import PayoutRun, PayoutStage, tx_key
from governance.ports import PayoutUnitOfWork
from governance.services.payout_claims import pay_claims, sweep
from governance.services.payout_context import Observer, PayoutDeps, PayoutSettings, commit_step, log
from governance.services.payout_verify import compute_epoch_manifest

__all__ = [
    "Observer",
    "PayoutDeps",
    "PayoutSettings",
    "acknowledge_veto",
    "advance_epoch",
    "run_payouts",
]


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


async def _close(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if await deps.chain.chain_time() < on.end_time:
        return None
    if on.revenue == 0 and not on.closed:
        return await commit_step(deps, replace(run, stage=PayoutStage.DONE, note="no revenue this epoch"))
    # Ask the sender even when the chain says closed: it settles a journaled close left in flight by a crash.
    try:
        await deps.sender.send(deps.chain.close_plan(run.epoch, tx_key(run.chain_id, run.epoch, "close")))
    except TransactionRefused:
        if not (await deps.chain.epoch_on_chain(run.epoch)).closed:
            raise
    return await commit_step(deps, replace(run, stage=PayoutStage.CLOSED))


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
            await commit_step(deps, replace(run, note=note), [_alert(run, "foreign_root", note)], step="foreign root")
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
    return await commit_step(deps, replace(run, stage=PayoutStage.PROPOSED, claimable_at=on.claimable_at, note=""))


async def _challenge(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    on = await deps.chain.epoch_on_chain(run.epoch)
    if on.root != run.root:
        assert run.root is not None
        vetoed = replace(run, stage=PayoutStage.VETOED, vetoed_roots=(*run.vetoed_roots, run.root))
        if on.has_root:  # our root was replaced by one we did not propose: never claim against it
            text = f"the root on chain is {on.root}, not ours ({run.root}); run `daobot payouts verify {run.epoch}`"
            return await commit_step(deps, vetoed, [_alert(run, "foreign_root", text)], step="foreign root")
        payload = {"epoch": run.epoch, "round": run.round, "root": run.root}
        note = Notification("payout_vetoed", f"payout-vetoed:{run.chain_id}:{run.epoch}:{run.round}", payload)
        return await commit_step(deps, vetoed, [note])
    if await deps.chain.chain_time() < on.claimable_at:
        return None
    return await commit_step(deps, replace(run, stage=PayoutStage.CLAIMING, claimable_at=on.claimable_at))


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


# --- the step table ---------------------------------------------------------------------------------


async def _done(deps: PayoutDeps, run: PayoutRun) -> PayoutRun | None:
    return None


_STEPS = {
    PayoutStage.NEW: _close,
    PayoutStage.CLOSED: _compute,
    PayoutStage.COMPUTED: _propose,
    PayoutStage.PROPOSED: _challenge,
    PayoutStage.VETOED: _after_veto,
    PayoutStage.CLAIMING: pay_claims,
    PayoutStage.CLAIMED: sweep,
    PayoutStage.DONE: _done,
}
