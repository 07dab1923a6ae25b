"""``SqlModerationRepository``: posts, scores, reports, queue, rounds, ballots, results, standings."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.moderation import (
    classifier_standings,
    content_posts,
    content_scores,
    moderation_ballots,
    moderation_items,
    moderation_queue,
    moderation_reports,
    moderation_rounds,
)
from governance.domain.addresses import Address, parse_address
from governance.domain.classifier_market import ClassifierStanding, MarketPeriod
from governance.domain.content import Post
from governance.domain.moderation import (
    Ballot,
    BrigadingFlag,
    Choice,
    Decision,
    ItemResult,
    ItemTally,
    RoundKind,
    RoundResult,
    RoundRules,
    RoundSpec,
)
from governance.domain.moderation_records import RoundRecord

__all__ = ["SqlModerationRepository"]


def _time(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


class SqlModerationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _insert_once(self, table: Any, values: dict[str, Any]) -> bool:
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(table).values(**values))
        except SqlIntegrityError:
            return False
        return True

    # --- content ------------------------------------------------------------------------------

    async def add_post(self, post: Post, received_at: int) -> bool:
        values = {
            "post_id": post.id,
            "author": post.author,
            "text": post.text,
            "created_at": _seconds(post.created),
            "received_at": received_at,
        }
        return await self._insert_once(content_posts, values)

    async def posts(self, post_ids: Sequence[str]) -> dict[str, Post]:
        rows = await self._session.execute(select(content_posts).where(content_posts.c.post_id.in_(list(post_ids))))
        return {r.post_id: Post(r.post_id, r.author, r.text, _time(r.created_at)) for r in rows}

    async def add_scores(self, post_id: str, scores: Mapping[int, tuple[bytes, float]]) -> None:
        for classifier_id, (model_hash, score) in scores.items():
            values = {"post_id": post_id, "classifier_id": classifier_id, "model_hash": "0x" + model_hash.hex()}
            await self._insert_once(content_scores, {**values, "score": float(score)})

    async def scores(self, post_ids: Sequence[str]) -> dict[str, dict[int, float]]:
        found: dict[str, dict[int, float]] = {}
        query = select(content_scores).where(content_scores.c.post_id.in_(list(post_ids)))
        for row in await self._session.execute(query):
            found.setdefault(row.post_id, {})[row.classifier_id] = row.score
        return found

    async def add_report(self, post_id: str, reporter: int, reason: str, at: int) -> bool:
        values = {"post_id": post_id, "reporter": reporter, "reason": reason, "reported_at": at}
        return await self._insert_once(moderation_reports, values)

    async def reports(self, post_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        query = (
            select(moderation_reports)
            .where(moderation_reports.c.post_id.in_(list(post_ids)))
            .order_by(moderation_reports.c.reported_at, moderation_reports.c.reporter)
        )
        for row in await self._session.execute(query):
            found.setdefault(row.post_id, []).append(row.reason)
        return found

    async def enqueue(self, post_id: str, reason: str, at: int) -> bool:
        return await self._insert_once(moderation_queue, {"post_id": post_id, "reason": reason, "queued_at": at})

    async def queued(self, limit: int) -> list[str]:
        query = (
            select(moderation_queue.c.post_id)
            .where(moderation_queue.c.round_id.is_(None))
            .order_by(moderation_queue.c.queued_at, moderation_queue.c.post_id)
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    # --- rounds -------------------------------------------------------------------------------

    async def next_round_id(self) -> int:
        top = (await self._session.execute(select(func.max(moderation_rounds.c.round_id)))).scalar()
        return int(top or 0) + 1

    async def add_round(self, spec: RoundSpec, opened_at: int) -> None:
        await self._session.execute(
            insert(moderation_rounds).values(
                round_id=spec.round_id,
                kind=spec.kind.value,
                snapshot_block=spec.snapshot_block,
                total_power=spec.total_power,
                quorum_bps=spec.rules.quorum_bps,
                cap_bps=spec.rules.cap_bps,
                fresh_delegation_blocks=spec.rules.fresh_delegation_blocks,
                opened_at=opened_at,
                closes_at=_seconds(spec.closes_at),
            )
        )
        items = [{"round_id": spec.round_id, "post_id": p, "position": i} for i, p in enumerate(spec.item_ids)]
        await self._session.execute(insert(moderation_items), items)
        if spec.kind is RoundKind.FIRST:
            query = update(moderation_queue).where(moderation_queue.c.post_id.in_(list(spec.item_ids)))
            await self._session.execute(query.values(round_id=spec.round_id))

    async def _record(self, row: Any) -> RoundRecord:
        query = (
            select(moderation_items.c.post_id)
            .where(moderation_items.c.round_id == row.round_id)
            .order_by(moderation_items.c.position)
        )
        item_ids = tuple((await self._session.execute(query)).scalars())
        rules = RoundRules(row.quorum_bps, row.cap_bps, row.fresh_delegation_blocks)
        spec = RoundSpec(
            row.round_id,
            RoundKind(row.kind),
            item_ids,
            row.snapshot_block,
            row.total_power,
            _time(row.closes_at),
            rules,
        )
        root = bytes.fromhex(row.root.removeprefix("0x")) if row.root else None
        return RoundRecord(spec, row.opened_at, row.closed_at, root, row.anchor_tx)

    async def round(self, round_id: int) -> RoundRecord | None:
        row = (
            await self._session.execute(select(moderation_rounds).where(moderation_rounds.c.round_id == round_id))
        ).first()
        return await self._record(row) if row else None

    async def due_rounds(self, now: int) -> list[int]:
        query = select(moderation_rounds.c.round_id).where(
            moderation_rounds.c.closed_at.is_(None), moderation_rounds.c.closes_at <= now
        )
        return sorted((await self._session.execute(query)).scalars())

    async def unanchored_rounds(self) -> list[int]:
        query = select(moderation_rounds.c.round_id).where(
            moderation_rounds.c.closed_at.is_not(None), moderation_rounds.c.anchor_tx.is_(None)
        )
        return sorted((await self._session.execute(query)).scalars())

    async def rounds_with_item(self, item_id: str) -> list[RoundRecord]:
        query = (
            select(moderation_rounds)
            .join(moderation_items, moderation_items.c.round_id == moderation_rounds.c.round_id)
            .where(moderation_items.c.post_id == item_id)
            .order_by(moderation_rounds.c.round_id)
        )
        return [await self._record(row) for row in (await self._session.execute(query)).all()]

    # --- ballots ------------------------------------------------------------------------------

    async def ballot(self, round_id: int, item_id: str, wallet: Address) -> Ballot | None:
        query = select(moderation_ballots).where(
            moderation_ballots.c.round_id == round_id,
            moderation_ballots.c.post_id == item_id,
            moderation_ballots.c.wallet == wallet,
        )
        row = (await self._session.execute(query)).first()
        return _ballot(row) if row else None

    async def add_ballot(self, ballot: Ballot, member_id: int, at: int) -> bool:
        values = {
            "round_id": ballot.round_id,
            "post_id": ballot.item_id,
            "wallet": ballot.wallet,
            "choice": ballot.choice.value,
            "weight": ballot.weight,
            "member_id": member_id,
            "cast_at": at,
        }
        return await self._insert_once(moderation_ballots, values)

    async def add_ballots(self, ballots: Sequence[Ballot], at: int) -> None:
        """Bulk insert (benchmarks and imports); duplicates fail the whole batch."""
        rows = [
            {
                "round_id": b.round_id,
                "post_id": b.item_id,
                "wallet": b.wallet,
                "choice": b.choice.value,
                "weight": b.weight,
                "member_id": 0,
                "cast_at": at,
            }
            for b in ballots
        ]
        await self._session.execute(insert(moderation_ballots), rows)

    async def ballots(self, round_id: int) -> list[Ballot]:
        query = select(moderation_ballots).where(moderation_ballots.c.round_id == round_id)
        return [_ballot(row) for row in await self._session.execute(query)]

    async def ballot_count(self, round_id: int) -> int:
        query = select(func.count()).select_from(moderation_ballots).where(moderation_ballots.c.round_id == round_id)
        return int((await self._session.execute(query)).scalar() or 0)

    # --- results ------------------------------------------------------------------------------

    async def save_result(self, result: RoundResult, closed_at: int, root: bytes) -> None:
        round_id = result.spec.round_id
        for item in result.items:
            tally = item.tally
            query = update(moderation_items).where(
                moderation_items.c.round_id == round_id, moderation_items.c.post_id == item.item_id
            )
            await self._session.execute(
                query.values(
                    decision=item.decision.value,
                    derank_weight=tally.derank_weight,
                    keep_weight=tally.keep_weight,
                    cast_weight=tally.cast_weight,
                    ballots=tally.ballots,
                    ceiling=tally.ceiling,
                    quorum_met=tally.quorum_met,
                    brigading=_flag_json(item.brigading),
                )
            )
        query = update(moderation_rounds).where(moderation_rounds.c.round_id == round_id)
        await self._session.execute(query.values(closed_at=closed_at, root="0x" + root.hex()))

    async def set_anchor(self, round_id: int, tx_hash: str) -> None:
        query = update(moderation_rounds).where(moderation_rounds.c.round_id == round_id)
        await self._session.execute(query.values(anchor_tx=tx_hash))

    async def histories(self, item_ids: Sequence[str] | None = None) -> dict[str, list[ItemResult]]:
        query = (
            select(
                moderation_items,
                moderation_rounds.c.kind,
                moderation_rounds.c.closed_at,
                moderation_rounds.c.total_power,
            )
            .join(moderation_rounds, moderation_items.c.round_id == moderation_rounds.c.round_id)
            .where(moderation_rounds.c.closed_at.is_not(None))
            .order_by(moderation_items.c.round_id)
        )
        if item_ids is not None:
            query = query.where(moderation_items.c.post_id.in_(list(item_ids)))
        found: dict[str, list[ItemResult]] = {}
        for row in await self._session.execute(query):
            found.setdefault(row.post_id, []).append(_item_result(row))
        return found

    # --- classifier market --------------------------------------------------------------------

    async def unscored_rounds(self) -> list[int]:
        query = select(moderation_rounds.c.round_id).where(
            moderation_rounds.c.closed_at.is_not(None), moderation_rounds.c.scored_epoch.is_(None)
        )
        return sorted((await self._session.execute(query)).scalars())

    async def mark_scored(self, round_ids: Sequence[int], epoch: int) -> None:
        query = update(moderation_rounds).where(moderation_rounds.c.round_id.in_(list(round_ids)))
        await self._session.execute(query.values(scored_epoch=epoch))

    async def save_period(self, period: MarketPeriod) -> None:
        for s in period.standings:
            await self._session.execute(
                insert(classifier_standings).values(
                    epoch=period.epoch,
                    classifier_id=s.classifier_id,
                    items=s.items,
                    correlation=s.correlation,
                    contribution=s.contribution,
                    score=s.score,
                    reputation=s.reputation,
                    epochs=s.epochs,
                    bounty_bps=s.bounty_bps,
                )
            )

    async def standings(self, epoch: int) -> list[ClassifierStanding]:
        query = (
            select(classifier_standings)
            .where(classifier_standings.c.epoch == epoch)
            .order_by(classifier_standings.c.classifier_id)
        )
        return [
            ClassifierStanding(
                r.classifier_id, r.items, r.correlation, r.contribution, r.score, r.reputation, r.epochs, r.bounty_bps
            )
            for r in await self._session.execute(query)
        ]

    async def latest_reputations(self) -> dict[int, tuple[float, int]]:
        latest = (
            select(classifier_standings.c.classifier_id, func.max(classifier_standings.c.epoch).label("epoch"))
            .group_by(classifier_standings.c.classifier_id)
            .subquery()
        )
        query = select(classifier_standings).join(
            latest,
            (latest.c.classifier_id == classifier_standings.c.classifier_id)
            & (latest.c.epoch == classifier_standings.c.epoch),
        )
        return {r.classifier_id: (r.reputation, r.epochs) for r in await self._session.execute(query)}


def _ballot(row: Any) -> Ballot:
    return Ballot(row.round_id, row.post_id, parse_address(row.wallet), Choice(row.choice), row.weight)


def _flag_json(flag: BrigadingFlag | None) -> str | None:
    if flag is None:
        return None
    return json.dumps(
        {"wallets": list(flag.fresh_wallets), "weight": str(flag.fresh_weight), "without": flag.decision_without.value}
    )


def _flag(item_id: str, text: str | None) -> BrigadingFlag | None:
    if text is None:
        return None
    data = json.loads(text)
    wallets = tuple(parse_address(w) for w in data["wallets"])
    return BrigadingFlag(item_id, wallets, int(data["weight"]), Decision(data["without"]))


def _item_result(row: Any) -> ItemResult:
    tally = ItemTally(
        row.post_id,
        row.derank_weight,
        row.keep_weight,
        row.cast_weight,
        row.total_power,
        row.ballots,
        row.ceiling,
        row.quorum_met,
    )
    return ItemResult(
        row.round_id,
        RoundKind(row.kind),
        _time(row.closed_at),
        tally,
        Decision(row.decision),
        _flag(row.post_id, row.brigading),
    )
