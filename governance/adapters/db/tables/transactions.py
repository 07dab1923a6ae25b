"""The transaction journal: one row per plan (by idempotency key), one per signed attempt, and the
per-account nonce counter that processes reserve nonces from under a row lock."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from governance.adapters.db.schema import metadata
from governance.adapters.db.types import UInt256

__all__ = ["tx_attempts", "tx_intents", "tx_nonces"]

tx_intents = Table(
    "tx_intents",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("purpose", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("chain_id", BigInteger, nullable=False),
    Column("sender", String(42), nullable=False),
    Column("to_address", String(42), nullable=False),
    Column("data", Text, nullable=False),
    Column("value", UInt256, nullable=False),
    Column("plan_gas_limit", BigInteger, nullable=True),
    Column("gas_limit", BigInteger, nullable=True),
    Column("nonce", BigInteger, nullable=True),
    Column("state", String(20), nullable=False),
    Column("mined_hash", String(66), nullable=True),
    Column("block_number", BigInteger, nullable=True),
    Column("gas_used", BigInteger, nullable=True),
    Column("effective_gas_price", UInt256, nullable=True),
    Column("succeeded", Boolean, nullable=True),
    Column("error", String(500), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    # the database itself refuses a second plan at a nonce already taken by this account
    UniqueConstraint("chain_id", "sender", "nonce", name="uq_tx_intents_account_nonce"),
    Index("ix_tx_intents_account_state", "chain_id", "sender", "state"),
)

tx_attempts = Table(
    "tx_attempts",
    metadata,
    Column("tx_hash", String(66), primary_key=True),
    Column("key", String(200), ForeignKey("tx_intents.key", ondelete="CASCADE"), nullable=False, index=True),
    Column("nonce", BigInteger, nullable=False),
    Column("max_fee_per_gas", UInt256, nullable=False),
    Column("max_priority_fee_per_gas", UInt256, nullable=False),
    Column("raw", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

tx_nonces = Table(
    "tx_nonces",
    metadata,
    Column("chain_id", BigInteger, nullable=False),
    Column("sender", String(42), nullable=False),
    Column("next_nonce", BigInteger, nullable=False),
    Column("holder", String(100), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("chain_id", "sender", name="pk_tx_nonces"),
)
