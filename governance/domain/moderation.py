"""De-rank rounds: members vote, per item, to de-rank (never delete) content or keep it.

Rules (explained for members in docs/moderation.md):

- A round covers a batch of items, has a snapshot block and a closing time. A ballot is
  (wallet, item, choice, weight) with weight = the wallet's voting power at the snapshot block.
- One ballot per wallet per item: a second one is refused, not replaced. No ballot after closing.
- Tallies stay hidden while the round is open; ``Round.tally`` refuses until the round is closed.
- Each wallet's weight on an item is capped (``weight_cap``): no wallet counts for more than
  ``cap_bps`` of the item's counted weight.
- Quorum: the uncapped weight cast on an item must reach ``quorum_bps`` of the total voting power
  at the snapshot.
- Decision: DERANK when quorum is met and the counted de-rank weight is strictly greater than the
  counted keep weight; otherwise KEEP. A tie keeps the item (de-ranking needs a majority).
- Brigading check (``check_brigading``): a result decided by wallets whose delegation is fresh is
  flagged; the decision stands, the flag is public.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from governance.domain.addresses import Address
from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput, WrongState
from governance.domain.weight_cap import weight_ceiling

__all__ = [
    "Ballot",
    "BrigadingFlag",
    "Choice",
    "Decision",
    "ItemResult",
    "ItemTally",
    "Round",
    "RoundKind",
    "RoundResult",
    "RoundRules",
    "RoundSpec",
    "check_brigading",
    "decide",
    "fresh_wallets",
    "tally_item",
]


class Choice(Enum):
    """A member's vote on one item; the value is its code in Merkle leaves."""

    KEEP = 0
    DERANK = 1


class Decision(Enum):
    """The result for one item; the value is its code in Merkle leaves."""

    KEEP = 0
    DERANK = 1


class RoundKind(Enum):
    FIRST = 1
    APPEAL = 2


@dataclass(frozen=True, slots=True)
class RoundRules:
    """Parameters every round is opened with (defaults are the DAO's current rules)."""

    quorum_bps: int = 400  # 4% of total voting power at the snapshot must take part on an item
    cap_bps: int = 1_000  # no wallet counts for more than 10% of an item's counted weight
    fresh_delegation_blocks: int = 7_200  # about one day of 12-second blocks

    def __post_init__(self) -> None:
        if not 0 <= self.quorum_bps <= BPS:
            raise InvalidInput("The quorum must be between 0 and 10,000 basis points.")
        if not 0 < self.cap_bps <= BPS:
            raise InvalidInput("The weight cap must be between 1 and 10,000 basis points.")
        if self.fresh_delegation_blocks < 0:
            raise InvalidInput("The fresh-delegation window cannot be negative.")


@dataclass(frozen=True, slots=True)
class RoundSpec:
    """What a round is opened with; fixed for its whole life."""

    round_id: int
    kind: RoundKind
    item_ids: tuple[str, ...]
    snapshot_block: int
    total_power: int
    closes_at: datetime
    rules: RoundRules = RoundRules()

    def __post_init__(self) -> None:
        if self.round_id < 0 or self.snapshot_block < 0:
            raise InvalidInput("Round ids and snapshot blocks are non-negative numbers.")
        if not self.item_ids:
            raise InvalidInput("A round needs at least one item.")
        if len(set(self.item_ids)) != len(self.item_ids):
            raise InvalidInput("An item can appear only once in a round.")
        if self.total_power <= 0:
            raise InvalidInput("Nobody had voting power at the snapshot block; a round cannot open.")
        if self.closes_at.utcoffset() is None:
            raise InvalidInput("The closing time of a round must include a time zone.")


@dataclass(frozen=True, slots=True)
class Ballot:
    round_id: int
    item_id: str
    wallet: Address
    choice: Choice
    weight: int

    def __post_init__(self) -> None:
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight <= 0:
            raise InvalidInput("You had no voting power at this round's snapshot block, so you cannot vote.")


@dataclass(frozen=True, slots=True)
class ItemTally:
    """The counted result on one item (weights after the cap) and the raw participation."""

    item_id: str
    derank_weight: int
    keep_weight: int
    cast_weight: int
    total_power: int
    ballots: int
    ceiling: int
    quorum_met: bool


def tally_item(item_id: str, ballots: Iterable[Ballot], total_power: int, rules: RoundRules) -> ItemTally:
    """Tally one item's ballots: apply the cap, sum both sides, check quorum. Order-independent."""
    chosen = [b for b in ballots if b.item_id == item_id]
    ceiling = weight_ceiling((b.weight for b in chosen), rules.cap_bps)
    derank = sum(min(b.weight, ceiling) for b in chosen if b.choice is Choice.DERANK)
    keep = sum(min(b.weight, ceiling) for b in chosen if b.choice is Choice.KEEP)
    cast = sum(b.weight for b in chosen)
    quorum_met = cast * BPS >= rules.quorum_bps * total_power and cast > 0
    return ItemTally(item_id, derank, keep, cast, total_power, len(chosen), ceiling, quorum_met)


def decide(tally: ItemTally) -> Decision:
    """DERANK iff quorum is met and counted de-rank weight strictly exceeds keep weight."""
    if tally.quorum_met and tally.derank_weight > tally.keep_weight:
        return Decision.DERANK
    return Decision.KEEP


def fresh_wallets(
    ballots: Sequence[Ballot], delegated_at: Mapping[Address, int], snapshot_block: int, window: int
) -> frozenset[Address]:
    """Voters whose last delegation change is within ``window`` blocks before (or at) the snapshot."""
    return frozenset(
        b.wallet
        for b in ballots
        if b.wallet in delegated_at and snapshot_block - window <= delegated_at[b.wallet] <= snapshot_block
    )


@dataclass(frozen=True, slots=True)
class BrigadingFlag:
    """Raised on an item whose decision flips when the freshly delegated voters are removed."""

    item_id: str
    fresh_wallets: tuple[Address, ...]
    fresh_weight: int
    decision_without: Decision


@dataclass(frozen=True, slots=True)
class ItemResult:
    round_id: int
    kind: RoundKind
    closed_at: datetime
    tally: ItemTally
    decision: Decision
    brigading: BrigadingFlag | None

    @property
    def item_id(self) -> str:
        return self.tally.item_id


@dataclass(frozen=True, slots=True)
class RoundResult:
    """A closed round: per-item results in the round's item order, ballots sorted by (item, wallet)."""

    spec: RoundSpec
    closed_at: datetime
    items: tuple[ItemResult, ...]
    ballots: tuple[Ballot, ...]

    @property
    def flagged(self) -> bool:
        return any(item.brigading is not None for item in self.items)

    def item(self, item_id: str) -> ItemResult:
        for result in self.items:
            if result.item_id == item_id:
                return result
        raise InvalidInput(f"Item {item_id!r} is not part of round {self.spec.round_id}.")


def check_brigading(
    spec: RoundSpec, ballots: Sequence[Ballot], decision: Decision, delegated_at: Mapping[Address, int]
) -> BrigadingFlag | None:
    """Flag ``decision`` on one item's ``ballots`` if dropping freshly delegated voters flips it."""
    fresh = fresh_wallets(ballots, delegated_at, spec.snapshot_block, spec.rules.fresh_delegation_blocks)
    if not fresh:
        return None
    item_id = ballots[0].item_id
    rest = [b for b in ballots if b.wallet not in fresh]
    without = decide(tally_item(item_id, rest, spec.total_power, spec.rules))
    if without is decision:
        return None
    fresh_weight = sum(b.weight for b in ballots if b.wallet in fresh)
    return BrigadingFlag(item_id, tuple(sorted(fresh)), fresh_weight, without)


class Round:
    """An open or closed de-rank round (an aggregate: it guards its own ballots).

    Tallies are not reachable while the round is open: ``result`` raises ``WrongState`` until
    ``close`` has run at or after the closing time.
    """

    __slots__ = ("_ballots", "_items", "_result", "_spec")

    def __init__(self, spec: RoundSpec, ballots: Iterable[Ballot] = ()) -> None:
        self._spec = spec
        self._items = frozenset(spec.item_ids)
        self._ballots: dict[tuple[str, Address], Ballot] = {}
        self._result: RoundResult | None = None
        for ballot in ballots:
            self._add(ballot)

    @property
    def spec(self) -> RoundSpec:
        return self._spec

    @property
    def is_closed(self) -> bool:
        return self._result is not None

    @property
    def ballot_count(self) -> int:
        """How many ballots were cast in the whole round (participation, not direction)."""
        return len(self._ballots)

    def ballot_of(self, wallet: Address, item_id: str) -> Ballot | None:
        """The wallet's own ballot on an item, so a member can see how they voted."""
        return self._ballots.get((item_id, wallet))

    def cast(self, ballot: Ballot, *, now: datetime) -> None:
        if self._result is not None or now >= self._spec.closes_at:
            raise WrongState(
                f"Round {self._spec.round_id} closed at {self._spec.closes_at.isoformat()}; "
                "it no longer accepts ballots."
            )
        self._add(ballot)

    def _add(self, ballot: Ballot) -> None:
        spec = self._spec
        if ballot.round_id != spec.round_id:
            raise InvalidInput(f"That ballot belongs to round {ballot.round_id}, not round {spec.round_id}.")
        if ballot.item_id not in self._items:
            raise InvalidInput(f"Item {ballot.item_id!r} is not part of round {spec.round_id}.")
        if ballot.weight > spec.total_power:
            raise InvalidInput("That ballot's weight is more than all voting power at the snapshot.")
        key = (ballot.item_id, ballot.wallet)
        if key in self._ballots:
            raise WrongState(
                f"You already voted on item {ballot.item_id!r} in round {spec.round_id}; a ballot cannot be changed."
            )
        self._ballots[key] = ballot

    def close(self, *, now: datetime, delegated_at: Mapping[Address, int]) -> RoundResult:
        """Close and tally (idempotent: closing again returns the same result).

        ``delegated_at`` maps voters to the block of their last delegation change, for the
        brigading check; wallets missing from it count as not freshly delegated.
        """
        if self._result is not None:
            return self._result
        if now < self._spec.closes_at:
            raise WrongState(f"Round {self._spec.round_id} is open until {self._spec.closes_at.isoformat()}.")
        by_item: dict[str, list[Ballot]] = {item: [] for item in self._spec.item_ids}
        for (item_id, _), ballot in sorted(self._ballots.items()):
            by_item[item_id].append(ballot)
        items = tuple(self._item_result(by_item[i], i, now, delegated_at) for i in self._spec.item_ids)
        ballots = tuple(b for i in sorted(by_item) for b in by_item[i])
        self._result = RoundResult(self._spec, now, items, ballots)
        return self._result

    def _item_result(
        self, ballots: list[Ballot], item_id: str, now: datetime, delegated_at: Mapping[Address, int]
    ) -> ItemResult:
        spec = self._spec
        tally = tally_item(item_id, ballots, spec.total_power, spec.rules)
        decision = decide(tally)
        flag = check_brigading(spec, ballots, decision, delegated_at) if ballots else None
        return ItemResult(spec.round_id, spec.kind, now, tally, decision, flag)

    def result(self) -> RoundResult:
        if self._result is None:
            raise WrongState(
                f"Tallies of round {self._spec.round_id} stay hidden until it closes at "
                f"{self._spec.closes_at.isoformat()}."
            )
        return self._result
