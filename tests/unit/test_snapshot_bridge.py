"""The Snapshot bridge's use cases on fakes, with real signatures: start a vote from Discord, show and
complete it on the signing page, announce the space's proposals through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Self

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from governance.adapters.chain.signatures import EthAccountSignerRecovery
from governance.adapters.clock import FakeClock
from governance.adapters.fake_wallets import (
    FakeSigningRequestStore,
    FakeVoteRelay,
    FakeVotesReader,
    FakeWalletLinkStore,
)
from governance.adapters.snapshot import EthAccountSignatures
from governance.domain.addresses import Address, to_checksum
from governance.domain.errors import (
    DaobotError,
    ExternalServiceError,
    InvalidInput,
    NotAuthorized,
    NotFound,
    SignatureRejected,
    WrongState,
)
from governance.domain.notifications import Notification
from governance.domain.signing import SigningKind, SigningSettings
from governance.domain.snapshot import Proposal, Receipt, SignedEnvelope, VotingPower, VotingType
from governance.domain.typed_data import Eip712Domain
from governance.services import snapshot_bridge as bridge_service
from governance.services import wallets
from governance.services.snapshot_bridge import SnapshotBridge, SnapshotVoteHandler
from governance.services.snapshot_fakes import FakeSnapshotHub

ALICE_KEY, MALLORY_KEY = "0x" + "a1" * 32, "0x" + "c3" * 32
ALICE, MALLORY = Address(Account.from_key(ALICE_KEY).address), Address(Account.from_key(MALLORY_KEY).address)
MEMBER, NOW, SPACE = 111, 1_795_000_000, "farm-dao.eth"
SETTINGS = SigningSettings(
    base_url="https://daobot.example", chain_id=31337,
    governor=Eip712Domain("DAOGovernor", 31337, to_checksum("11" * 20)),
    token=Eip712Domain("Farm Share", 31337, to_checksum("22" * 20)),
)


def proposal(pid: str, *, voting_type: VotingType = VotingType.SINGLE_CHOICE, state: str = "active",
             end: int = NOW + 3600, space: str = SPACE, votes: int = 0) -> Proposal:
    return Proposal(id=pid, space=space, author=ALICE, title=f"Proposal {pid[:6]}", body="", type=voting_type.value,
                    choices=("For", "Against", "Abstain"), start=NOW - 60, end=end, snapshot=7, state=state,
                    scores=(Decimal(votes), Decimal(0), Decimal(0)), scores_total=Decimal(votes), votes=votes)


@dataclass
class FakeSpaceHub:
    """``FakeSnapshotHub`` (which records submissions) plus listing and voting power; ``down`` fails reads."""

    inner: FakeSnapshotHub = field(default_factory=FakeSnapshotHub)
    power: dict[Address, Decimal] = field(default_factory=dict)
    down: bool = False

    @property
    def submitted(self) -> list[SignedEnvelope]:
        return self.inner.submitted

    def add(self, proposal: Proposal) -> None:
        self.inner.add(proposal)

    def get(self, proposal_id: str) -> Proposal:
        return self.inner.proposals[proposal_id]

    def refuse(self, error: DaobotError | None) -> None:
        self.inner.refusal = error

    async def proposal(self, proposal_id: str) -> Proposal | None:
        self._check()
        return await self.inner.proposal(proposal_id)

    async def submit(self, envelope: SignedEnvelope) -> Receipt:
        return await self.inner.submit(envelope)

    async def proposals(
        self, space: str, *, first: int = 20, skip: int = 0, state: str = "all"
    ) -> tuple[Proposal, ...]:
        self._check()
        return tuple(p for p in self.inner.proposals.values() if p.space == space)[skip: skip + first]

    async def voting_power(self, voter: str, space: str, proposal_id: str) -> VotingPower:
        self._check()
        vp = self.power.get(Address(voter), Decimal(0))
        return VotingPower(vp, (vp,), "final")

    def _check(self) -> None:
        if self.down:
            raise ExternalServiceError("Snapshot (hub.example) is unreachable right now; try again in a few minutes.")


@dataclass
class Setup:
    deps: wallets.WalletDeps
    hub: FakeSpaceHub
    bridge: SnapshotBridge
    clock: FakeClock

    async def start(self, ref: str = "0xaa11", choice: str = "against", reason: str | None = None) -> Any:
        return await bridge_service.start_snapshot_vote(self.deps, self.bridge, MEMBER, ref, choice, reason)


@pytest.fixture
async def setup() -> Setup:
    clock = FakeClock(NOW)
    hub = FakeSpaceHub(power={ALICE: Decimal("1234.5")})
    for p in (proposal("0xaa11" + "0" * 60), proposal("0xbb22" + "0" * 60, voting_type=VotingType.APPROVAL),
              proposal("0xcc33" + "0" * 60, state="closed", end=NOW - 10), proposal("0xdd44", space="other.eth")):
        hub.add(p)
    bridge = SnapshotBridge(hub=hub, verifier=EthAccountSignatures(), space=SPACE, clock=clock)
    deps = wallets.WalletDeps(
        settings=SETTINGS, requests=FakeSigningRequestStore(), links=FakeWalletLinkStore(), votes=FakeVotesReader(),
        relay=FakeVoteRelay(), recovery=EthAccountSignerRecovery(), clock=clock,
        handlers={SigningKind.SNAPSHOT_VOTE: SnapshotVoteHandler(bridge)},
    )
    await deps.links.link(MEMBER, ALICE, NOW - 100)
    return Setup(deps, hub, bridge, clock)


def sign(view: wallets.SigningView, key: str) -> str:
    assert view.typed_data is not None
    signed = Account.sign_message(encode_typed_data(full_message=view.typed_data), key)
    return "0x" + str(signed.signature.hex()).removeprefix("0x")


async def test_a_linked_member_signs_a_snapshot_vote_on_the_page(setup: Setup) -> None:
    started = await setup.start("0xAA11", "Against", reason="  too early ")
    assert (started.proposal.id[:6], started.choice, started.power.vp) == ("0xaa11", "Against", Decimal("1234.5"))

    view = await wallets.view_request(setup.deps, started.request.token)
    assert view.method == "eth_signTypedData_v4" and view.expected_wallet == ALICE
    assert view.summary == "Vote “Against” on the Snapshot proposal “Proposal 0xaa11”"
    assert view.typed_data is not None and "chainId" not in view.typed_data["domain"]
    assert view.typed_data["message"]["choice"] == 2 and view.typed_data["message"]["reason"] == "too early"
    assert dict(view.details)["Voting power (Snapshot)"] == "1,234.5"

    done = await wallets.submit(setup.deps, started.request.token, sign(view, ALICE_KEY))
    assert done.kind is SigningKind.SNAPSHOT_VOTE and done.wallet == ALICE
    assert done.receipt == (("Snapshot receipt", "0x" + "0" * 63 + "1"), ("IPFS", "fake-1"))
    (envelope,) = setup.hub.submitted
    assert envelope.address == ALICE and envelope.typed_data.value("proposal") == started.proposal.id
    with pytest.raises(SignatureRejected, match="already used"):
        await wallets.submit(setup.deps, started.request.token, sign(view, ALICE_KEY))


@pytest.mark.parametrize(("ref", "choice", "error", "words"), [
    ("0xaa11", "Maybe", InvalidInput, "“Maybe” is not one of the choices: 1. For, 2. Against, 3. Abstain."),
    ("0xbb22", "For, For", InvalidInput, "a choice appears more than once"),
    ("0xcc33", "For", WrongState, "has ended"),
    ("0xdd44", "For", NotFound, "no proposal “0xdd44” in the Snapshot space farm-dao.eth"),
    ("0x", "For", InvalidInput, "start of several proposals"),
    ("", "For", InvalidInput, "Give the proposal's id"),
])
async def test_refusals_before_anything_is_signed(
    setup: Setup, ref: str, choice: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as refused:
        await setup.start(ref, choice)
    assert words in str(refused.value)
    assert setup.deps.requests.requests == {}  # type: ignore[attr-defined]


async def test_unlinked_members_and_wallets_without_snapshot_power_are_told_why(setup: Setup) -> None:
    with pytest.raises(NotAuthorized, match="Link your wallet first"):
        await bridge_service.start_snapshot_vote(setup.deps, setup.bridge, 999, "0xaa11", "For")
    setup.hub.power.clear()
    with pytest.raises(NotAuthorized, match=r"Snapshot reports no voting power .*\(snapshot block 7\)"):
        await setup.start()


async def test_a_signature_by_another_wallet_is_refused_and_the_link_stays_usable(setup: Setup) -> None:
    started = await setup.start()
    view = await wallets.view_request(setup.deps, started.request.token)
    with pytest.raises(SignatureRejected, match=f"signed by {MALLORY[:6]}…{MALLORY[-4:]}, not by your linked"):
        await wallets.submit(setup.deps, started.request.token, sign(view, MALLORY_KEY))
    assert setup.hub.submitted == []
    await wallets.submit(setup.deps, started.request.token, sign(view, ALICE_KEY))
    assert len(setup.hub.submitted) == 1


async def test_hub_down_or_refusing_keeps_the_link_for_a_retry(setup: Setup) -> None:
    started = await setup.start()
    view = await wallets.view_request(setup.deps, started.request.token)
    setup.hub.refuse(ExternalServiceError("Snapshot (hub.example) is unreachable right now."))
    with pytest.raises(ExternalServiceError, match="unreachable"):
        await wallets.submit(setup.deps, started.request.token, sign(view, ALICE_KEY))
    assert setup.hub.submitted == []
    setup.hub.refuse(None)
    assert (await wallets.submit(setup.deps, started.request.token, sign(view, ALICE_KEY))).receipt
    setup.hub.down = True
    with pytest.raises(ExternalServiceError):
        await setup.start()


async def test_a_wallet_relinked_since_the_link_was_made_cannot_use_it(setup: Setup) -> None:
    started = await setup.start()
    view = await wallets.view_request(setup.deps, started.request.token)
    setup.deps.links.wallets[MEMBER] = MALLORY  # type: ignore[attr-defined]
    with pytest.raises(NotAuthorized, match="names another wallet"):
        await wallets.submit(setup.deps, started.request.token, sign(view, MALLORY_KEY))
    assert setup.hub.submitted == []


async def test_without_a_handler_snapshot_requests_are_refused(setup: Setup) -> None:
    deps = replace(setup.deps, handlers={})
    with pytest.raises(WrongState, match="not enabled"):
        await bridge_service.start_snapshot_vote(deps, setup.bridge, MEMBER, "0xaa11", "For")


async def test_space_proposals_put_open_ones_first(setup: Setup) -> None:
    listed = await bridge_service.space_proposals(setup.bridge)
    assert [p.id[:6] for p in listed] == ["0xaa11", "0xbb22", "0xcc33"]


class FakeOutbox:
    def __init__(self) -> None:
        self.notes: dict[str, Notification] = {}

    async def add(self, notification: Notification, now: int) -> bool:
        if notification.dedupe_key in self.notes:
            return False
        self.notes[notification.dedupe_key] = notification
        return True


class FakeUow:
    def __init__(self, outbox: FakeOutbox) -> None:
        self.outbox = outbox

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None


def uow_factory(outbox: FakeOutbox) -> Callable[[], Any]:
    return lambda: FakeUow(outbox)


async def test_announcements_are_enqueued_once_per_state_and_edit_one_message(setup: Setup) -> None:
    outbox = FakeOutbox()
    setup.hub.add(proposal("0xee55", state="closed", end=NOW - bridge_service.RECENTLY_CLOSED - 1))  # history
    assert await bridge_service.announce_proposals(setup.bridge, uow_factory(outbox)) == 3
    assert await bridge_service.announce_proposals(setup.bridge, uow_factory(outbox)) == 0
    voted = replace(setup.hub.get("0xaa11" + "0" * 60), votes=1, scores=(Decimal(5), Decimal(0), Decimal(0)))
    setup.hub.add(voted)
    assert await bridge_service.announce_proposals(setup.bridge, uow_factory(outbox)) == 1
    updates = [n for n in outbox.notes.values() if n.payload["id"] == voted.id]
    assert len(updates) == 2 and all(n.kind == bridge_service.ANNOUNCEMENT_KIND for n in updates)
    assert bridge_service.proposal_from_payload(updates[-1].payload) == voted
    assert bridge_service.announcement_key(voted.id) == f"snapshot.proposal:{voted.id}"
