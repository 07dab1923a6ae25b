"""The local sequencer accepts what Snapshot accepts and refuses what it refuses, recording nothing then."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from snapshot_support import NOW, SPACE, Clock

from governance.adapters.snapshot.client import SnapshotHubClient
from governance.adapters.snapshot.signing import message_id, sign_typed_data
from governance.adapters.snapshot.testing import LocalSnapshotHub
from governance.domain.errors import DaobotError, InvalidInput, NotAuthorized, SignatureRejected, WrongState
from governance.domain.snapshot import (
    Choice,
    SignedEnvelope,
    VotingType,
    proposal_typed_data,
    vote_typed_data,
)

CHOICES = ("Alpha", "Beta", "Gamma")


def open_proposal(hub: LocalSnapshotHub, voting_type: VotingType, choices: tuple[str, ...] = CHOICES) -> str:
    return hub.add_proposal(SPACE, title=f"{voting_type} vote", choices=choices, start=NOW - 600,
                            end=NOW + 3600, voting_type=voting_type).id


def ballot(wallet: LocalAccount, proposal: str, voting_type: VotingType, choice: Choice,
           *, timestamp: int = NOW, **extra: Any) -> SignedEnvelope:
    typed = vote_typed_data(voter=wallet.address, space=SPACE, proposal_id=proposal, voting_type=voting_type,
                            choice=choice, timestamp=timestamp, **extra)
    return sign_typed_data(typed, wallet)


@pytest.fixture
def voter(hub: LocalSnapshotHub, wallets: list[LocalAccount]) -> LocalAccount:
    hub.set_voting_power(SPACE, wallets[0].address, 100)
    return wallets[0]


ACCEPTED: list[tuple[VotingType, Choice, Any]] = [
    (VotingType.SINGLE_CHOICE, 3, 3),
    (VotingType.BASIC, 2, 2),
    (VotingType.APPROVAL, (1, 3), [1, 3]),
    (VotingType.RANKED_CHOICE, (2, 3, 1), [2, 3, 1]),
    (VotingType.WEIGHTED, {1: 3, 3: 1}, {"1": 3, "3": 1}),
    (VotingType.QUADRATIC, {2: 5}, {"2": 5}),
]


@pytest.mark.parametrize(("voting_type", "choice", "stored"), ACCEPTED, ids=[t[0].value for t in ACCEPTED])
async def test_a_valid_vote_of_every_type_is_recorded(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                      voter: LocalAccount, voting_type: VotingType,
                                                      choice: Choice, stored: Any) -> None:
    proposal = open_proposal(hub, voting_type)
    envelope = ballot(voter, proposal, voting_type, choice, reason="because")
    receipt = await client.submit(envelope)
    assert receipt.id == message_id(envelope.typed_data)
    [vote] = hub.votes_on(proposal)
    assert (vote.voter, vote.choice, vote.vp, vote.reason) == (voter.address, stored, 100, "because")


REFUSED: list[tuple[str, VotingType, Choice, VotingType]] = [
    ("approval list on single-choice", VotingType.SINGLE_CHOICE, (1,), VotingType.APPROVAL),
    ("single-choice out of range", VotingType.SINGLE_CHOICE, 4, VotingType.SINGLE_CHOICE),
    ("single-choice zero", VotingType.SINGLE_CHOICE, 0, VotingType.SINGLE_CHOICE),
    ("basic out of range", VotingType.BASIC, 4, VotingType.BASIC),
    ("approval repeats a choice", VotingType.APPROVAL, (1, 1), VotingType.APPROVAL),
    ("approval out of range", VotingType.APPROVAL, (2, 9), VotingType.APPROVAL),
    ("ranked-choice leaves one out", VotingType.RANKED_CHOICE, (2, 1), VotingType.RANKED_CHOICE),
    ("ranked-choice single number", VotingType.RANKED_CHOICE, 1, VotingType.SINGLE_CHOICE),
    ("weighted all zero", VotingType.WEIGHTED, {1: 0}, VotingType.WEIGHTED),
    ("weighted out of range", VotingType.WEIGHTED, {7: 1}, VotingType.WEIGHTED),
    ("quadratic given a list", VotingType.QUADRATIC, (1, 2), VotingType.APPROVAL),
]


@pytest.mark.parametrize(("case", "proposal_type", "choice", "signed_as"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_a_choice_that_does_not_fit_the_voting_type_is_refused(
    hub: LocalSnapshotHub, client: SnapshotHubClient, voter: LocalAccount, case: str,
    proposal_type: VotingType, choice: Choice, signed_as: VotingType,
) -> None:
    proposal = open_proposal(hub, proposal_type)
    with pytest.raises(InvalidInput, match=r"\(invalid choice\)"):
        await client.submit(ballot(voter, proposal, signed_as, choice))
    assert hub.votes_on(proposal) == []


async def refused(client: SnapshotHubClient, envelope: SignedEnvelope, kind: type[DaobotError],
                  description: str) -> str:
    with pytest.raises(kind) as caught:
        await client.submit(envelope)
    assert f"({description})" in caught.value.message
    return caught.value.message


async def test_a_vote_after_the_end_is_refused(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                               voter: LocalAccount, clock: Clock) -> None:
    proposal = open_proposal(hub, VotingType.SINGLE_CHOICE)
    clock.now = NOW + 3601
    message = await refused(client, ballot(voter, proposal, VotingType.SINGLE_CHOICE, 1, timestamp=NOW + 3601),
                            WrongState, "not in voting window")
    assert "not open for voting" in message
    assert hub.votes_on(proposal) == []


async def test_a_vote_signed_before_the_end_but_arriving_after_it_is_refused(
    hub: LocalSnapshotHub, client: SnapshotHubClient, voter: LocalAccount, clock: Clock
) -> None:
    proposal = open_proposal(hub, VotingType.SINGLE_CHOICE)
    envelope = ballot(voter, proposal, VotingType.SINGLE_CHOICE, 1, timestamp=NOW + 3500)
    clock.now = NOW + 3700
    await refused(client, envelope, WrongState, "not in voting window")
    assert hub.votes_on(proposal) == []


async def test_a_signature_by_another_wallet_is_refused(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                        voter: LocalAccount, wallets: list[LocalAccount]) -> None:
    proposal = open_proposal(hub, VotingType.SINGLE_CHOICE)
    honest = ballot(voter, proposal, VotingType.SINGLE_CHOICE, 1)
    forged_sig = sign_typed_data(
        vote_typed_data(voter=wallets[1].address, space=SPACE, proposal_id=proposal,
                        voting_type=VotingType.SINGLE_CHOICE, choice=1, timestamp=NOW), wallets[1]).sig
    forged = SignedEnvelope(honest.address, forged_sig, honest.typed_data)
    await refused(client, forged, SignatureRejected, "signature validation failed")
    claims_other = SignedEnvelope(wallets[1].address, honest.sig, honest.typed_data)
    await refused(client, claims_other, SignatureRejected, "wrong from")
    assert hub.votes_on(proposal) == []


@pytest.mark.parametrize("age", [3 * 24 * 3600 + 1, -301], ids=["older than three days", "in the future"])
async def test_a_stale_or_future_timestamp_is_refused(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                      voter: LocalAccount, clock: Clock, age: int) -> None:
    proposal = hub.add_proposal(SPACE, title="long", choices=CHOICES, start=NOW - 10 * 24 * 3600,
                                end=NOW + 10 * 24 * 3600).id
    message = await refused(client, ballot(voter, proposal, VotingType.SINGLE_CHOICE, 1, timestamp=NOW - age),
                            SignatureRejected, "wrong timestamp")
    assert "sign again" in message
    assert hub.votes_on(proposal) == []


async def test_a_replayed_envelope_is_refused_and_changes_nothing(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                                  voter: LocalAccount) -> None:
    proposal = open_proposal(hub, VotingType.SINGLE_CHOICE)
    first = ballot(voter, proposal, VotingType.SINGLE_CHOICE, 1, timestamp=NOW - 5)
    await client.submit(first)
    await client.submit(ballot(voter, proposal, VotingType.SINGLE_CHOICE, 2, timestamp=NOW))
    await refused(client, first, SignatureRejected, "duplicate message")
    [vote] = hub.votes_on(proposal)
    assert vote.choice == 2


async def test_a_later_vote_replaces_the_earlier_but_an_older_one_cannot(
    hub: LocalSnapshotHub, client: SnapshotHubClient, voter: LocalAccount
) -> None:
    proposal = open_proposal(hub, VotingType.APPROVAL)
    await client.submit(ballot(voter, proposal, VotingType.APPROVAL, (1,), timestamp=NOW - 10))
    await client.submit(ballot(voter, proposal, VotingType.APPROVAL, (2, 3), timestamp=NOW))
    await refused(client, ballot(voter, proposal, VotingType.APPROVAL, (3,), timestamp=NOW - 5),
                  WrongState, "already voted at later time")
    [vote] = hub.votes_on(proposal)
    assert (vote.choice, vote.created) == ([2, 3], NOW)
    read = await client.proposal(proposal)
    assert read is not None and read.votes == 1 and read.scores == (0, 100, 100)


async def test_a_wallet_without_voting_power_is_refused(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                        wallets: list[LocalAccount]) -> None:
    proposal = open_proposal(hub, VotingType.SINGLE_CHOICE)
    await refused(client, ballot(wallets[3], proposal, VotingType.SINGLE_CHOICE, 1), NotAuthorized,
                  "no voting power")
    assert hub.votes_on(proposal) == []


async def test_a_vote_for_a_proposal_of_another_space_is_refused(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                                 voter: LocalAccount) -> None:
    hub.add_space("other.eth")
    elsewhere = hub.add_proposal("other.eth", title="x", choices=CHOICES, start=NOW - 5, end=NOW + 5).id
    await refused(client, ballot(voter, elsewhere, VotingType.SINGLE_CHOICE, 1), DaobotError, "unknown proposal")


async def test_an_admin_creates_a_proposal_through_the_sequencer(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                                 wallets: list[LocalAccount]) -> None:
    admin = wallets[5]
    hub.add_space("admins.eth", admins=[admin.address])
    typed = proposal_typed_data(author=admin.address, space="admins.eth", timestamp=NOW, title="Delist spam-v2",
                                body="Reputation negative.", voting_type=VotingType.BASIC,
                                choices=["For", "Against", "Abstain"], start=NOW, end=NOW + 600, snapshot=123)
    receipt = await client.submit(sign_typed_data(typed, admin))
    proposal = await client.proposal(receipt.id)
    assert proposal is not None
    assert (proposal.title, proposal.author, proposal.voting_type, proposal.snapshot) == (
        "Delist spam-v2", admin.address, VotingType.BASIC, 123)
    outsider = proposal_typed_data(author=wallets[4].address, space="admins.eth", timestamp=NOW, title="Spam",
                                   body="", voting_type=VotingType.BASIC, choices=["For", "Against"],
                                   start=NOW, end=NOW + 600, snapshot=1)
    await refused(client, sign_typed_data(outsider, wallets[4]), DaobotError, "validation failed")
