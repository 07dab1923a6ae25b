"""Use cases of the Snapshot bridge: prepare a member's vote for signing, then submit it once signed.

The Discord layer calls ``prepare_vote`` (or ``load_and_prepare_vote``) when a member picks a
choice, sends ``PreparedVote.typed_data.wallet_request()`` to the member's wallet through the
signing page, and calls ``submit_signed_vote`` with the signature the wallet returns. The
typed data must be the one prepared here, kept server side, never the page's copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput, NotAuthorized, NotFound, SignatureRejected
from governance.domain.snapshot import (
    Choice,
    Proposal,
    Receipt,
    SignedEnvelope,
    TypedData,
    describe_choice,
    parse_choice_text,
    vote_typed_data,
)

__all__ = [
    "MAX_REASON",
    "PreparedVote",
    "SignatureVerifier",
    "SnapshotHub",
    "load_and_prepare_vote",
    "prepare_vote",
    "submit_signed_vote",
]

MAX_REASON = 5000


class SnapshotHub(Protocol):
    """Reads a proposal and submits signed envelopes (``SnapshotHubClient``, ``FakeSnapshotHub``)."""

    async def proposal(self, proposal_id: str) -> Proposal | None: ...

    async def submit(self, envelope: SignedEnvelope) -> Receipt: ...


class SignatureVerifier(Protocol):
    """Recovers the wallet that signed typed data (``EthAccountSignatures``, ``FakeSignatureVerifier``)."""

    def recover(self, typed: TypedData, signature: str) -> Address: ...


@dataclass(frozen=True)
class PreparedVote:
    proposal: Proposal
    choice: Choice
    typed_data: TypedData

    @property
    def summary(self) -> str:
        """The ballot in words, to show the member before they sign."""
        return describe_choice(self.choice, self.proposal.choices)


def prepare_vote(
    member_wallet: str, proposal: Proposal, choice_text: str, *, now: int, reason: str = "", app: str = "daobot"
) -> PreparedVote:
    """Build the message a member signs to vote ``choice_text`` (names or numbers) on ``proposal``.

    Raises ``WrongState`` outside the voting window and ``InvalidInput`` for a choice the
    proposal's voting type does not accept, each with a message for the member.
    """
    wallet = parse_address(member_wallet, what="linked wallet")
    proposal.require_open(now)
    voting_type = proposal.voting_type
    choice = parse_choice_text(voting_type, choice_text, proposal.choices)
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"A reason can be at most {MAX_REASON:,} characters long.")
    typed = vote_typed_data(voter=wallet, space=proposal.space, proposal_id=proposal.id, voting_type=voting_type,
                            choice=choice, timestamp=now, reason=reason, app=app)
    return PreparedVote(proposal, choice, typed)


async def load_and_prepare_vote(
    hub: SnapshotHub, member_wallet: str, proposal_id: str, choice_text: str, *, now: int, reason: str = "",
    app: str = "daobot",
) -> PreparedVote:
    proposal = await hub.proposal(proposal_id)
    if proposal is None:
        raise NotFound("There is no such Snapshot proposal.")
    return prepare_vote(member_wallet, proposal, choice_text, now=now, reason=reason, app=app)


async def submit_signed_vote(
    hub: SnapshotHub, verifier: SignatureVerifier, typed_data: TypedData, signature: str, expected_wallet: str
) -> Receipt:
    """Submit a signed vote once its signer is the member's linked wallet; refusals keep Snapshot's reason."""
    expected = parse_address(expected_wallet, what="linked wallet")
    if typed_data.primary_type != "Vote":
        raise InvalidInput("Only votes can be submitted this way.")
    if parse_address(typed_data.signer) != expected:
        raise NotAuthorized("This vote names another wallet than the one linked to your account.")
    signer = verifier.recover(typed_data, signature)
    if signer != expected:
        raise SignatureRejected(
            f"The vote was signed by {signer[:6]}…{signer[-4:]}, not by your linked wallet "
            f"{expected[:6]}…{expected[-4:]}. Switch accounts in your wallet and sign again."
        )
    return await hub.submit(SignedEnvelope(expected, signature, typed_data))
