"""Mirror of the money side of the suite: revenue, epochs, dividend roots and claims, classifiers, rounds.

Append-only rows, one per log, keyed like every chain fact by (chain id, tx hash, log index) and rolled
back by ``block_number`` on a reorg (``info={"derived": True}``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from governance.adapters.db.schema import metadata
from governance.adapters.db.tables.chain import DERIVED
from governance.adapters.db.types import UInt256

__all__ = [
    "classifier_events",
    "dividend_claims",
    "dividend_roots",
    "epoch_closings",
    "epoch_fundings",
    "epoch_sweeps",
    "moderation_anchors",
    "revenue_payments",
    "treasury_changes",
]


def _fact(name: str, *columns: Column[object]) -> Table:
    return Table(
        name,
        metadata,
        Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
        Column("tx_hash", String(66), primary_key=True),
        Column("log_index", Integer, primary_key=True, autoincrement=False),
        Column("block_number", BigInteger, nullable=False),
        *columns,
        Index(f"ix_{name}_block", "chain_id", "block_number"),
        info=DERIVED,
    )


revenue_payments = _fact(
    "revenue_payments",
    Column("epoch", UInt256, nullable=False, index=True),
    Column("classifier_id", UInt256, nullable=False),
    Column("payer", String(42), nullable=False),
    Column("amount", UInt256, nullable=False),
)

epoch_closings = _fact(
    "epoch_closings",
    Column("epoch", UInt256, nullable=False, index=True),
    Column("revenue", UInt256, nullable=False),
    Column("member_dividends", UInt256, nullable=False),
    Column("classifier_dividends", UInt256, nullable=False),
    Column("bounties", UInt256, nullable=False),
    Column("reserve", UInt256, nullable=False),
    Column("operations", UInt256, nullable=False),
)

epoch_fundings = _fact(
    "epoch_fundings",
    Column("epoch", UInt256, nullable=False, index=True),
    Column("member_budget", UInt256, nullable=False),
    Column("classifier_budget", UInt256, nullable=False),
    Column("bounty_budget", UInt256, nullable=False),
)

dividend_roots = _fact(
    "dividend_roots",
    Column("epoch", UInt256, nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("root", String(66), nullable=False),
    Column("total", UInt256, nullable=True),
    Column("manifest_hash", String(66), nullable=True),
    Column("manifest_uri", Text, nullable=True),
    Column("claimable_at", BigInteger, nullable=True),
)

dividend_claims = _fact(
    "dividend_claims",
    Column("epoch", UInt256, nullable=False, index=True),
    Column("account", String(42), nullable=False),
    Column("amount", UInt256, nullable=False),
)

epoch_sweeps = _fact(
    "epoch_sweeps",
    Column("epoch", UInt256, nullable=False),
    Column("amount", UInt256, nullable=False),
)

classifier_events = _fact(
    "classifier_events",
    Column("classifier_id", UInt256, nullable=False, index=True),
    Column("kind", String(10), nullable=False),
    Column("name", Text, nullable=True),
    Column("owner", String(42), nullable=True),
    Column("model_hash", String(66), nullable=True),
    Column("uri", Text, nullable=True),
    Column("share_supply", UInt256, nullable=True),
)

moderation_anchors = _fact(
    "moderation_anchors",
    Column("round_id", UInt256, nullable=False),
    Column("root", String(66), nullable=False),
    Column("uri", Text, nullable=False),
    Column("moderator", String(42), nullable=False),
)

treasury_changes = _fact(
    "treasury_changes",
    Column("kind", String(20), nullable=False),
    Column("payload", Text, nullable=False),
)
