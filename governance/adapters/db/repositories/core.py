"""Members, outbox and leases on SQLAlchemy."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.core import leases, members, outbox
from governance.domain.addresses import Address, parse_address
from governance.domain.errors import WrongState
from governance.domain.members import Member
from governance.domain.notifications import Notification, PendingNotification

__all__ = ["SqlLeaseRepository", "SqlMemberRepository", "SqlOutboxRepository"]


def _member(row: Any) -> Member:
    wallet = parse_address(row.wallet) if row.wallet else None
    return Member(
        discord_id=row.discord_id,
        display_name=row.display_name,
        wallet=wallet,
        linked_at=row.linked_at,
        notify_reminders=row.notify_reminders,
        notify_receipts=row.notify_receipts,
    )


class SqlMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, discord_id: int) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.discord_id == discord_id))).first()
        return _member(row) if row else None

    async def by_wallet(self, wallet: Address) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.wallet == wallet))).first()
        return _member(row) if row else None

    async def linked(self) -> list[Member]:
        rows = await self._session.execute(select(members).where(members.c.wallet.is_not(None)))
        return [_member(row) for row in rows]

    async def save(self, member: Member) -> None:
        values = {
            "display_name": member.display_name,
            "wallet": member.wallet,
            "linked_at": member.linked_at,
            "notify_reminders": member.notify_reminders,
            "notify_receipts": member.notify_receipts,
        }
        try:
            async with self._session.begin_nested():
                found = await self._session.execute(
                    update(members).where(members.c.discord_id == member.discord_id).values(**values)
                )
                if found.rowcount == 0:  # type: ignore[attr-defined]
                    await self._session.execute(insert(members).values(discord_id=member.discord_id, **values))
        except SqlIntegrityError as exc:
            raise WrongState("That wallet is already linked to another member.") from exc


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, notification: Notification, now: int) -> bool:
        """Enqueue once: a second notification with the same ``dedupe_key`` is ignored (False)."""
        exists = await self._session.execute(
            select(outbox.c.id).where(outbox.c.dedupe_key == notification.dedupe_key)
        )
        if exists.first():
            return False
        values = {
            "dedupe_key": notification.dedupe_key,
            "kind": notification.kind,
            "payload": json.dumps(notification.payload, sort_keys=True),
            "created_at": now,
            "attempts": 0,
        }
        try:  # a concurrent transaction may have added the same key since the check
            async with self._session.begin_nested():
                await self._session.execute(insert(outbox).values(**values))
        except SqlIntegrityError:
            return False
        return True

    async def pending(self, limit: int = 50) -> list[PendingNotification]:
        query = select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id).limit(limit)
        rows = await self._session.execute(query)
        return [
            PendingNotification(
                id=row.id,
                notification=Notification(row.kind, row.dedupe_key, json.loads(row.payload)),
                attempts=row.attempts,
            )
            for row in rows
        ]

    async def mark_sent(self, notification_id: int, now: int) -> None:
        await self._session.execute(update(outbox).where(outbox.c.id == notification_id).values(sent_at=now))

    async def mark_failed(self, notification_id: int, error: str) -> None:
        await self._session.execute(
            update(outbox)
            .where(outbox.c.id == notification_id)
            .values(attempts=outbox.c.attempts + 1, last_error=error[:500])
        )

    async def depth(self) -> int:
        rows = await self._session.execute(select(outbox.c.id).where(outbox.c.sent_at.is_(None)))
        return len(rows.all())


class SqlLeaseRepository:
    """A named lease in the database: only its holder may act until it expires."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def acquire(self, name: str, holder: str, now: int, ttl: int) -> bool:
        taken = await self._session.execute(
            update(leases)
            .where(leases.c.name == name)
            .where((leases.c.holder == holder) | (leases.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        )
        if taken.rowcount:  # type: ignore[attr-defined]
            return True
        try:
            async with self._session.begin_nested():
                await self._session.execute(insert(leases).values(name=name, holder=holder, expires_at=now + ttl))
        except SqlIntegrityError:
            return False
        return True

    async def holder(self, name: str, now: int) -> str | None:
        row = (await self._session.execute(select(leases).where(leases.c.name == name))).first()
        return row.holder if row and row.expires_at >= now else None

    async def release(self, name: str, holder: str) -> None:
        await self._session.execute(delete(leases).where(leases.c.name == name).where(leases.c.holder == holder))
