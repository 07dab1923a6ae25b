"""Which Discord message carries which notification, so a repeat delivery edits instead of posting."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, String, Table

from governance.adapters.db.schema import metadata

__all__ = ["discord_posts"]

discord_posts = Table(
    "discord_posts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("channel_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
)
