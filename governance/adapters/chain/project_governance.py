"""Handlers for the Governor, its TimelockController and the votes token.

A timelock operation is tied to its proposal by recomputing the id the Governor gives it
(``hashOperationBatch(targets, values, calldatas, 0, bytes20(governor) ^ descriptionHash)``), so a cancel
or an execution done directly on the timelock, which the Governor never logs, still reaches the proposal.
"""

from __future__ import annotations

import json

from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from governance.adapters.chain.abi import DecodedLog
from governance.adapters.chain.projection import ZERO, Handler, Projection
from governance.domain import events as ev

__all__ = ["GOVERNANCE_HANDLERS", "timelock_operation_id"]


def timelock_operation_id(governor: str, targets: list[str], amounts: list[int], calldatas: list[str],
                          description: str) -> str:
    description_hash = keccak(text=description)
    prefix = bytes.fromhex(governor[2:]) + bytes(12)
    salt = bytes(a ^ b for a, b in zip(prefix, description_hash, strict=True))
    payloads = [bytes.fromhex(data[2:]) for data in calldatas]
    encoded = abi_encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"], [targets, amounts, payloads, bytes(32), salt]
    )
    return "0x" + keccak(encoded).hex()


def _proposal_created(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    operation = timelock_operation_id(d.log.address, a["targets"], a["values"], a["calldatas"], a["description"])
    ctx.operations[operation] = a["proposalId"]
    ctx.rows["proposals"].append(
        {
            "chain_id": ctx.chain_id,
            "proposal_id": a["proposalId"],
            "governor": to_checksum_address(d.log.address),
            "proposer": a["proposer"],
            "targets": json.dumps(a["targets"]),
            "amounts": json.dumps([str(v) for v in a["values"]]),
            "calldatas": json.dumps(a["calldatas"]),
            "description": a["description"],
            "vote_start": a["voteStart"],
            "vote_end": a["voteEnd"],
            "timelock_operation": operation,
            "block_number": d.log.block_number,
            "tx_hash": d.log.tx_hash,
            "log_index": d.log.log_index,
        }
    )
    ctx.emit(ev.ProposalCreated(ctx.position(d), a["proposalId"], a["proposer"], a["description"],
                                a["voteStart"], a["voteEnd"]))


def _lifecycle(ctx: Projection, d: DecodedLog, proposal_id: int, kind: str, source: str,
               eta: int | None = None) -> None:
    ctx.fact("proposal_events", d, proposal_id=proposal_id, kind=kind, source=source, eta=eta)
    at = ctx.position(d)
    event: ev.ChainEvent
    if kind == "queued":
        event = ev.ProposalQueued(at, proposal_id, eta)
    elif kind == "executed":
        event = ev.ProposalExecuted(at, proposal_id, source)
    else:
        event = ev.ProposalCanceled(at, proposal_id, source)
    ctx.emit(event, weak=source == "timelock")


def _queued(ctx: Projection, d: DecodedLog) -> None:
    _lifecycle(ctx, d, d.args["proposalId"], "queued", "governor", d.args["etaSeconds"])


def _executed(ctx: Projection, d: DecodedLog) -> None:
    _lifecycle(ctx, d, d.args["proposalId"], "executed", "governor")


def _canceled(ctx: Projection, d: DecodedLog) -> None:
    _lifecycle(ctx, d, d.args["proposalId"], "canceled", "governor")


def _vote(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    params = a.get("params")
    ctx.fact("votes", d, proposal_id=a["proposalId"], voter=a["voter"], support=a["support"],
             weight=a["weight"], reason=a["reason"], params=params)
    ctx.emit(ev.VoteCast(ctx.position(d), a["proposalId"], a["voter"], a["support"], a["weight"], a["reason"]))


def _timelock_call(ctx: Projection, d: DecodedLog, kind: str) -> None:
    a = d.args
    ctx.fact("timelock_calls", d, operation=a["id"], kind=kind, call_index=a.get("index"), target=a.get("target"),
             amount=a.get("value"), data=a.get("data"), delay=a.get("delay"))
    proposal_id = ctx.operations.get(a["id"])
    if proposal_id is None:
        return
    if kind == "executed":
        _lifecycle(ctx, d, proposal_id, "executed", "timelock")
    elif kind == "cancelled":
        _lifecycle(ctx, d, proposal_id, "canceled", "timelock")


def _transfer(ctx: Projection, d: DecodedLog) -> None:
    a, block = d.args, d.log.block_number
    if a["from"] != ZERO:
        ctx.registers.add("token_balances", (a["from"],), block, -a["value"])
    if a["to"] != ZERO:
        ctx.registers.add("token_balances", (a["to"],), block, a["value"])


def _delegate_changed(ctx: Projection, d: DecodedLog) -> None:
    a = d.args
    ctx.fact("delegations", d, delegator=a["delegator"], from_delegate=a["fromDelegate"], to_delegate=a["toDelegate"])


def _delegate_votes(ctx: Projection, d: DecodedLog) -> None:
    ctx.registers.set("voting_power", (d.args["delegate"],), d.log.block_number, d.args["newVotes"])


GOVERNANCE_HANDLERS: dict[str, Handler] = {
    "ProposalCreated": _proposal_created,
    "ProposalQueued": _queued,
    "ProposalExecuted": _executed,
    "ProposalCanceled": _canceled,
    "VoteCast": _vote,
    "VoteCastWithParams": _vote,
    "CallScheduled": lambda ctx, d: _timelock_call(ctx, d, "scheduled"),
    "CallExecuted": lambda ctx, d: _timelock_call(ctx, d, "executed"),
    "Cancelled": lambda ctx, d: _timelock_call(ctx, d, "cancelled"),
    "Transfer": _transfer,
    "DelegateChanged": _delegate_changed,
    "DelegateVotesChanged": _delegate_votes,
}
