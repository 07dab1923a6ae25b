"""discord posts: which message carries which notification

Revision ID: 5d1c2e7a9b10
Revises: 329cee3ca46e
Create Date: 2026-11-21 23:58:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5d1c2e7a9b10"
down_revision = "329cee3ca46e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discord_posts",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_discord_posts")),
    )


def downgrade() -> None:
    op.drop_table("discord_posts")
