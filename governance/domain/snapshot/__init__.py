"""Snapshot (off-chain voting) rules and values: voting types, choices, EIP-712 messages, hub data.

Standard library only. Signing, verifying and talking to a hub live in
``governance.adapters.snapshot``; the use cases in ``governance.services.snapshot``.
"""

from governance.domain.snapshot.choices import (
    Choice,
    VotingType,
    choice_problem,
    describe_choice,
    parse_choice_text,
    parse_voting_type,
    validate_choice,
)
from governance.domain.snapshot.models import CastChoice, Proposal, Receipt, Vote, VotingPower
from governance.domain.snapshot.refusals import refusal_error
from governance.domain.snapshot.typed_data import (
    DOMAIN_NAME,
    DOMAIN_VERSION,
    PROPOSAL_FIELDS,
    JsonValue,
    MessageValue,
    SignedEnvelope,
    TypedData,
    TypedField,
    encode_choice,
    js_json,
    proposal_typed_data,
    typed_data_from_data,
    vote_fields,
    vote_typed_data,
)

__all__ = [
    "DOMAIN_NAME",
    "DOMAIN_VERSION",
    "PROPOSAL_FIELDS",
    "CastChoice",
    "Choice",
    "JsonValue",
    "MessageValue",
    "Proposal",
    "Receipt",
    "SignedEnvelope",
    "TypedData",
    "TypedField",
    "Vote",
    "VotingPower",
    "VotingType",
    "choice_problem",
    "describe_choice",
    "encode_choice",
    "js_json",
    "parse_choice_text",
    "parse_voting_type",
    "proposal_typed_data",
    "refusal_error",
    "typed_data_from_data",
    "validate_choice",
    "vote_fields",
    "vote_typed_data",
]
