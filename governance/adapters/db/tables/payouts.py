"""The payout pipeline's state: one run per (chain id, epoch), its manifests, leaves and claim batches."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, LargeBinary, String, Table, Text

from governance.adapters.db.schema import metadata
from governance.adapters.db.types import UInt256

__all__ = ["payout_batches", "payout_leaves", "payout_manifests", "payout_runs"]

payout_runs = Table(
    "payout_runs",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("stage", String(20), nullable=False),
    Column("round", Integer, nullable=False),
    Column("end_block", BigInteger, nullable=True),
    Column("root", String(66), nullable=True),
    Column("total", UInt256, nullable=False),
    Column("budget", UInt256, nullable=False),
    Column("manifest_hash", String(66), nullable=True),
    Column("leaf_count", Integer, nullable=False),
    Column("claimable_at", BigInteger, nullable=True),
    Column("cursor", Integer, nullable=False),
    Column("next_batch", Integer, nullable=False),
    Column("paid", UInt256, nullable=False),
    Column("swept", UInt256, nullable=True),
    Column("vetoed_roots", Text, nullable=False),
    Column("acknowledged_round", Integer, nullable=True),
    Column("note", String(500), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

payout_manifests = Table(
    "payout_manifests",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("round", Integer, primary_key=True, autoincrement=False),
    Column("root", String(66), nullable=False),
    Column("content_hash", String(66), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

payout_leaves = Table(
    "payout_leaves",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("account", String(42), nullable=False),
    Column("amount", UInt256, nullable=False),
    Column("paid_tx", String(66), nullable=True),
    Column("paid_at", BigInteger, nullable=True),
    Index("ix_payout_leaves_account", "chain_id", "account"),
)

payout_batches = Table(
    "payout_batches",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("variant", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("stop", Integer, nullable=False),
    Column("leaves", Text, nullable=False),
    Column("done", Boolean, nullable=False),
    Column("tx_hash", String(66), nullable=True),
)
