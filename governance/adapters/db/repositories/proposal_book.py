"""``SqlProposalBook``: the ``ProposalBook`` port on the watcher's read model (``SqlChainQueries``)."""

from __future__ import annotations

from collections.abc import Callable

from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import Address
from governance.domain.chain_records import ProposalView

__all__ = ["SqlProposalBook"]


class SqlProposalBook:
    def __init__(self, uow_factory: Callable[[], SqlAlchemyUnitOfWork], chain_id: int) -> None:
        self._uow_factory = uow_factory
        self._chain_id = chain_id

    async def recent(self, limit: int = 10) -> list[ProposalView]:
        async with self._uow_factory() as uow:
            return await uow.chain.proposals(self._chain_id, limit)

    async def get(self, proposal_id: int) -> ProposalView | None:
        async with self._uow_factory() as uow:
            return await uow.chain.proposal(self._chain_id, proposal_id)

    async def voters(self, proposal_id: int) -> set[Address]:
        async with self._uow_factory() as uow:
            return {vote.voter for vote in await uow.chain.votes(self._chain_id, proposal_id)}

    async def head_clock(self) -> int | None:
        async with self._uow_factory() as uow:
            return await uow.chain.head_clock(self._chain_id)

    async def voting_power(self, account: Address) -> int:
        async with self._uow_factory() as uow:
            head = await uow.chain.head_clock(self._chain_id)
            if head is None:
                return 0
            return await uow.chain.voting_power(self._chain_id, account, head)
