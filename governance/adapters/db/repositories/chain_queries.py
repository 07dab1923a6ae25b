"""The read model of the chain: proposals with tallies and state, votes, voting power, balances at a block.

Sums of uint256 columns are done in Python (they are stored as exact decimal strings).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.chain import (
    chain_contracts,
    chain_cursors,
    proposal_events,
    proposal_transitions,
    proposals,
    share_balances,
    token_balances,
    votes,
    voting_power,
)
from governance.domain.addresses import Address
from governance.domain.chain_records import (
    Holding,
    ProposalFacts,
    ProposalState,
    ProposalView,
    Tally,
    VoteRecord,
    proposal_state,
)

__all__ = ["DueTransition", "SqlChainQueries"]

DueTransition = tuple[int, int, int, int]  # proposal id, vote start, vote end, block it was created in


class SqlChainQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- proposals ----------------------------------------------------------------------------------

    async def proposals(self, chain_id: int, limit: int = 25, offset: int = 0) -> list[ProposalView]:
        """Newest first."""
        query = (
            select(proposals)
            .where(proposals.c.chain_id == chain_id)
            .order_by(proposals.c.block_number.desc(), proposals.c.log_index.desc())
            .limit(limit)
            .offset(offset)
        )
        rows = list(await self._session.execute(query))
        return await self._views(chain_id, rows)

    async def proposal(self, chain_id: int, proposal_id: int) -> ProposalView | None:
        query = select(proposals).where(proposals.c.chain_id == chain_id, proposals.c.proposal_id == proposal_id)
        rows = list(await self._session.execute(query))
        views = await self._views(chain_id, rows)
        return views[0] if views else None

    async def proposal_count(self, chain_id: int) -> int:
        query = select(func.count()).select_from(proposals).where(proposals.c.chain_id == chain_id)
        return int((await self._session.execute(query)).scalar_one())

    async def votes(self, chain_id: int, proposal_id: int) -> list[VoteRecord]:
        query = (
            select(votes)
            .where(votes.c.chain_id == chain_id, votes.c.proposal_id == proposal_id)
            .order_by(votes.c.block_number, votes.c.log_index)
        )
        return [
            VoteRecord(row.proposal_id, Address(row.voter), row.support, row.weight, row.reason, row.block_number,
                       row.tx_hash)
            for row in await self._session.execute(query)
        ]

    async def tallies(self, chain_id: int, proposal_ids: Sequence[int]) -> dict[int, Tally]:
        out: dict[int, Tally] = defaultdict(Tally)
        if not proposal_ids:
            return out
        query = select(votes.c.proposal_id, votes.c.support, votes.c.weight).where(
            votes.c.chain_id == chain_id, votes.c.proposal_id.in_(list(proposal_ids))
        )
        for row in await self._session.execute(query):
            out[row.proposal_id] = out[row.proposal_id].add(row.support, row.weight)
        return out

    async def head_clock(self, chain_id: int) -> int | None:
        cursor = (
            await self._session.execute(
                select(chain_cursors).where(chain_cursors.c.chain_id == chain_id, chain_cursors.c.name == "main")
            )
        ).first()
        if cursor is None:
            return None
        mode = (
            await self._session.execute(
                select(chain_contracts.c.clock_mode).where(
                    chain_contracts.c.chain_id == chain_id, chain_contracts.c.role == "governor"
                )
            )
        ).scalar()
        return int(cursor.block_time if mode == "timestamp" else cursor.block_number)

    async def _views(self, chain_id: int, rows: Sequence[Any]) -> list[ProposalView]:
        ids = [row.proposal_id for row in rows]
        if not ids:
            return []
        tallies = await self.tallies(chain_id, ids)
        lifecycle = await self._lifecycle(chain_id, ids)
        transitions = await self._transitions(chain_id, ids)
        clock = await self.head_clock(chain_id) or 0
        return [_view(row, tallies[row.proposal_id], lifecycle[row.proposal_id], transitions, clock) for row in rows]

    async def _lifecycle(self, chain_id: int, ids: Sequence[int]) -> dict[int, dict[str, int | None]]:
        out: dict[int, dict[str, int | None]] = defaultdict(dict)
        query = (
            select(proposal_events)
            .where(proposal_events.c.chain_id == chain_id, proposal_events.c.proposal_id.in_(list(ids)))
            .order_by(proposal_events.c.block_number, proposal_events.c.log_index)
        )
        for row in await self._session.execute(query):
            kinds = out[row.proposal_id]
            if row.kind not in kinds or row.eta is not None:
                kinds[row.kind] = row.eta
        return out

    async def _transitions(self, chain_id: int, ids: Sequence[int]) -> dict[tuple[int, str], Any]:
        query = select(proposal_transitions).where(
            proposal_transitions.c.chain_id == chain_id, proposal_transitions.c.proposal_id.in_(list(ids))
        )
        return {(row.proposal_id, row.stage): row for row in await self._session.execute(query)}

    # --- lifecycle bookkeeping (used by the watcher) -------------------------------------------------

    async def due_transitions(self, chain_id: int, stage: str, clock: int) -> list[DueTransition]:
        """Proposals whose start (or end) the clock has passed with no transition recorded, not canceled."""
        bound = proposals.c.vote_start if stage == "voting_started" else proposals.c.vote_end
        recorded = exists().where(
            proposal_transitions.c.chain_id == proposals.c.chain_id,
            proposal_transitions.c.proposal_id == proposals.c.proposal_id,
            proposal_transitions.c.stage == stage,
        )
        canceled = exists().where(
            and_(
                proposal_events.c.chain_id == proposals.c.chain_id,
                proposal_events.c.proposal_id == proposals.c.proposal_id,
                proposal_events.c.kind == "canceled",
            )
        )
        query = (
            select(proposals.c.proposal_id, proposals.c.vote_start, proposals.c.vote_end, proposals.c.block_number)
            .where(proposals.c.chain_id == chain_id, bound < clock, ~recorded, ~canceled)
            .order_by(proposals.c.block_number, proposals.c.log_index)
        )
        rows = await self._session.execute(query)
        return [(row.proposal_id, row.vote_start, row.vote_end, row.block_number) for row in rows]

    # --- registers at a block ------------------------------------------------------------------------

    async def voting_power(self, chain_id: int, account: str, block: int) -> int:
        return await self._register_value(voting_power, voting_power.c.votes, chain_id, block, account=account)

    async def token_balance(self, chain_id: int, account: str, block: int) -> int:
        return await self._register_value(token_balances, token_balances.c.balance, chain_id, block, account=account)

    async def share_balance(self, chain_id: int, classifier_id: int, account: str, block: int) -> int:
        return await self._register_value(
            share_balances, share_balances.c.balance, chain_id, block, account=account, classifier_id=classifier_id
        )

    async def token_holders(self, chain_id: int, block: int) -> list[Holding]:
        """Every account with a non-zero governance-token balance after ``block``, largest first."""
        return await self._holders(token_balances, chain_id, block)

    async def share_holders(self, chain_id: int, classifier_id: int, block: int) -> list[Holding]:
        """Every holder of a classifier's shares after ``block``, largest first."""
        return await self._holders(share_balances, chain_id, block, classifier_id=classifier_id)

    async def _register_value(self, table: Any, column: Any, chain_id: int, block: int, **key: Any) -> int:
        query = (
            select(column)
            .where(table.c.chain_id == chain_id, table.c.block_number <= block)
            .where(*(table.c[name] == value for name, value in key.items()))
            .order_by(table.c.block_number.desc())
            .limit(1)
        )
        value = (await self._session.execute(query)).scalar()
        return int(value) if value is not None else 0

    async def _holders(self, table: Any, chain_id: int, block: int, **key: Any) -> list[Holding]:
        filters = [table.c.chain_id == chain_id, table.c.block_number <= block]
        filters += [table.c[name] == value for name, value in key.items()]
        latest = (
            select(table.c.account, func.max(table.c.block_number).label("at"))
            .where(*filters)
            .group_by(table.c.account)
            .subquery()
        )
        query = select(table.c.account, table.c.balance).join(
            latest, and_(table.c.account == latest.c.account, table.c.block_number == latest.c.at)
        ).where(*filters)
        holdings = [Holding(Address(row.account), int(row.balance)) for row in await self._session.execute(query)]
        return sorted((h for h in holdings if h.balance > 0), key=lambda h: (-h.balance, h.account))


def _view(row: Any, tally: Tally, kinds: dict[str, int | None], transitions: dict[tuple[int, str], Any],
          clock: int) -> ProposalView:
    ended = transitions.get((row.proposal_id, "voting_ended"))
    after = ProposalState(ended.state) if ended is not None and ended.state is not None else None
    quorum = int(ended.quorum) if ended is not None and ended.quorum is not None else None
    facts = ProposalFacts(
        vote_start=row.vote_start,
        vote_end=row.vote_end,
        queued="queued" in kinds,
        executed="executed" in kinds,
        canceled="canceled" in kinds,
        state_after_deadline=after,
    )
    return ProposalView(
        proposal_id=row.proposal_id,
        proposer=Address(row.proposer),
        description=row.description,
        targets=tuple(Address(t) for t in json.loads(row.targets)),
        values=tuple(int(v) for v in json.loads(row.amounts)),
        calldatas=tuple(json.loads(row.calldatas)),
        vote_start=row.vote_start,
        vote_end=row.vote_end,
        state=proposal_state(facts, clock, tally, quorum),
        tally=tally,
        quorum=quorum,
        eta=kinds.get("queued"),
        created_block=row.block_number,
        timelock_operation=row.timelock_operation,
    )
