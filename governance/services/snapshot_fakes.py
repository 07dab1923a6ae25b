"""In-memory stand-ins for the Snapshot ports, for unit tests of services and of the bot."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.domain.addresses import Address
from governance.domain.errors import DaobotError, SignatureRejected
from governance.domain.snapshot import Proposal, Receipt, SignedEnvelope, TypedData

__all__ = ["FakeSignatureVerifier", "FakeSnapshotHub"]


@dataclass
class FakeSnapshotHub:
    """Knows ``proposals``; records each submitted envelope, or raises ``refusal`` when set."""

    proposals: dict[str, Proposal] = field(default_factory=dict)
    submitted: list[SignedEnvelope] = field(default_factory=list)
    refusal: DaobotError | None = None

    def add(self, proposal: Proposal) -> Proposal:
        self.proposals[proposal.id] = proposal
        return proposal

    async def proposal(self, proposal_id: str) -> Proposal | None:
        return self.proposals.get(proposal_id)

    async def submit(self, envelope: SignedEnvelope) -> Receipt:
        if self.refusal is not None:
            raise self.refusal
        self.submitted.append(envelope)
        return Receipt(id=f"0x{len(self.submitted):064x}", ipfs=f"fake-{len(self.submitted)}")


@dataclass
class FakeSignatureVerifier:
    """``signers`` maps a signature string to the wallet that "made" it; anything else is rejected."""

    signers: dict[str, Address] = field(default_factory=dict)

    def recover(self, typed: TypedData, signature: str) -> Address:
        try:
            return self.signers[signature]
        except KeyError:
            raise SignatureRejected("The signature is not valid.") from None
