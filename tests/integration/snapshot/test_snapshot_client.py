"""SnapshotHubClient against the local hub: reading, paging, retries, and a hub that is down."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest
from eth_account.signers.local import LocalAccount
from snapshot_support import NOW, SPACE, Clock, Sleeps

from governance.adapters.snapshot.client import RetryPolicy, SnapshotHubClient
from governance.adapters.snapshot.signing import message_id, sign_typed_data
from governance.adapters.snapshot.testing import LocalSnapshotHub
from governance.domain.errors import ExternalServiceError
from governance.domain.snapshot import VotingType, vote_typed_data


def add_proposals(hub: LocalSnapshotHub, count: int) -> list[str]:
    return [hub.add_proposal(SPACE, title=f"P{i}", choices=("Yes", "No"), start=NOW - 100 + i,
                             end=NOW + 3600).id for i in range(count)]


async def test_proposals_come_newest_first_one_page_at_a_time(hub: LocalSnapshotHub,
                                                              client: SnapshotHubClient) -> None:
    ids = add_proposals(hub, 25)
    first_page = await client.proposals(SPACE, first=10)
    assert [p.id for p in first_page] == ids[::-1][:10]
    third_page = await client.proposals(SPACE, first=10, skip=20)
    assert [p.title for p in third_page] == ["P4", "P3", "P2", "P1", "P0"]
    hub.requests = 0
    everything = [p.id async for p in client.iter_proposals(SPACE, page_size=10)]
    assert everything == ids[::-1]
    assert hub.requests == 3


async def test_a_proposal_reads_back_with_its_fields(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                     clock: Clock) -> None:
    created = hub.add_proposal(SPACE, title="Fund bounties", body="Why: …", choices=("A", "B", "C"),
                               start=NOW + 60, end=NOW + 7200, snapshot=21_000_123,
                               voting_type=VotingType.APPROVAL)
    proposal = await client.proposal(created.id)
    assert proposal is not None
    assert (proposal.title, proposal.body, proposal.choices) == ("Fund bounties", "Why: …", ("A", "B", "C"))
    assert (proposal.voting_type, proposal.snapshot, proposal.state) == (VotingType.APPROVAL, 21_000_123, "pending")
    assert (proposal.start, proposal.end, proposal.space, proposal.votes) == (NOW + 60, NOW + 7200, SPACE, 0)
    assert proposal.scores == (Decimal(0),) * 3
    clock.now = NOW + 61
    assert (await client.proposals(SPACE, state="active"))[0].id == created.id
    assert await client.proposal("0x" + "00" * 32) is None


async def test_votes_are_read_page_by_page_with_scores(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                       wallets: list[LocalAccount]) -> None:
    proposal = add_proposals(hub, 1)[0]
    for i, wallet in enumerate(wallets[:5]):
        hub.set_voting_power(SPACE, wallet.address, 10 * (i + 1))
        typed = vote_typed_data(voter=wallet.address, space=SPACE, proposal_id=proposal,
                                voting_type=VotingType.SINGLE_CHOICE, choice=1 + i % 2, timestamp=NOW + i,
                                reason=f"r{i}")
        await client.submit(sign_typed_data(typed, wallet))
    votes = await client.all_votes(proposal, page_size=2)
    assert [v.voter for v in votes] == [w.address for w in wallets[:5]]
    assert [(v.choice, v.vp, v.reason, v.created) for v in votes][:2] == [
        (1, Decimal(10), "r0", NOW), (2, Decimal(20), "r1", NOW + 1)]
    read = await client.proposal(proposal)
    assert read is not None
    assert (read.votes, read.scores, read.scores_total) == (5, (Decimal(90), Decimal(60)), Decimal(150))
    assert (await client.voting_power(wallets[4].address, SPACE, proposal)).vp == Decimal(50)


async def test_server_errors_are_retried_with_growing_backoff(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                              sleeps: Sleeps) -> None:
    add_proposals(hub, 2)
    hub.fail_next(2, status=503)
    assert len(await client.proposals(SPACE)) == 2
    assert sleeps.delays == [0.25, 0.5]
    assert hub.requests == 3


async def test_a_timeout_is_retried(hub: LocalSnapshotHub, sleeps: Sleeps) -> None:
    add_proposals(hub, 1)
    hub.fail_next(1, status=200, delay=1.0)
    retry = RetryPolicy(attempts=2, backoff=0, timeout=0.3)
    async with SnapshotHubClient(hub_url=hub.hub_url, retry=retry, sleep=sleeps) as client:
        assert len(await client.proposals(SPACE)) == 1
    assert hub.requests == 2


async def test_a_hub_that_stays_down_gives_one_clear_error(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                                           sleeps: Sleeps) -> None:
    hub.fail_next(3, status=502)
    with pytest.raises(ExternalServiceError, match=r"Snapshot \(127\.0\.0\.1\) is unreachable.*HTTP 502"):
        await client.proposals(SPACE)
    assert hub.requests == 3 and len(sleeps.delays) == 2


async def test_an_unreachable_hub_gives_one_clear_error(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    retry = RetryPolicy(attempts=3, backoff=0.1, timeout=1.0)
    async with SnapshotHubClient(hub_url=f"http://127.0.0.1:{port}/graphql", retry=retry, sleep=sleeps) as client:
        with pytest.raises(ExternalServiceError, match="unreachable right now") as caught:
            await client.proposal("0x01")
    assert "try again" in caught.value.message
    assert sleeps.delays == [0.1, 0.2]


async def test_a_refused_query_is_an_external_service_error(client: SnapshotHubClient) -> None:
    with pytest.raises(ExternalServiceError, match="must not be greater than 1000"):
        await client.proposals(SPACE, first=1001)


async def test_a_dropped_connection_is_retried(hub: LocalSnapshotHub, client: SnapshotHubClient,
                                               sleeps: Sleeps) -> None:
    add_proposals(hub, 1)
    hub.fail_next(1, status=0)
    assert len(await client.proposals(SPACE)) == 1
    assert hub.requests == 2 and sleeps.delays == [0.25]


async def test_a_submission_whose_answer_was_lost_is_not_reported_as_a_duplicate(
    hub: LocalSnapshotHub, client: SnapshotHubClient, wallets: list[LocalAccount]
) -> None:
    proposal = add_proposals(hub, 1)[0]
    hub.set_voting_power(SPACE, wallets[0].address, 1)
    envelope = sign_typed_data(vote_typed_data(voter=wallets[0].address, space=SPACE, proposal_id=proposal,
                                               voting_type=VotingType.SINGLE_CHOICE, choice=1, timestamp=NOW),
                               wallets[0])
    await client.submit(envelope)  # recorded, but suppose the answer never arrived:
    hub.fail_next(1, status=504)
    receipt = await client.submit(envelope)
    assert receipt.id == message_id(envelope.typed_data)
    assert len(hub.votes_on(proposal)) == 1
