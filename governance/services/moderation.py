"""De-rank rounds in the running bot: open over the queue, take ballots, close, anchor, appeal.

Every step is idempotent and safe to repeat from a scheduler: opening takes queued items off the
queue in the same transaction that stores the round; closing stores the result once (a second
close returns it); anchoring goes through the one transaction sender with one key per round and is
retried by ``anchor_pending`` until the ledger has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from governance.domain.addresses import Address
from governance.domain.errors import DaobotError, NotAuthorized, NotFound, WrongState
from governance.domain.moderation import Ballot, Choice, Round, RoundKind, RoundResult, RoundRules, RoundSpec
from governance.domain.moderation_leaves import round_root
from governance.domain.moderation_manifest import round_manifest
from governance.domain.moderation_records import RoundRecord
from governance.domain.notifications import Notification
from governance.domain.ranking import RankingPenalty, check_appeal, penalties, penalty_for
from governance.ports import Clock, ModerationChain, ModerationUnitOfWork
from governance.services.content import admin_alert

__all__ = [
    "ITEM_MESSAGE",
    "ITEM_RESULT",
    "ModerationDeps",
    "VoteReceipt",
    "anchor_pending",
    "appeal",
    "cast_vote",
    "close_due_rounds",
    "close_round",
    "item_at",
    "item_key",
    "manifest_of",
    "open_round",
    "ranking_penalties",
    "round_result",
]

ITEM_MESSAGE = "moderation.item"
ITEM_RESULT = "moderation.result"


@dataclass(frozen=True)
class ModerationDeps:
    uow_factory: Callable[[], ModerationUnitOfWork]
    chain: ModerationChain
    clock: Clock
    manifest_base_url: str  # the manifest of round N is at {base}/moderation/rounds/N.json
    round_seconds: int = 86_400
    batch_size: int = 20
    rules: RoundRules = field(default_factory=RoundRules)


@dataclass(frozen=True)
class VoteReceipt:
    ballot: Ballot
    ballot_count: int


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def item_key(round_id: int, post_id: str) -> str:
    return f"{ITEM_MESSAGE}:{round_id}:{post_id}"


async def _new_round(deps: ModerationDeps, kind: RoundKind, item_ids: tuple[str, ...], extra: str = "") -> RoundRecord:
    snapshot = await deps.chain.snapshot_block()
    total = await deps.chain.past_total_power(snapshot)
    names = {c.classifier_id: c.name for c in await deps.chain.listed_classifiers()}
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        round_id = await uow.moderation.next_round_id()
        closes = _utc(now) + timedelta(seconds=deps.round_seconds)
        spec = RoundSpec(round_id, kind, item_ids, snapshot, total, closes, deps.rules)
        await uow.moderation.add_round(spec, now)
        posts = await uow.moderation.posts(item_ids)
        scores = await uow.moderation.scores(item_ids)
        reports = await uow.moderation.reports(item_ids)
        for position, post_id in enumerate(item_ids):
            post = posts[post_id]
            by_name = {names.get(c, f"#{c}"): v for c, v in sorted(scores.get(post_id, {}).items())}
            payload = {
                "round_id": round_id,
                "kind": kind.name.lower(),
                "post_id": post_id,
                "position": position,
                "author": post.author,
                "text": post.text,
                "scores": by_name,
                "reports": reports.get(post_id, []) + ([extra] if extra else []),
                "closes_at": int(closes.timestamp()),
                "snapshot_block": snapshot,
            }
            await uow.outbox.add(Notification(ITEM_MESSAGE, item_key(round_id, post_id), payload), now)
        await uow.commit()
    return RoundRecord(spec, now)


async def open_round(deps: ModerationDeps) -> RoundRecord | None:
    """Open a round over the next batch of queued posts; None when the queue is empty."""
    async with deps.uow_factory() as uow:
        batch = await uow.moderation.queued(deps.batch_size)
    if not batch:
        return None
    return await _new_round(deps, RoundKind.FIRST, tuple(batch))


async def _round(uow: ModerationUnitOfWork, round_id: int) -> RoundRecord:
    record = await uow.moderation.round(round_id)
    if record is None:
        raise NotFound(f"There is no moderation round {round_id}.")
    return record


async def item_at(deps: ModerationDeps, round_id: int, position: int) -> str:
    """The post at ``position`` in a round (round messages' buttons carry the position)."""
    async with deps.uow_factory() as uow:
        record = await _round(uow, round_id)
    if not 0 <= position < len(record.spec.item_ids):
        raise NotFound(f"Round {round_id} has no item number {position}.")
    return record.spec.item_ids[position]


async def cast_vote(deps: ModerationDeps, round_id: int, post_id: str, member_id: int, choice: Choice) -> VoteReceipt:
    """One ballot per linked wallet per post, weighted by voting power at the round's snapshot."""
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        member = await uow.members.get(member_id)
        record = await _round(uow, round_id)
        wallet: Address | None = member.wallet if member else None
        if wallet is None:
            raise NotAuthorized("Link a wallet with /link before voting on moderation rounds. Nothing was recorded.")
        existing = await uow.moderation.ballot(round_id, post_id, wallet)
    if record.is_closed:
        raise WrongState(f"Round {round_id} is closed; it no longer accepts ballots.")
    weight = await deps.chain.past_votes(wallet, record.spec.snapshot_block)
    ballot = Ballot(round_id, post_id, wallet, choice, weight)
    Round(record.spec, [existing] if existing else []).cast(ballot, now=_utc(now))  # every rule, one place
    async with deps.uow_factory() as uow:
        if not await uow.moderation.add_ballot(ballot, member_id, now):
            raise WrongState(f"You already voted on post {post_id!r} in round {round_id}; a ballot cannot be changed.")
        count = await uow.moderation.ballot_count(round_id)
        await uow.commit()
    return VoteReceipt(ballot, count)


def _result_payload(result: RoundResult, post_id: str, reason: str | None) -> dict[str, object]:
    item = result.item(post_id)
    return {
        "round_id": result.spec.round_id,
        "post_id": post_id,
        "decision": item.decision.name.lower(),
        "quorum_met": item.tally.quorum_met,
        "ballots": item.tally.ballots,
        "flagged": item.brigading is not None,
        "reason": reason,
    }


async def close_round(deps: ModerationDeps, round_id: int) -> RoundResult:
    """Tally a round whose time is up, store its results and root, tell the channel (and admins
    when a result is flagged), then anchor it. Closing a closed round returns its stored result."""
    async with deps.uow_factory() as uow:
        record = await _round(uow, round_id)
        ballots = await uow.moderation.ballots(round_id)
    if not record.is_closed:
        voters = sorted({b.wallet for b in ballots})
        delegated = await deps.chain.delegation_blocks(voters, record.spec.snapshot_block) if voters else {}
        result = Round(record.spec, ballots).close(now=_utc(deps.clock.now()), delegated_at=delegated)
        await _store_result(deps, result)
    result = await round_result(deps, round_id)
    await anchor_pending(deps, only=round_id)
    return result


async def _store_result(deps: ModerationDeps, result: RoundResult) -> None:
    now = deps.clock.now()
    round_id = result.spec.round_id
    async with deps.uow_factory() as uow:
        current = await _round(uow, round_id)
        if current.is_closed:  # another instance closed it meanwhile
            return
        await uow.moderation.save_result(result, now, round_root(result))
        histories = await uow.moderation.histories(result.spec.item_ids)
        for item in result.items:
            penalty = penalty_for(item.item_id, histories.get(item.item_id, []))
            reason = penalty.reason if penalty and penalty.round_id == round_id else None
            payload = _result_payload(result, item.item_id, reason)
            note = Notification(ITEM_RESULT, f"{ITEM_RESULT}:{round_id}:{item.item_id}", payload)
            await uow.outbox.add(note, now)
            if item.brigading is not None:
                text = (
                    f"Round {round_id}, post {item.item_id!r}: the result ({item.decision.name.lower()}) is flagged "
                    f"for brigading: without {len(item.brigading.fresh_wallets)} recently delegated wallet(s) it "
                    f"would have been {item.brigading.decision_without.name.lower()}. The result stands; the post "
                    "can be appealed with /appeal."
                )
                await uow.outbox.add(admin_alert(f"brigading:{round_id}:{item.item_id}", text), now)
        await uow.commit()


async def round_result(deps: ModerationDeps, round_id: int) -> RoundResult:
    """The stored result of a closed round (tallies stay hidden while it is open)."""
    async with deps.uow_factory() as uow:
        record = await _round(uow, round_id)
        if not record.is_closed or record.closed_at is None:
            raise WrongState(f"Round {round_id} is open; its tallies stay hidden until it closes.")
        ballots = await uow.moderation.ballots(round_id)
        histories = await uow.moderation.histories(record.spec.item_ids)
    items = tuple(next(r for r in histories[i] if r.round_id == round_id) for i in record.spec.item_ids)
    ordered = tuple(sorted(ballots, key=lambda b: (b.item_id, b.wallet)))
    return RoundResult(record.spec, _utc(record.closed_at), items, ordered)


async def manifest_of(deps: ModerationDeps, round_id: int) -> dict[str, object]:
    return round_manifest(await round_result(deps, round_id))


async def anchor_pending(deps: ModerationDeps, *, only: int | None = None) -> list[str]:
    """Anchor closed rounds not anchored yet; returns the transaction hashes. A chain failure
    leaves the round for the next run (the sender's key makes a retry send nothing twice)."""
    async with deps.uow_factory() as uow:
        pending = await uow.moderation.unanchored_rounds()
    sent = []
    for round_id in [r for r in pending if only is None or r == only]:
        async with deps.uow_factory() as uow:
            record = await _round(uow, round_id)
        assert record.root is not None
        uri = f"{deps.manifest_base_url}/moderation/rounds/{round_id}.json"
        try:
            tx_hash = await deps.chain.anchor_round(round_id, record.root, uri)
        except DaobotError:
            continue
        async with deps.uow_factory() as uow:
            await uow.moderation.set_anchor(round_id, tx_hash)
            await uow.commit()
        sent.append(tx_hash)
    return sent


async def close_due_rounds(deps: ModerationDeps) -> list[RoundResult]:
    async with deps.uow_factory() as uow:
        due = await uow.moderation.due_rounds(deps.clock.now())
    results = [await close_round(deps, round_id) for round_id in due]
    await anchor_pending(deps)
    return results


async def appeal(deps: ModerationDeps, member_id: int, post_id: str, reason: str) -> RoundRecord:
    """Open the one appeal round of a post: that post alone, with a new snapshot."""
    reason = " ".join(reason.split())
    async with deps.uow_factory() as uow:
        member = await uow.members.get(member_id)
        rounds = await uow.moderation.rounds_with_item(post_id)
        history = (await uow.moderation.histories([post_id])).get(post_id, [])
    if member is None or member.wallet is None:
        raise NotAuthorized("Link a wallet with /link before appealing. Nothing was changed.")
    if not rounds:
        raise NotFound(f"Post {post_id!r} has not been through a moderation round.")
    pending = any(not r.is_closed for r in rounds)
    check_appeal(post_id, history, pending=pending, now=_utc(deps.clock.now()))
    return await _new_round(deps, RoundKind.APPEAL, (post_id,), extra=f"Appeal: {reason}" if reason else "")


async def ranking_penalties(uow_factory: Callable[[], ModerationUnitOfWork]) -> list[RankingPenalty]:
    async with uow_factory() as uow:
        histories = await uow.moderation.histories()
    return penalties(histories)
