"""Single-use signing requests behind the signing page's one-time links."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text

from governance.adapters.db.schema import metadata

__all__ = ["signing_requests"]

signing_requests = Table(
    "signing_requests",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("member_id", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("payload", Text, nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("expires", BigInteger, nullable=False),
    Column("used_at", BigInteger, nullable=True),
    Index("ix_signing_requests_member_created", "member_id", "created"),
)
