"""prepare_vote / submit_signed_vote with the in-memory Snapshot hub and signature verifier."""

from __future__ import annotations

from decimal import Decimal

import pytest

from governance.domain.addresses import Address
from governance.domain.errors import InvalidInput, NotAuthorized, NotFound, SignatureRejected, WrongState
from governance.domain.snapshot import Proposal, VotingType, refusal_error
from governance.services.snapshot import load_and_prepare_vote, prepare_vote, submit_signed_vote
from governance.services.snapshot_fakes import FakeSignatureVerifier, FakeSnapshotHub

MEMBER = Address("0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A")
OTHER = Address("0x1563915e194D8CfBA1943570603F7606A3115508")
NOW = 1_763_700_000


def proposal(
    voting_type: VotingType | str = VotingType.RANKED_CHOICE, start: int = NOW - 60, end: int = NOW + 60
) -> Proposal:
    return Proposal(id="0xp1", space="daobot.eth", author=OTHER, title="Pick a pool", body="", type=str(voting_type),
                    choices=("Reserve", "Bounties", "Dividends"), start=start, end=end, snapshot=1, state="active",
                    scores=(Decimal(0),) * 3, scores_total=Decimal(0), votes=0)


def test_prepare_vote_builds_the_message_the_member_signs() -> None:
    prepared = prepare_vote(MEMBER.lower(), proposal(), "dividends, 1, bounties", now=NOW, reason="runway first")
    assert prepared.choice == (3, 1, 2)
    assert prepared.summary == "Dividends, Reserve, Bounties"
    assert prepared.typed_data.message() == {
        "from": MEMBER, "space": "daobot.eth", "timestamp": NOW, "proposal": "0xp1", "choice": [3, 1, 2],
        "reason": "runway first", "app": "daobot", "metadata": "{}",
    }


@pytest.mark.parametrize(("start", "end", "message"), [
    (NOW + 1, NOW + 60, "has not started yet"), (NOW - 60, NOW - 1, "has ended"),
])
def test_prepare_vote_refuses_outside_the_voting_window(start: int, end: int, message: str) -> None:
    with pytest.raises(WrongState, match=message):
        prepare_vote(MEMBER, proposal(start=start, end=end), "1, 2, 3", now=NOW)


def test_prepare_vote_refuses_a_choice_the_voting_type_does_not_take() -> None:
    with pytest.raises(InvalidInput, match="rank all 3 choices"):
        prepare_vote(MEMBER, proposal(), "Reserve", now=NOW)
    with pytest.raises(InvalidInput, match="not supported here"):
        prepare_vote(MEMBER, proposal("copeland"), "1", now=NOW)
    with pytest.raises(InvalidInput, match="at most 5,000 characters"):
        prepare_vote(MEMBER, proposal(), "1,2,3", now=NOW, reason="x" * 5001)


async def test_load_and_prepare_vote_names_a_missing_proposal() -> None:
    hub = FakeSnapshotHub()
    with pytest.raises(NotFound):
        await load_and_prepare_vote(hub, MEMBER, "0xnope", "1", now=NOW)
    hub.add(proposal(VotingType.BASIC))
    assert (await load_and_prepare_vote(hub, MEMBER, "0xp1", "bounties", now=NOW)).choice == 2


async def test_a_vote_signed_by_the_linked_wallet_is_submitted() -> None:
    hub, verifier = FakeSnapshotHub(), FakeSignatureVerifier({"0xsig": MEMBER})
    typed = prepare_vote(MEMBER, proposal(), "1,2,3", now=NOW).typed_data
    receipt = await submit_signed_vote(hub, verifier, typed, "0xsig", MEMBER.lower())
    [envelope] = hub.submitted
    assert (envelope.address, envelope.sig, envelope.typed_data) == (MEMBER, "0xsig", typed)
    assert receipt.id.startswith("0x")


async def test_a_vote_signed_by_another_wallet_is_not_submitted() -> None:
    hub, verifier = FakeSnapshotHub(), FakeSignatureVerifier({"0xsig": OTHER})
    typed = prepare_vote(MEMBER, proposal(), "1,2,3", now=NOW).typed_data
    with pytest.raises(SignatureRejected, match=r"signed by 0x1563…5508, not by your linked wallet 0x19E7…ff2A"):
        await submit_signed_vote(hub, verifier, typed, "0xsig", MEMBER)
    with pytest.raises(NotAuthorized, match="names another wallet"):
        await submit_signed_vote(hub, verifier, typed, "0xsig", OTHER)
    with pytest.raises(SignatureRejected):
        await submit_signed_vote(hub, verifier, typed, "0xunknown", MEMBER)
    assert hub.submitted == []


async def test_a_sequencer_refusal_reaches_the_member_with_snapshots_reason() -> None:
    hub, verifier = FakeSnapshotHub(refusal=refusal_error("no voting power")), FakeSignatureVerifier({"0xs": MEMBER})
    typed = prepare_vote(MEMBER, proposal(), "1,2,3", now=NOW).typed_data
    with pytest.raises(NotAuthorized, match=r"Snapshot refused it \(no voting power\)"):
        await submit_signed_vote(hub, verifier, typed, "0xs", MEMBER)
