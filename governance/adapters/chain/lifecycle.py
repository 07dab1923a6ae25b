"""Lifecycle steps no log announces: voting opened, and voting closed (outcome read from ``state()``).

With a block-number clock each step is pinned to the first block past the boundary (``vote_start + 1``,
``vote_end + 1``), so the outcome read there does not depend on how the watcher split its ranges. With a
timestamp clock the step is taken at the block where the watcher noticed it.
"""

from __future__ import annotations

import logging

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode

from governance.adapters.chain.abi import function_selector
from governance.adapters.chain.catalog import Role
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.chain.rpc import CallReverted
from governance.adapters.chain.source import ChainSource
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain import events as ev
from governance.domain.chain_records import ProposalState

__all__ = ["advance_lifecycle", "read_outcome"]

log = logging.getLogger(__name__)
_STATE = function_selector("state(uint256)")
_QUORUM = function_selector("quorum(uint256)")


async def _read_uint(source: ChainSource, to: str, selector: bytes, argument: int, block: int) -> int | None:
    try:
        raw = await source.call(to, selector + abi_encode(["uint256"], [argument]), block)
    except CallReverted:
        return None
    return int(abi_decode(["uint256"], raw)[0]) if len(raw) >= 32 else None


async def read_outcome(source: ChainSource, governor: str, proposal_id: int, vote_start: int,
                       block: int) -> tuple[ProposalState | None, int | None]:
    """The Governor's own ``state(id)`` and ``quorum(voteStart)`` at ``block`` (None where it reverts)."""
    state = await _read_uint(source, governor, _STATE, proposal_id, block)
    quorum = await _read_uint(source, governor, _QUORUM, vote_start, block)
    known = state if state is not None and state in ProposalState._value2member_map_ else None
    return (ProposalState(known) if known is not None else None), quorum


def _pinned(targets: WatchTargets, boundary: int, created: int, last: int) -> int:
    """The block a lifecycle step belongs to: never before the proposal existed."""
    return max(boundary + 1, created) if targets.clock_mode == "blocknumber" else last


async def advance_lifecycle(uow: SqlAlchemyUnitOfWork, source: ChainSource, targets: WatchTargets, last: int,
                            clock: int) -> list[ev.ChainEvent]:
    """Record (and announce) every start and end of voting that the clock passed, once each."""
    governor = targets.addresses.get(Role.GOVERNOR)
    if governor is None:
        return []
    chain_id = targets.chain_id
    out: list[ev.ChainEvent] = []
    rows: list[dict[str, object]] = []
    for proposal_id, vote_start, vote_end, created in await uow.chain.due_transitions(
        chain_id, "voting_started", clock
    ):
        block = _pinned(targets, vote_start, created, last)
        rows.append(_row(chain_id, proposal_id, "voting_started", block))
        out.append(ev.VotingStarted(ev.ChainPosition(chain_id, block), proposal_id, vote_end))
    ended = await uow.chain.due_transitions(chain_id, "voting_ended", clock)
    tallies = await uow.chain.tallies(chain_id, [proposal_id for proposal_id, *_ in ended])
    for proposal_id, vote_start, vote_end, created in ended:
        block = _pinned(targets, vote_end, created, last)
        state, quorum = await read_outcome(source, governor, proposal_id, vote_start, block)
        rows.append(_row(chain_id, proposal_id, "voting_ended", block, state, quorum))
        tally = tallies[proposal_id]
        outcome = state.label if state is not None else "Unknown"
        out.append(ev.VotingEnded(ev.ChainPosition(chain_id, block), proposal_id, outcome, tally.votes_for,
                                  tally.votes_against, tally.votes_abstain, quorum))
    await uow.chain_sync.insert_rows("proposal_transitions", rows)
    return out


def _row(chain_id: int, proposal_id: int, stage: str, block: int, state: ProposalState | None = None,
         quorum: int | None = None) -> dict[str, object]:
    return {
        "chain_id": chain_id,
        "proposal_id": proposal_id,
        "stage": stage,
        "state": int(state) if state is not None else None,
        "quorum": quorum,
        "block_number": block,
    }
