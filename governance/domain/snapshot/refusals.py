"""The sequencer's refusals: the ``error_description`` strings Snapshot sends, and what they mean to a member.

The local sequencer (``governance.adapters.snapshot.testing``) refuses with the same strings,
and the client turns either into the project's error tree through ``refusal_error``.
"""

from __future__ import annotations

from governance.domain.errors import (
    DaobotError,
    InvalidInput,
    NotAuthorized,
    NotFound,
    SignatureRejected,
    WrongState,
)

__all__ = [
    "ALREADY_VOTED_LATER",
    "ALREADY_VOTED_SAME_TIME",
    "DUPLICATE_MESSAGE",
    "INVALID_CHOICE",
    "NOT_IN_VOTING_WINDOW",
    "NO_VOTING_POWER",
    "SIGNATURE_FAILED",
    "UNKNOWN_PROPOSAL",
    "UNKNOWN_SPACE",
    "WRONG_DOMAIN",
    "WRONG_ENVELOPE",
    "WRONG_FROM",
    "WRONG_PROPOSAL_FORMAT",
    "WRONG_TIMESTAMP",
    "WRONG_TYPES",
    "WRONG_VOTE_FORMAT",
    "refusal_error",
]

WRONG_ENVELOPE = "wrong envelope format"
WRONG_TIMESTAMP = "wrong timestamp"
WRONG_DOMAIN = "wrong domain"
WRONG_TYPES = "wrong types"
UNKNOWN_SPACE = "unknown space"
WRONG_FROM = "wrong from"
SIGNATURE_FAILED = "signature validation failed"
DUPLICATE_MESSAGE = "duplicate message"
WRONG_VOTE_FORMAT = "wrong vote format"
WRONG_PROPOSAL_FORMAT = "wrong proposal format"
UNKNOWN_PROPOSAL = "unknown proposal"
NOT_IN_VOTING_WINDOW = "not in voting window"
INVALID_CHOICE = "invalid choice"
NO_VOTING_POWER = "no voting power"
ALREADY_VOTED_LATER = "already voted at later time"
ALREADY_VOTED_SAME_TIME = "already voted same time with lower index"

_MEANINGS: dict[str, tuple[type[DaobotError], str]] = {
    WRONG_TIMESTAMP: (SignatureRejected, "the signed message is too old or dated in the future; sign again"),
    SIGNATURE_FAILED: (SignatureRejected, "the signature does not match the wallet"),
    WRONG_FROM: (SignatureRejected, "the message was signed by another wallet than the one it names"),
    DUPLICATE_MESSAGE: (SignatureRejected, "this exact signed message was already submitted"),
    WRONG_DOMAIN: (SignatureRejected, "the message was not signed for Snapshot"),
    WRONG_TYPES: (SignatureRejected, "the message has a shape Snapshot does not accept"),
    WRONG_ENVELOPE: (InvalidInput, "the message is malformed"),
    WRONG_VOTE_FORMAT: (InvalidInput, "the vote is malformed (reason up to 5,000 characters, app up to 24)"),
    WRONG_PROPOSAL_FORMAT: (InvalidInput, "the proposal is malformed"),
    INVALID_CHOICE: (InvalidInput, "that choice is not valid for this proposal's voting type"),
    UNKNOWN_SPACE: (NotFound, "Snapshot does not know this space"),
    UNKNOWN_PROPOSAL: (NotFound, "Snapshot does not know this proposal in this space"),
    NOT_IN_VOTING_WINDOW: (WrongState, "the proposal is not open for voting"),
    ALREADY_VOTED_LATER: (WrongState, "a newer vote of yours is already recorded"),
    ALREADY_VOTED_SAME_TIME: (WrongState, "another vote of yours with the same time is already recorded"),
    NO_VOTING_POWER: (NotAuthorized, "your wallet has no voting power on this proposal"),
}


def refusal_error(description: str) -> DaobotError:
    """The project error for a sequencer refusal; the message quotes Snapshot's own words."""
    kind, meaning = _MEANINGS.get(description, (InvalidInput, "see Snapshot's reason"))
    return kind(f"Snapshot refused it ({description}): {meaning}.")
