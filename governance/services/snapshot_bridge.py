"""The Snapshot bridge in Discord: list a space's proposals, vote from Discord, announce proposals.

``start_snapshot_vote`` (``/snapshot vote``) checks the member is linked, the proposal belongs to
the configured space and is open, the choice fits its voting type, and that Snapshot reports
voting power for the wallet; it then makes a one-time signing request whose payload keeps the
typed data server side. ``SnapshotVoteHandler`` is what the signing page calls for that kind of
request: it signs nothing itself, checks the signer and submits the envelope to the sequencer.

``announce_proposals`` (a polling loop) enqueues one outbox notification per new state of each
proposal; the notifier edits one Discord message per proposal (``announcement_key``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from governance.domain.addresses import Address
from governance.domain.errors import InvalidInput, NotAuthorized, NotFound
from governance.domain.notifications import Notification
from governance.domain.signing import SigningKind, SigningRequest
from governance.domain.snapshot import Proposal, VotingPower, typed_data_from_data
from governance.ports import Clock, UnitOfWork
from governance.services import wallets
from governance.services.notifications import enqueue
from governance.services.snapshot import SignatureVerifier, SnapshotHub, prepare_vote, submit_signed_vote

__all__ = [
    "ANNOUNCEMENT_KIND",
    "RECENTLY_CLOSED",
    "SnapshotBridge",
    "SnapshotSpaceReader",
    "SnapshotVoteHandler",
    "SnapshotVoteStart",
    "announce_proposals",
    "announcement_key",
    "find_proposal",
    "format_decimal",
    "proposal_from_payload",
    "proposal_payload",
    "space_proposals",
    "start_snapshot_vote",
]

ANNOUNCEMENT_KIND = "snapshot.proposal"
RECENTLY_CLOSED = 7 * 24 * 3600  # closed proposals older than this are history, not news
_STATE_ORDER = {"active": 0, "pending": 1, "closed": 2}
MAX_REF = 100


class SnapshotSpaceReader(SnapshotHub, Protocol):
    """A hub that also lists a space's proposals and reports voting power (``SnapshotHubClient``)."""

    async def proposals(
        self, space: str, *, first: int = 20, skip: int = 0, state: str = "all"
    ) -> tuple[Proposal, ...]: ...

    async def voting_power(self, voter: str, space: str, proposal_id: str) -> VotingPower: ...


@dataclass(frozen=True)
class SnapshotBridge:
    """The configured space and the ports the bridge uses (built once by the Snapshot feature)."""

    hub: SnapshotSpaceReader
    verifier: SignatureVerifier
    space: str
    clock: Clock
    app: str = "daobot"


# --- reading the space --------------------------------------------------------------------------


async def space_proposals(bridge: SnapshotBridge, *, first: int = 20) -> tuple[Proposal, ...]:
    """The space's latest proposals: open ones first (ending soonest), then pending, then closed."""
    found = await bridge.hub.proposals(bridge.space, first=first)
    return tuple(sorted(found, key=lambda p: (_STATE_ORDER.get(p.state, 3), p.end if p.state != "closed" else -p.end)))


async def find_proposal(bridge: SnapshotBridge, ref: str) -> Proposal:
    """The space's proposal named by its full id, or by the start of its id among the latest ones."""
    ref = ref.strip()
    if not ref or len(ref) > MAX_REF:
        raise InvalidInput("Give the proposal's id as /snapshot proposals shows it.")
    proposal = await bridge.hub.proposal(ref)
    if proposal is None:
        matches = [p for p in await bridge.hub.proposals(bridge.space, first=50)
                   if p.id.lower().startswith(ref.lower())]
        if len(matches) > 1:
            raise InvalidInput(f"“{ref}” is the start of several proposals' ids; give more of it.")
        proposal = matches[0] if matches else None
    if proposal is None or proposal.space != bridge.space:
        raise NotFound(f"There is no proposal “{ref}” in the Snapshot space {bridge.space}. "
                       "See /snapshot proposals.")
    return proposal


# --- voting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotVoteStart:
    request: SigningRequest
    proposal: Proposal
    choice: str
    power: VotingPower


async def _power(bridge: SnapshotBridge, wallet: Address, proposal: Proposal) -> VotingPower:
    power = await bridge.hub.voting_power(wallet, bridge.space, proposal.id)
    if power.vp <= 0:
        raise NotAuthorized(
            f"Snapshot reports no voting power for your wallet {wallet[:6]}…{wallet[-4:]} on “{proposal.title}” "
            f"(snapshot block {proposal.snapshot}), so it would not count. Nothing was signed."
        )
    return power


async def start_snapshot_vote(
    deps: wallets.WalletDeps, bridge: SnapshotBridge, member_id: int, proposal_ref: str, choice_text: str,
    reason: str | None = None,
) -> SnapshotVoteStart:
    """A one-time signing request for the member's linked wallet to vote ``choice_text`` on a proposal."""
    wallet = await wallets.linked_wallet(deps, member_id)
    proposal = await find_proposal(bridge, proposal_ref)
    reason = (reason or "").strip()
    prepared = prepare_vote(wallet, proposal, choice_text, now=bridge.clock.now(), reason=reason, app=bridge.app)
    power = await _power(bridge, wallet, proposal)
    payload = {
        "typed_data": prepared.typed_data.data(), "proposal_id": proposal.id, "title": proposal.title,
        "space": proposal.space, "choice": prepared.summary, "reason": reason, "vp": str(power.vp),
        "summary": f"Vote “{prepared.summary}” on the Snapshot proposal “{proposal.title}”",
    }
    request = await wallets.start_request(deps, member_id, SigningKind.SNAPSHOT_VOTE, payload)
    return SnapshotVoteStart(request, proposal, prepared.summary, power)


class SnapshotVoteHandler:
    """Completes ``SNAPSHOT_VOTE`` requests on the signing page.

    The typed data comes from the stored request, never from the page. The sequencer refuses a
    message it already has, so a second submission of the same signed vote records nothing.
    """

    def __init__(self, bridge: SnapshotBridge) -> None:
        self._bridge = bridge

    def typed_data(self, request: SigningRequest) -> dict[str, Any]:
        return dict(typed_data_from_data(request.data["typed_data"]).wallet_request())

    def details(self, request: SigningRequest) -> tuple[tuple[str, str], ...]:
        data = request.data
        voter = str(data["typed_data"]["message"]["from"])
        return (
            ("Snapshot space", data["space"]), ("Proposal", data["title"]), ("Vote", data["choice"]),
            ("Reason", data.get("reason") or "none"), ("Voter", voter),
            ("Voting power (Snapshot)", format_decimal(Decimal(data["vp"]))),
            ("Fee", "none: an off-chain, signed message"),
        )

    async def complete(self, request: SigningRequest, wallet: Address, signature: str) -> wallets.Completion:
        typed = typed_data_from_data(request.data["typed_data"])
        receipt = await submit_signed_vote(self._bridge.hub, self._bridge.verifier, typed, signature, wallet)
        rows = (("Snapshot receipt", receipt.id),) + ((("IPFS", receipt.ipfs),) if receipt.ipfs else ())
        return wallets.Completion(request.kind, wallet, str(request.data["summary"]), receipt=rows)


def format_decimal(value: Decimal) -> str:
    """A hub's decimal as written, with thousands separators and no trailing zeros."""
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- announcements ------------------------------------------------------------------------------


def announcement_key(proposal_id: str) -> str:
    """The key of the one Discord message that shows a proposal (its updates edit it)."""
    return f"{ANNOUNCEMENT_KIND}:{proposal_id}"


def proposal_payload(proposal: Proposal) -> dict[str, Any]:
    """A proposal as JSON values for the outbox (scores as the hub's decimal strings)."""
    return {
        "id": proposal.id, "space": proposal.space, "author": proposal.author, "title": proposal.title,
        "body": proposal.body[:1500], "choices": list(proposal.choices), "type": proposal.type,
        "start": proposal.start, "end": proposal.end, "snapshot": proposal.snapshot, "state": proposal.state,
        "scores": [str(s) for s in proposal.scores], "scores_total": str(proposal.scores_total),
        "votes": proposal.votes,
    }


def proposal_from_payload(payload: dict[str, Any]) -> Proposal:
    return Proposal(
        id=payload["id"], space=payload["space"], author=payload["author"], title=payload["title"],
        body=payload["body"], choices=tuple(payload["choices"]), type=payload["type"], start=payload["start"],
        end=payload["end"], snapshot=payload["snapshot"], state=payload["state"],
        scores=tuple(Decimal(s) for s in payload["scores"]), scores_total=Decimal(payload["scores_total"]),
        votes=payload["votes"],
    )


def _announcement(proposal: Proposal) -> Notification:
    seen = f"{proposal.state}|{proposal.votes}|{','.join(map(str, proposal.scores))}|{proposal.end}"
    version = hashlib.sha256(seen.encode()).hexdigest()[:16]
    return Notification(ANNOUNCEMENT_KIND, f"{announcement_key(proposal.id)}:{version}", proposal_payload(proposal))


async def announce_proposals(
    bridge: SnapshotBridge, uow_factory: Callable[[], UnitOfWork], *, first: int = 20
) -> int:
    """Enqueue an announcement for each new state (new, new scores, closed) of the space's latest
    proposals; return how many were new. Proposals closed long ago are not announced."""
    now = bridge.clock.now()
    added = 0
    for proposal in await bridge.hub.proposals(bridge.space, first=first):
        if proposal.state == "closed" and proposal.end < now - RECENTLY_CLOSED:
            continue
        added += await enqueue(uow_factory, bridge.clock, _announcement(proposal))
    return added
