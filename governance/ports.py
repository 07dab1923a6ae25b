"""Protocols for every side effect. Services depend on these; adapters implement them; tests use fakes.

Each section belongs to one feature; keep sections small and independent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self

from governance.domain import chain_records as _records
from governance.domain import classifiers as _classifiers
from governance.domain import moderation as _moderation
from governance.domain import payout_manifest as _manifest
from governance.domain import payout_runs as _payout_runs
from governance.domain import payouts as _payouts
from governance.domain import proposals as _proposals
from governance.domain import signing as _signing
from governance.domain.addresses import Address
from governance.domain.classifier_market import ClassifierStanding, ListedClassifier, MarketPeriod
from governance.domain.content import Post
from governance.domain.members import Member
from governance.domain.moderation_records import RoundRecord
from governance.domain.notifications import Notification, PendingNotification
from governance.domain.transactions import TxPlan, TxReceiptSummary

# --- time --------------------------------------------------------------------------------------


class Clock(Protocol):
    """Unix time in whole seconds. ``SystemClock`` in governance.adapters.clock; ``FakeClock`` for tests."""

    def now(self) -> int: ...


# --- persistence: the unit of work and its repositories -------------------------------------


class MemberRepository(Protocol):
    async def get(self, discord_id: int) -> Member | None: ...

    async def by_wallet(self, wallet: Address) -> Member | None: ...

    async def linked(self) -> list[Member]: ...

    async def save(self, member: Member) -> None: ...


class OutboxRepository(Protocol):
    async def add(self, notification: Notification, now: int) -> bool: ...

    async def pending(self, limit: int = 50) -> list[PendingNotification]: ...

    async def mark_sent(self, notification_id: int, now: int) -> None: ...

    async def mark_failed(self, notification_id: int, error: str) -> None: ...

    async def depth(self) -> int: ...


class LeaseRepository(Protocol):
    async def acquire(self, name: str, holder: str, now: int, ttl: int) -> bool: ...

    async def holder(self, name: str, now: int) -> str | None: ...

    async def release(self, name: str, holder: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: ``async with uow: ...; await uow.commit()``; rolled back unless committed."""

    @property
    def members(self) -> MemberRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def leases(self) -> LeaseRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


# --- notifications -----------------------------------------------------------------------------


class Notifier(Protocol):
    """Delivers one notification (a channel post, a message edit, a DM). Raises on failure.

    Delivery is at least once; ``Notification.dedupe_key`` lets the notifier make a repeat harmless
    (the Discord notifier edits the message it posted for that key instead of posting again).
    """

    async def deliver(self, notification: Notification) -> None: ...


# --- chain writes: the one transaction sender -------------------------------------------------


class TxSender(Protocol):
    """Executes ``TxPlan``s, each idempotency key at most once, and fails closed.

    ``send`` returns the stored receipt for a key already confirmed (sending nothing), waits for
    the transaction already broadcast for a key in flight, and otherwise checks, simulates, signs,
    journals, broadcasts and waits for confirmations. It raises ``TransactionRefused`` when the
    plan would fail (nothing is sent) and ``ChainError`` when it was mined but reverted.
    ``resume_pending`` finishes every journaled, unsettled transaction after a restart.
    """

    async def send(self, plan: TxPlan) -> TxReceiptSummary: ...

    async def resume_pending(self) -> list[TxReceiptSummary]: ...


# --- wallets and signing requests (governance.services.wallets) -------------------------------
# Values come from governance.domain.signing; fakes live in governance.adapters.fake_wallets.


class SigningRequestStore(Protocol):
    """Single-use signing requests, by token."""

    async def add(self, request: _signing.SigningRequest) -> None: ...

    async def get(self, token: str) -> _signing.SigningRequest | None: ...

    async def mark_used(self, token: str, at: int) -> bool:
        """Set ``used_at`` if it is still unset (compare-and-set); False when it was already used."""
        ...

    async def count_since(self, member_id: int, since: int) -> int:
        """How many requests ``member_id`` made at or after ``since`` (for the rate limit)."""
        ...


class WalletLinkStore(Protocol):
    """Member <-> wallet links: one wallet per member, one member per wallet."""

    async def wallet_of(self, member_id: int) -> Address | None: ...

    async def member_of(self, wallet: Address) -> int | None: ...

    async def link(self, member_id: int, wallet: Address, at: int) -> None:
        """Link (or re-link) ``member_id`` to ``wallet``; ``WrongState`` if another member holds it."""
        ...


class VotesReader(Protocol):
    """What a ``...BySig`` signature depends on: the signer's nonces, and whom a holder delegates to."""

    async def governor_nonce(self, voter: Address) -> int: ...

    async def token_nonce(self, holder: Address) -> int: ...

    async def delegate_of(self, holder: Address) -> Address | None:
        """``token.delegates(holder)``; None while the holder has not delegated (zero voting power)."""
        ...


class SignerRecovery(Protocol):
    """Who signed: ``EthAccountSignerRecovery`` in governance.adapters.chain.signatures (EOAs only)."""

    def recover_personal_sign(self, message: str, signature: str) -> Address: ...

    def recover_typed_data(self, typed_data: dict[str, object], signature: str) -> Address: ...


class VoteRelay(Protocol):
    """Sends a member-signed vote or delegation through the one transaction sender; returns the tx hash."""

    async def relay_vote(self, intent: _signing.VoteRelayIntent) -> str: ...

    async def relay_delegation(self, intent: _signing.DelegationRelayIntent) -> str: ...


# --- member overview ------------------------------------------------------------------------


class MemberChainReader(Protocol):
    """Live reads about one holder (the watcher's registers answer history; this answers "now")."""

    async def token_balance(self, holder: Address) -> int: ...

    async def voting_power(self, holder: Address) -> int: ...

    async def delegate_of(self, holder: Address) -> Address | None: ...


class ClaimableReader(Protocol):
    """Dividends a holder can still claim, in base units of the revenue token (payouts feature)."""

    async def claimable(self, holder: Address) -> int: ...


# --- dividend payouts (governance.services.payouts) ------------------------------------------


class PayoutChain(Protocol):
    """Chain reads and write plans of the payout pipeline (``Web3PayoutChain``)."""

    @property
    def chain_id(self) -> int: ...

    async def chain_time(self) -> int:
        """The latest block's timestamp: the clock the contracts judge by."""
        ...

    async def current_epoch(self) -> int: ...

    async def epoch_on_chain(self, epoch: int) -> _payout_runs.EpochOnChain: ...

    async def end_block(self, epoch: int) -> int:
        """The last block whose timestamp is before the epoch's end."""
        ...

    async def revenue_by_classifier(self, epoch: int) -> dict[int, int]: ...

    async def payout_inputs(
        self, epoch: int, end_block: int, bounty_bps: Mapping[int, int]
    ) -> _payouts.PayoutInputs: ...

    async def claimed(self, epoch: int, accounts: Sequence[Address]) -> set[Address]: ...

    def close_plan(self, epoch: int, key: str) -> TxPlan: ...

    def propose_plan(self, manifest: _manifest.PublishedManifest, uri: str, key: str) -> TxPlan: ...

    def claim_plan(self, epoch: int, leaves: Sequence[tuple[Address, int]],
                   proofs: Sequence[Sequence[bytes]], key: str) -> TxPlan: ...

    def sweep_plan(self, epoch: int, key: str) -> TxPlan: ...


class BountyWeights(Protocol):
    """Per-classifier bounty weights (basis points, at most 10,000 in all) for an epoch."""

    name: str

    async def weights(self, epoch: int, revenue: Mapping[int, int]) -> dict[int, int]: ...


class PayoutRepository(Protocol):
    async def get(self, chain_id: int, epoch: int) -> _payout_runs.PayoutRun | None: ...

    async def save(self, run: _payout_runs.PayoutRun) -> None: ...

    async def runs(self, chain_id: int) -> list[_payout_runs.PayoutRun]: ...

    async def save_manifest(self, chain_id: int, round_: int, manifest: _manifest.PublishedManifest) -> None:
        """Store the document and replace the epoch's leaves with the manifest's (in manifest order)."""
        ...

    async def manifest(self, chain_id: int, epoch: int) -> bytes | None: ...

    async def leaves(self, chain_id: int, epoch: int, start: int = 0,
                     stop: int | None = None) -> list[tuple[Address, int]]: ...

    async def last_batch(self, chain_id: int, epoch: int) -> _payout_runs.ClaimBatch | None: ...

    async def save_batch(self, batch: _payout_runs.ClaimBatch) -> None: ...

    async def mark_paid(
        self, chain_id: int, epoch: int, accounts: Sequence[Address], tx_hash: str, at: int
    ) -> None: ...

    async def history(self, chain_id: int, account: Address) -> list[_payout_runs.AccountPayout]: ...


class PayoutUnitOfWork(UnitOfWork, Protocol):
    @property
    def payouts(self) -> PayoutRepository: ...


# --- moderation and the classifier market (governance.services.moderation, .content, .classifier_market) ---


class ModerationRepository(Protocol):
    """Posts, classifier scores, reports, the queue, rounds, ballots, results and market standings."""

    async def add_post(self, post: Post, received_at: int) -> bool:
        """Store a new post; False when that id is already stored (the stored content is kept)."""
        ...

    async def posts(self, post_ids: Sequence[str]) -> dict[str, Post]: ...

    async def add_scores(self, post_id: str, scores: Mapping[int, tuple[bytes, float]]) -> None: ...

    async def scores(self, post_ids: Sequence[str]) -> dict[str, dict[int, float]]: ...

    async def add_report(self, post_id: str, reporter: int, reason: str, at: int) -> bool: ...

    async def reports(self, post_ids: Sequence[str]) -> dict[str, list[str]]: ...

    async def enqueue(self, post_id: str, reason: str, at: int) -> bool:
        """Queue a post for the next round; False when it is already queued or was ever voted on."""
        ...

    async def queued(self, limit: int) -> list[str]: ...

    async def next_round_id(self) -> int: ...

    async def add_round(self, spec: _moderation.RoundSpec, opened_at: int) -> None:
        """Store the round and take its items off the queue."""
        ...

    async def round(self, round_id: int) -> RoundRecord | None: ...

    async def due_rounds(self, now: int) -> list[int]:
        """Open rounds whose closing time has passed."""
        ...

    async def unanchored_rounds(self) -> list[int]: ...

    async def rounds_with_item(self, item_id: str) -> list[RoundRecord]: ...

    async def ballot(self, round_id: int, item_id: str, wallet: Address) -> _moderation.Ballot | None: ...

    async def add_ballot(self, ballot: _moderation.Ballot, member_id: int, at: int) -> bool:
        """False when this wallet already has a ballot on this item in this round."""
        ...

    async def ballots(self, round_id: int) -> list[_moderation.Ballot]: ...

    async def ballot_count(self, round_id: int) -> int: ...

    async def save_result(self, result: _moderation.RoundResult, closed_at: int, root: bytes) -> None: ...

    async def set_anchor(self, round_id: int, tx_hash: str) -> None: ...

    async def histories(self, item_ids: Sequence[str] | None = None) -> dict[str, list[_moderation.ItemResult]]:
        """Closed results per item (all items when ``item_ids`` is None)."""
        ...

    async def unscored_rounds(self) -> list[int]: ...

    async def mark_scored(self, round_ids: Sequence[int], epoch: int) -> None: ...

    async def save_period(self, period: MarketPeriod) -> None: ...

    async def standings(self, epoch: int) -> list[ClassifierStanding]: ...

    async def latest_reputations(self) -> dict[int, tuple[float, int]]: ...


class ModerationUnitOfWork(UnitOfWork, Protocol):
    @property
    def moderation(self) -> ModerationRepository: ...


class ModerationChain(Protocol):
    """What moderation reads from and writes to chain: snapshot voting power, delegations, the
    classifier registry, the ModerationLedger and the treasury's epoch."""

    async def snapshot_block(self) -> int:
        """The newest block whose voting power is final (a past block: ``getPastVotes`` accepts it)."""
        ...

    async def past_votes(self, wallet: Address, block: int) -> int: ...

    async def past_total_power(self, block: int) -> int: ...

    async def delegation_blocks(self, wallets: Sequence[Address], up_to_block: int) -> dict[Address, int]:
        """The block of each wallet's latest delegation change (as delegator or delegatee), if any."""
        ...

    async def listed_classifiers(self) -> list[ListedClassifier]: ...

    async def anchor_round(self, round_id: int, root: bytes, uri: str) -> str:
        """Anchor through the one transaction sender (idempotent per round); the tx hash."""
        ...

    async def anchored_root(self, round_id: int) -> bytes | None: ...

    async def current_epoch(self) -> int: ...


class ContentScorer(Protocol):
    def score(self, texts: Sequence[str]) -> list[float]: ...


class ClassifierLoader(Protocol):
    """Finds a listed classifier's artifact and loads it only if its hash matches the registry
    (``IntegrityError`` on a mismatch, ``NotFound`` when there is no artifact)."""

    def load(self, classifier: ListedClassifier) -> ContentScorer: ...


class ClassifierMarket(Protocol):
    """Scores classifiers on one period's resolved outcomes (``policies.classifiers.market``)."""

    def score_period(
        self,
        epoch: int,
        outcomes: Mapping[str, float],
        predictions: Mapping[int, Mapping[str, float]],
        stakes: Mapping[int, int],
        previous: Mapping[int, tuple[float, int]],
    ) -> MarketPeriod: ...


class BountyWeightsReader(Protocol):
    """Per-classifier bounty weights (basis points summing to 10,000, or empty) of one epoch."""

    async def weights(self, epoch: int) -> dict[int, int]: ...


# --- proposals, votes and the classifier registry (governance.services.proposals) -------------


class ProposalBook(Protocol):
    """The watcher's read model of one chain's Governor: proposals, tallies, voters, voting power."""

    async def recent(self, limit: int = 10) -> list[_records.ProposalView]:
        """Newest first."""
        ...

    async def get(self, proposal_id: int) -> _records.ProposalView | None: ...

    async def voters(self, proposal_id: int) -> set[Address]: ...

    async def head_clock(self) -> int | None:
        """The Governor's clock (block number) at the indexed head; None before the first step."""
        ...

    async def voting_power(self, account: Address) -> int:
        """Votes delegated to ``account`` at the indexed head."""
        ...


class GovernanceChain(Protocol):
    """Live Governor and registry reads, and the proposal calls to plan for the one sender."""

    async def proposal_state(self, proposal_id: int) -> _records.ProposalState | None:
        """The Governor's ``state(id)`` now; None for a proposal it does not know."""
        ...

    async def quorum_at(self, timepoint: int) -> int: ...

    async def executable(self, proposal_id: int) -> bool:
        """Queued and its timelock delay is over (the latest block's time is past the ETA)."""
        ...

    async def classifier(self, classifier_id: int) -> _classifiers.Classifier | None: ...

    async def classifiers(self) -> list[_classifiers.Classifier]: ...

    def delist_action(self, classifier_id: int) -> _proposals.ProposalAction: ...

    def list_action(self, listing: _classifiers.Listing) -> _proposals.ProposalAction: ...

    def proposal_id(self, actions: Sequence[_proposals.ProposalAction], description: str) -> int: ...

    def governor_plan(
        self, step: str, actions: Sequence[_proposals.ProposalAction], description: str
    ) -> TxPlan:
        """``step`` is propose, queue or execute; the plan's key is unique per proposal and step."""
        ...
