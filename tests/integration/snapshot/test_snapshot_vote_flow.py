"""A member's vote end to end: prepared by the service, signed as a wallet signs eth_signTypedData_v4, submitted."""

from __future__ import annotations

import json

import pytest
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from snapshot_support import NOW, SPACE

from governance.adapters.snapshot.client import SnapshotHubClient
from governance.adapters.snapshot.signing import EthAccountSignatures
from governance.adapters.snapshot.testing import LocalSnapshotHub
from governance.domain.errors import SignatureRejected
from governance.domain.snapshot import TypedData, VotingType, typed_data_from_data
from governance.services.snapshot import load_and_prepare_vote, submit_signed_vote


def wallet_signs(account: LocalAccount, typed: TypedData) -> str:
    """What a browser wallet does with the page's JSON request: sign the v4 payload as given."""
    request = json.loads(json.dumps(typed.wallet_request()))
    return "0x" + bytes(account.sign_message(encode_typed_data(full_message=request)).signature).hex()


async def test_a_member_votes_with_their_linked_wallet(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                       wallets: list[LocalAccount]) -> None:
    member = wallets[0]
    proposal = hub.add_proposal(SPACE, title="Split", choices=("Reserve", "Bounties"), start=NOW - 5, end=NOW + 99,
                                voting_type=VotingType.WEIGHTED).id
    hub.set_voting_power(SPACE, member.address, 30)
    prepared = await load_and_prepare_vote(client, member.address, proposal, "reserve: 2, bounties: 1", now=NOW)
    stored = typed_data_from_data(json.loads(json.dumps(prepared.typed_data.data())))  # kept with the request
    signature = wallet_signs(member, stored)
    receipt = await submit_signed_vote(client, EthAccountSignatures(), stored, signature, member.address)
    [vote] = hub.votes_on(proposal)
    assert (vote.id, vote.voter, vote.choice) == (receipt.id, member.address, {"1": 2, "2": 1})
    read = await client.proposal(proposal)
    assert read is not None and read.scores == (20, 10)


async def test_a_vote_signed_in_the_wrong_wallet_never_reaches_snapshot(
    hub: LocalSnapshotHub, client: SnapshotHubClient, wallets: list[LocalAccount]
) -> None:
    member, other = wallets[0], wallets[1]
    proposal = hub.add_proposal(SPACE, title="Yes?", choices=("Yes", "No"), start=NOW - 5, end=NOW + 99).id
    hub.set_voting_power(SPACE, member.address, 30)
    prepared = await load_and_prepare_vote(client, member.address, proposal, "yes", now=NOW)
    hub.requests = 0
    with pytest.raises(SignatureRejected, match="not by your linked wallet"):
        await submit_signed_vote(client, EthAccountSignatures(), prepared.typed_data,
                                 wallet_signs(other, prepared.typed_data), member.address)
    assert hub.requests == 0 and hub.votes_on(proposal) == []
