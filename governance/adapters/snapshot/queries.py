"""The GraphQL documents the client sends to a Snapshot hub, and the mapping of their answers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from governance.domain.addresses import parse_address
from governance.domain.errors import ExternalServiceError, InvalidInput
from governance.domain.snapshot import CastChoice, Proposal, Vote, VotingPower

__all__ = [
    "PROPOSAL",
    "PROPOSALS",
    "VOTES",
    "VP",
    "proposal_from",
    "vote_from",
    "voting_power_from",
]

_PROPOSAL_FIELDS = """
    id title body choices type start end snapshot state author
    scores scores_total votes
    space { id }
"""

PROPOSALS = """
query Proposals($space: String!, $first: Int!, $skip: Int!, $state: String!) {
  proposals(first: $first, skip: $skip, where: {space: $space, state: $state},
            orderBy: "created", orderDirection: desc) {%s}
}""" % _PROPOSAL_FIELDS  # noqa: UP031

PROPOSAL = """
query Proposal($id: String!) {
  proposal(id: $id) {%s}
}""" % _PROPOSAL_FIELDS  # noqa: UP031

VOTES = """
query Votes($proposal: String!, $first: Int!, $skip: Int!) {
  votes(first: $first, skip: $skip, where: {proposal: $proposal},
        orderBy: "created", orderDirection: asc) {
    id voter choice vp reason created
  }
}"""

VP = """
query Vp($voter: String!, $space: String!, $proposal: String!) {
  vp(voter: $voter, space: $space, proposal: $proposal) {
    vp vp_by_strategy vp_state
  }
}"""


def _decimal(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def _choice(raw: Any) -> CastChoice:
    if isinstance(raw, bool) or raw is None:
        raise ValueError("no choice")
    if isinstance(raw, int | str):
        return raw
    if isinstance(raw, list):
        return tuple(int(c) for c in raw)
    if isinstance(raw, Mapping):
        return {int(k): _decimal(v) for k, v in raw.items()}
    raise ValueError("unknown choice shape")


def _bad_answer(exc: Exception) -> ExternalServiceError:
    return ExternalServiceError(f"The Snapshot hub sent an answer daobot cannot read ({type(exc).__name__}).")


def proposal_from(raw: Mapping[str, Any]) -> Proposal:
    try:
        return Proposal(
            id=str(raw["id"]), space=str((raw.get("space") or {}).get("id", "")), author=str(raw["author"]),
            title=str(raw["title"]), body=str(raw["body"] or ""), choices=tuple(str(c) for c in raw["choices"]),
            type=str(raw["type"]), start=int(raw["start"]), end=int(raw["end"]),
            snapshot=int(raw["snapshot"] or 0), state=str(raw["state"]),
            scores=tuple(_decimal(s) for s in raw.get("scores") or ()),
            scores_total=_decimal(raw.get("scores_total")), votes=int(raw.get("votes") or 0),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise _bad_answer(exc) from exc


def vote_from(raw: Mapping[str, Any]) -> Vote:
    try:
        return Vote(
            id=str(raw["id"]), voter=parse_address(str(raw["voter"])), choice=_choice(raw["choice"]),
            vp=_decimal(raw.get("vp")), reason=str(raw.get("reason") or ""), created=int(raw["created"]),
        )
    except (KeyError, TypeError, ValueError, ArithmeticError, InvalidInput) as exc:
        raise _bad_answer(exc) from exc


def voting_power_from(raw: Mapping[str, Any]) -> VotingPower:
    try:
        by_strategy = tuple(_decimal(v) for v in raw.get("vp_by_strategy") or ())
        return VotingPower(_decimal(raw.get("vp")), by_strategy, str(raw.get("vp_state") or ""))
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise _bad_answer(exc) from exc
