"""The notification-key -> Discord message map."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.discord_posts import discord_posts

__all__ = ["SqlDiscordPostRepository"]


class SqlDiscordPostRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> tuple[int, int] | None:
        row = (await self._session.execute(select(discord_posts).where(discord_posts.c.key == key))).first()
        return (row.channel_id, row.message_id) if row else None

    async def put(self, key: str, channel_id: int, message_id: int) -> None:
        if await self.get(key) is None:
            row = {"key": key, "channel_id": channel_id, "message_id": message_id}
            await self._session.execute(insert(discord_posts).values(**row))
        else:
            query = update(discord_posts).where(discord_posts.c.key == key)
            await self._session.execute(query.values(channel_id=channel_id, message_id=message_id))
