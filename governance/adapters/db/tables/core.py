"""Core tables: members and their wallets, the notification outbox, the scheduler lease."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)

from governance.adapters.db.schema import metadata

__all__ = ["leases", "members", "outbox", "scheduler_jobs"]

members = Table(
    "members",
    metadata,
    Column("discord_id", BigInteger, primary_key=True, autoincrement=False),
    Column("display_name", String(100), nullable=False, default=""),
    Column("wallet", String(42), nullable=True, unique=True),
    Column("linked_at", BigInteger, nullable=True),
    Column("notify_reminders", Boolean, nullable=False, default=True),
    Column("notify_receipts", Boolean, nullable=False, default=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(200), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("sent_at", BigInteger, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),
    UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
)

leases = Table(
    "leases",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("holder", String(100), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)

# APScheduler 3's SQLAlchemyJobStore table, declared here so that Alembic owns the schema.
scheduler_jobs = Table(
    "scheduler_jobs",
    metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
