"""The SQLAlchemy unit of work: one transaction, rolled back unless ``commit()`` is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from governance.adapters.db.repositories.chain_ledger import SqlChainLedger
from governance.adapters.db.repositories.chain_queries import SqlChainQueries
from governance.adapters.db.repositories.chain_sync import SqlChainSyncRepository
from governance.adapters.db.repositories.core import (
    SqlLeaseRepository,
    SqlMemberRepository,
    SqlOutboxRepository,
)
from governance.adapters.db.repositories.discord_posts import SqlDiscordPostRepository
from governance.adapters.db.repositories.moderation import SqlModerationRepository
from governance.adapters.db.repositories.payouts import SqlPayoutRepository
from governance.adapters.db.repositories.transactions import SqlTransactionRepository

__all__ = ["SqlAlchemyUnitOfWork"]


class SqlAlchemyUnitOfWork:
    """``async with uow: ...; await uow.commit()``. Leaving the block without commit rolls back.

    Feature repositories are attributes built on ``self.session`` when the block opens.
    """

    members: SqlMemberRepository
    outbox: SqlOutboxRepository
    leases: SqlLeaseRepository
    chain: SqlChainQueries
    chain_sync: SqlChainSyncRepository
    chain_ledger: SqlChainLedger
    transactions: SqlTransactionRepository
    discord_posts: SqlDiscordPostRepository
    moderation: SqlModerationRepository
    payouts: SqlPayoutRepository

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        self._session = self._session_factory()
        self.members = SqlMemberRepository(self._session)
        self.outbox = SqlOutboxRepository(self._session)
        self.leases = SqlLeaseRepository(self._session)
        self.chain = SqlChainQueries(self._session)
        self.chain_sync = SqlChainSyncRepository(self._session)
        self.chain_ledger = SqlChainLedger(self._session)
        self.transactions = SqlTransactionRepository(self._session)
        self.discord_posts = SqlDiscordPostRepository(self._session)
        self.moderation = SqlModerationRepository(self._session)
        self.payouts = SqlPayoutRepository(self._session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.rollback()
        finally:
            await self.session.close()
            self._session = None

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
