"""The checks Snapshot's sequencer runs on a signed envelope, in the same order, with the same refusals.

Envelope: shape, size, timestamp window (at most 300 s ahead, at most 3 days old), domain,
known types (by the SHA-256 of their JSON), known space, ``address`` equal to ``from``
(aliases are not supported here), EIP-712 signature recovery, duplicate message id.
Votes: format (reason ≤ 5,000 characters, app ≤ 24, metadata ≤ 2,000), proposal known in
that space, both the signed time and the arrival time inside [start, end], choice valid for
the voting type, voting power above zero. A voter's later vote replaces the earlier one, as
on Snapshot; a vote signed earlier than the recorded one is refused (``already voted at
later time``), and so is one signed in the same second whose id does not sort after it.
Proposals: title, choices and period checked; the author must be a space admin or member or
hold voting power (a simplification of Snapshot's validation strategies).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from governance.adapters.snapshot.signing import message_id_from_data, recover_signer_from_data
from governance.adapters.snapshot.testing.state import HubState, LocalProposal, StoredVote
from governance.domain.addresses import Address, parse_address
from governance.domain.errors import DaobotError
from governance.domain.snapshot import (
    DOMAIN_NAME,
    DOMAIN_VERSION,
    PROPOSAL_FIELDS,
    TypedData,
    VotingType,
    choice_problem,
    js_json,
    vote_fields,
)
from governance.domain.snapshot import refusals as r

__all__ = ["KNOWN_TYPES", "Refused", "ingest"]

FUTURE_TOLERANCE = 300
MAX_AGE = 3 * 24 * 3600
KNOWN_TYPES = {
    TypedData(p, f, ("",) * len(f)).types_hash(): kind
    for p, f, kind in (
        ("Vote", vote_fields("uint32"), "vote"), ("Vote", vote_fields("uint32[]"), "vote-array"),
        ("Vote", vote_fields("string"), "vote-string"), ("Proposal", PROPOSAL_FIELDS, "proposal"),
    )
}


class Refused(Exception):
    """The sequencer refuses; ``description`` is its ``error_description``."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _shape(body: object) -> tuple[str, str, dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise Refused(r.WRONG_ENVELOPE)
    data = body["data"]
    parts_ok = all(isinstance(data.get(k), dict) for k in ("domain", "types", "message"))
    if not (parts_ok and isinstance(body.get("address"), str) and isinstance(body.get("sig"), str)):
        raise Refused(r.WRONG_ENVELOPE)
    return body["address"], body["sig"], data


def _check_envelope(state: HubState, address: str, sig: str, data: dict[str, Any]) -> str:
    now, message = state.clock(), data["message"]
    timestamp = message.get("timestamp")
    if not isinstance(timestamp, int) or timestamp > now + FUTURE_TOLERANCE or timestamp < now - MAX_AGE:
        raise Refused(r.WRONG_TIMESTAMP)
    if data["domain"].get("name") != DOMAIN_NAME or data["domain"].get("version") != DOMAIN_VERSION:
        raise Refused(r.WRONG_DOMAIN)
    types = {k: v for k, v in data["types"].items() if k != "EIP712Domain"}
    kind = KNOWN_TYPES.get(_sha256(js_json(types)))
    if kind is None:
        raise Refused(r.WRONG_TYPES)
    if message.get("space") not in state.spaces:
        raise Refused(r.UNKNOWN_SPACE)
    if address != message.get("from"):
        raise Refused(r.WRONG_FROM)
    try:
        signer_ok = recover_signer_from_data({**data, "types": types}, sig).lower() == address.lower()
    except DaobotError:
        signer_ok = False
    if not signer_ok:
        raise Refused(r.SIGNATURE_FAILED)
    return kind


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vote_choice(kind: str, raw: Any) -> Any:
    if kind != "vote-string":
        return raw
    try:
        return json.loads(raw, parse_float=Decimal)
    except (TypeError, ValueError):
        raise Refused(r.INVALID_CHOICE) from None


def _check_vote(state: HubState, kind: str, message: Mapping[str, Any]) -> tuple[LocalProposal, Any]:
    reason, app, metadata = message.get("reason", ""), message.get("app", ""), message.get("metadata", "{}")
    if not isinstance(reason, str) or len(reason) > 5000 or not isinstance(app, str) or len(app) > 24:
        raise Refused(r.WRONG_VOTE_FORMAT)
    if isinstance(metadata, str) and len(metadata) > 2000:
        raise Refused("too large metadata")
    proposal = state.proposal_in(str(message["space"]), str(message.get("proposal")))
    if proposal is None:
        raise Refused(r.UNKNOWN_PROPOSAL)
    now, signed_at = state.clock(), int(message["timestamp"])
    if not (proposal.start <= signed_at <= proposal.end and proposal.start <= now <= proposal.end):
        raise Refused(r.NOT_IN_VOTING_WINDOW)
    choice = _vote_choice(kind, message.get("choice"))
    if choice_problem(proposal.type, choice, proposal.choices) is not None:
        raise Refused(r.INVALID_CHOICE)
    return proposal, choice


def _store_vote(state: HubState, message_id: str, kind: str, message: Mapping[str, Any]) -> None:
    proposal, choice = _check_vote(state, kind, message)
    voter = parse_address(str(message["from"]))
    vp = state.power_of(proposal.space, voter)
    if vp <= 0:
        raise Refused(r.NO_VOTING_POWER)
    created = int(message["timestamp"])
    earlier = state.votes.get(proposal.id, {}).get(voter)
    if earlier is not None and earlier.created > created:
        raise Refused(r.ALREADY_VOTED_LATER)
    if earlier is not None and earlier.created == created and message_id <= earlier.id:
        raise Refused(r.ALREADY_VOTED_SAME_TIME)
    vote = StoredVote(message_id, voter, choice, vp, str(message.get("reason", "")),
                      str(message.get("app", "")), created)
    state.record_vote(proposal.id, vote)


def _store_proposal(state: HubState, message_id: str, message: Mapping[str, Any]) -> None:
    space, author = state.spaces[str(message["space"])], parse_address(str(message["from"]))
    try:
        voting_type = VotingType(str(message.get("type")))
    except ValueError:
        raise Refused(r.WRONG_PROPOSAL_FORMAT) from None
    title, choices = message.get("title", ""), list(message.get("choices") or [])
    start, end = message.get("start"), message.get("end")
    well_formed = (
        isinstance(title, str) and 1 <= len(title) <= 256 and choices
        and all(isinstance(c, str) and 1 <= len(c) <= 256 for c in choices)
        and isinstance(start, int) and isinstance(end, int) and 10**9 <= start < end <= 2 * 10**9
    )
    if not well_formed or not isinstance(start, int) or not isinstance(end, int):
        raise Refused(r.WRONG_PROPOSAL_FORMAT)
    if voting_type is VotingType.BASIC and len(choices) not in (2, 3):
        raise Refused("wrong choices for basic type voting")
    if author not in space.admins | space.members and state.power_of(space.id, author) <= 0:
        raise Refused("validation failed")
    state.add_proposal(LocalProposal(
        message_id, space.id, author, title, str(message.get("body", "")), tuple(choices), voting_type,
        start, end, int(message.get("snapshot") or 0), int(message["timestamp"]),
    ))


def ingest(state: HubState, body: object) -> dict[str, Any]:
    """Check and record one envelope; the answer is what the sequencer returns, or ``Refused``."""
    address, sig, data = _shape(body)
    if len(js_json(body)) > 100_000:
        raise Refused("too large message")
    kind = _check_envelope(state, address, sig, data)
    message_id = message_id_from_data(data)
    if message_id in state.message_ids:
        raise Refused(r.DUPLICATE_MESSAGE)
    if kind == "proposal":
        _store_proposal(state, message_id, data["message"])
    else:
        _store_vote(state, message_id, kind, data["message"])
    state.message_ids.add(message_id)
    return {"id": message_id, "ipfs": "bafylocal" + message_id[2:50],
            "relayer": {"address": Address("0x" + "00" * 20), "receipt": "local"}}
