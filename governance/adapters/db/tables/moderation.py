"""Moderation tables: platform posts, classifier scores, reports, the queue, rounds, ballots,
per-item results, and the classifier market's standings per epoch."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Float, Integer, String, Table, Text, UniqueConstraint

from governance.adapters.db.schema import metadata
from governance.adapters.db.types import UInt256

__all__ = [
    "classifier_standings",
    "content_posts",
    "content_scores",
    "moderation_ballots",
    "moderation_items",
    "moderation_queue",
    "moderation_reports",
    "moderation_rounds",
]

content_posts = Table(
    "content_posts",
    metadata,
    Column("post_id", String(128), primary_key=True),
    Column("author", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("received_at", BigInteger, nullable=False),
)

content_scores = Table(
    "content_scores",
    metadata,
    Column("post_id", String(128), primary_key=True),
    Column("classifier_id", BigInteger, primary_key=True, autoincrement=False),
    Column("model_hash", String(66), nullable=False),
    Column("score", Float, nullable=False),
)

moderation_reports = Table(
    "moderation_reports",
    metadata,
    Column("post_id", String(128), primary_key=True),
    Column("reporter", BigInteger, primary_key=True, autoincrement=False),
    Column("reason", String(500), nullable=False),
    Column("reported_at", BigInteger, nullable=False),
)

moderation_queue = Table(
    "moderation_queue",
    metadata,
    Column("post_id", String(128), primary_key=True),
    Column("reason", String(20), nullable=False),
    Column("queued_at", BigInteger, nullable=False, index=True),
    Column("round_id", BigInteger, nullable=True, index=True),
)

moderation_rounds = Table(
    "moderation_rounds",
    metadata,
    Column("round_id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", Integer, nullable=False),
    Column("snapshot_block", BigInteger, nullable=False),
    Column("total_power", UInt256, nullable=False),
    Column("quorum_bps", Integer, nullable=False),
    Column("cap_bps", Integer, nullable=False),
    Column("fresh_delegation_blocks", Integer, nullable=False),
    Column("opened_at", BigInteger, nullable=False),
    Column("closes_at", BigInteger, nullable=False, index=True),
    Column("closed_at", BigInteger, nullable=True),
    Column("root", String(66), nullable=True),
    Column("anchor_tx", String(66), nullable=True),
    Column("scored_epoch", BigInteger, nullable=True),
)

moderation_items = Table(
    "moderation_items",
    metadata,
    Column("round_id", BigInteger, primary_key=True, autoincrement=False),
    Column("post_id", String(128), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
    Column("decision", Integer, nullable=True),
    Column("derank_weight", UInt256, nullable=True),
    Column("keep_weight", UInt256, nullable=True),
    Column("cast_weight", UInt256, nullable=True),
    Column("ballots", Integer, nullable=True),
    Column("ceiling", UInt256, nullable=True),
    Column("quorum_met", Boolean, nullable=True),
    Column("brigading", Text, nullable=True),  # JSON of the flag, when flagged
)

moderation_ballots = Table(
    "moderation_ballots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("round_id", BigInteger, nullable=False, index=True),
    Column("post_id", String(128), nullable=False),
    Column("wallet", String(42), nullable=False),
    Column("choice", Integer, nullable=False),
    Column("weight", UInt256, nullable=False),
    Column("member_id", BigInteger, nullable=False),
    Column("cast_at", BigInteger, nullable=False),
    UniqueConstraint("round_id", "post_id", "wallet", name="uq_moderation_ballot_wallet"),
)

classifier_standings = Table(
    "classifier_standings",
    metadata,
    Column("epoch", BigInteger, primary_key=True, autoincrement=False),
    Column("classifier_id", BigInteger, primary_key=True, autoincrement=False),
    Column("items", Integer, nullable=False),
    Column("correlation", Float, nullable=False),
    Column("contribution", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("reputation", Float, nullable=False),
    Column("epochs", Integer, nullable=False),
    Column("bounty_bps", Integer, nullable=False),
)
