"""Chain watcher tables: sync state (cursor, recent blocks, applied logs, notices) and the governance mirror.

Every table marked ``info={"derived": True}`` holds rows derived from a block (``block_number``) and is
rolled back generically when a reorg replaces that block. Balances and voting power are stored as the
value after each block that changed them, so "at block N" is the newest row at or below N.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, SmallInteger, String, Table, Text

from governance.adapters.db.schema import metadata
from governance.adapters.db.types import UInt256

__all__ = [
    "chain_blocks",
    "chain_contracts",
    "chain_cursors",
    "chain_logs",
    "chain_notices",
    "delegations",
    "proposal_events",
    "proposal_transitions",
    "proposals",
    "share_balances",
    "timelock_calls",
    "token_balances",
    "votes",
    "voting_power",
]

DERIVED = {"derived": True}


def _log_columns() -> list[Column[object]]:
    return [
        Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
        Column("tx_hash", String(66), primary_key=True),
        Column("log_index", Integer, primary_key=True, autoincrement=False),
        Column("block_number", BigInteger, nullable=False),
    ]


chain_cursors = Table(
    "chain_cursors",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(40), primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("block_hash", String(66), nullable=False),
    Column("block_time", BigInteger, nullable=False),
)

chain_contracts = Table(
    "chain_contracts",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("role", String(20), primary_key=True),
    Column("address", String(42), nullable=False),
    Column("clock_mode", String(20), nullable=False, default="blocknumber"),
)

chain_blocks = Table(
    "chain_blocks",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("block_hash", String(66), nullable=False),
    info=DERIVED,
)

chain_logs = Table(
    "chain_logs",
    metadata,
    *_log_columns(),
    Column("address", String(42), nullable=False),
    Column("event", String(40), nullable=False),
    Index("ix_chain_logs_block", "chain_id", "block_number"),
    info=DERIVED,
)

chain_notices = Table(
    "chain_notices",
    metadata,
    Column("dedupe_key", String(200), primary_key=True),
    Column("chain_id", BigInteger, nullable=False),
    Column("block_number", BigInteger, nullable=False),
    Column("retracted", Boolean, nullable=False, default=False),
    Index("ix_chain_notices_block", "chain_id", "block_number"),
)

proposals = Table(
    "proposals",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("proposal_id", UInt256, primary_key=True),
    Column("governor", String(42), nullable=False),
    Column("proposer", String(42), nullable=False),
    Column("targets", Text, nullable=False),
    Column("amounts", Text, nullable=False),
    Column("calldatas", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("vote_start", BigInteger, nullable=False),
    Column("vote_end", BigInteger, nullable=False),
    Column("timelock_operation", String(66), nullable=True, index=True),
    Column("block_number", BigInteger, nullable=False),
    Column("tx_hash", String(66), nullable=False),
    Column("log_index", Integer, nullable=False),
    info=DERIVED,
)

proposal_events = Table(
    "proposal_events",
    metadata,
    *_log_columns(),
    Column("proposal_id", UInt256, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("source", String(20), nullable=False),
    Column("eta", BigInteger, nullable=True),
    Index("ix_proposal_events_proposal", "chain_id", "proposal_id"),
    info=DERIVED,
)

proposal_transitions = Table(
    "proposal_transitions",
    metadata,
    Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
    Column("proposal_id", UInt256, primary_key=True),
    Column("stage", String(20), primary_key=True),
    Column("state", SmallInteger, nullable=True),
    Column("quorum", UInt256, nullable=True),
    Column("block_number", BigInteger, nullable=False),
    info=DERIVED,
)

votes = Table(
    "votes",
    metadata,
    *_log_columns(),
    Column("proposal_id", UInt256, nullable=False),
    Column("voter", String(42), nullable=False),
    Column("support", SmallInteger, nullable=False),
    Column("weight", UInt256, nullable=False),
    Column("reason", Text, nullable=False),
    Column("params", Text, nullable=True),
    Index("ix_votes_proposal", "chain_id", "proposal_id"),
    info=DERIVED,
)

timelock_calls = Table(
    "timelock_calls",
    metadata,
    *_log_columns(),
    Column("operation", String(66), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("call_index", Integer, nullable=True),
    Column("target", String(42), nullable=True),
    Column("amount", UInt256, nullable=True),
    Column("data", Text, nullable=True),
    Column("delay", BigInteger, nullable=True),
    info=DERIVED,
)

delegations = Table(
    "delegations",
    metadata,
    *_log_columns(),
    Column("delegator", String(42), nullable=False, index=True),
    Column("from_delegate", String(42), nullable=False),
    Column("to_delegate", String(42), nullable=False),
    info=DERIVED,
)


def _register(name: str, *key: Column[object], value: str) -> Table:
    return Table(
        name,
        metadata,
        Column("chain_id", BigInteger, primary_key=True, autoincrement=False),
        *key,
        Column("account", String(42), primary_key=True),
        Column("block_number", BigInteger, primary_key=True, autoincrement=False),
        Column(value, UInt256, nullable=False),
        info=DERIVED,
    )


voting_power = _register("voting_power", value="votes")
token_balances = _register("token_balances", value="balance")
share_balances = _register(
    "share_balances", Column("classifier_id", UInt256, primary_key=True), value="balance"
)
