from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from governance.domain.addresses import Address, to_checksum
from governance.domain.errors import InvalidInput, WrongState
from governance.domain.moderation import (
    Ballot,
    Choice,
    Decision,
    Round,
    RoundKind,
    RoundRules,
    RoundSpec,
)

OPENED = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
CLOSES = OPENED + timedelta(hours=24)
AFTER = CLOSES + timedelta(seconds=1)
D, K = Choice.DERANK, Choice.KEEP


def wallet(i: int) -> Address:
    return to_checksum(f"{i + 1:040x}")


def spec(items: tuple[str, ...] = ("a", "b"), total: int = 1_000, rules: RoundRules | None = None) -> RoundSpec:
    return RoundSpec(7, RoundKind.FIRST, items, 5_000, total, CLOSES, rules or RoundRules(quorum_bps=1_000))


def vote(i: int, item: str, choice: Choice, weight: int) -> Ballot:
    return Ballot(7, item, wallet(i), choice, weight)


def many(round_: Round, votes: list[tuple[int, str, Choice, int]]) -> None:
    for i, item, choice, weight in votes:
        round_.cast(vote(i, item, choice, weight), now=OPENED)


def close(round_: Round, delegated_at: dict[Address, int] | None = None) -> Round:
    round_.close(now=AFTER, delegated_at=delegated_at or {})
    return round_


def even_voters(item: str, derank: int, keep: int, weight: int = 10) -> list[tuple[int, str, Choice, int]]:
    return [(i, item, D, weight) for i in range(derank)] + [(100 + i, item, K, weight) for i in range(keep)]


def test_majority_with_quorum_deranks_and_other_items_keep() -> None:
    r = Round(spec())
    many(r, even_voters("a", derank=7, keep=4))
    result = close(r).result()
    a, b = result.item("a"), result.item("b")
    assert (a.decision, a.tally.derank_weight, a.tally.keep_weight, a.tally.quorum_met) == (
        Decision.DERANK,
        70,
        40,
        True,
    )
    assert (b.decision, b.tally.ballots, b.tally.quorum_met) == (Decision.KEEP, 0, False)


def test_tie_keeps_the_item() -> None:
    r = Round(spec())
    many(r, even_voters("a", derank=6, keep=6))
    assert close(r).result().item("a").decision is Decision.KEEP


def test_without_quorum_a_unanimous_derank_keeps() -> None:
    r = Round(spec(total=10_000))  # quorum 10% = 1,000; 11 x 10 cast
    many(r, even_voters("a", derank=11, keep=0))
    item = close(r).result().item("a")
    assert not item.tally.quorum_met and item.decision is Decision.KEEP


def test_quorum_counts_weight_before_the_cap() -> None:
    r = Round(spec(total=1_000, rules=RoundRules(quorum_bps=5_000, cap_bps=1_000)))
    many(r, [(999, "a", D, 480), *even_voters("a", derank=3, keep=0, weight=10)])
    tally = close(r).result().item("a").tally
    assert tally.cast_weight == 510 and tally.quorum_met
    assert tally.derank_weight == 40  # four voters: everyone counts equally (share 1/4)


def test_a_whale_cannot_outvote_many_members() -> None:
    r = Round(spec(total=100_000, rules=RoundRules(quorum_bps=100, cap_bps=1_000)))
    many(r, [(999, "a", K, 60_000), *even_voters("a", derank=12, keep=0, weight=100)])
    item = close(r).result().item("a")
    assert item.tally.keep_weight == item.tally.ceiling == 133  # 133 <= 10% of (1200 + 133)
    assert item.decision is Decision.DERANK


def test_tallies_stay_hidden_until_close() -> None:
    r = Round(spec())
    many(r, even_voters("a", derank=3, keep=1))
    with pytest.raises(WrongState, match="hidden until it closes"):
        r.result()
    assert r.ballot_count == 4 and not hasattr(r, "tally")
    with pytest.raises(WrongState, match="open until"):
        r.close(now=CLOSES - timedelta(seconds=1), delegated_at={})


def test_one_ballot_per_wallet_per_item() -> None:
    r = Round(spec())
    r.cast(vote(1, "a", D, 10), now=OPENED)
    r.cast(vote(1, "b", K, 10), now=OPENED)  # the same wallet may vote on another item
    with pytest.raises(WrongState, match="already voted on item 'a'"):
        r.cast(vote(1, "a", K, 10), now=OPENED)
    assert r.ballot_of(wallet(1), "a") == vote(1, "a", D, 10)


def test_no_ballots_after_closing_time_or_close() -> None:
    r = Round(spec())
    with pytest.raises(WrongState, match="no longer accepts ballots"):
        r.cast(vote(1, "a", D, 10), now=CLOSES)
    close(r)
    with pytest.raises(WrongState, match="no longer accepts ballots"):
        r.cast(vote(1, "a", D, 10), now=OPENED)


def test_close_is_idempotent() -> None:
    r = Round(spec())
    many(r, even_voters("a", 3, 1))
    first = r.close(now=AFTER, delegated_at={})
    assert r.close(now=AFTER + timedelta(days=3), delegated_at={wallet(0): 5_000}) is first


@pytest.mark.parametrize(
    ("ballot", "error", "fragment"),
    [
        (Ballot(8, "a", wallet(0), D, 1), InvalidInput, "belongs to round 8"),
        (Ballot(7, "zzz", wallet(0), D, 1), InvalidInput, "not part of round 7"),
        (Ballot(7, "a", wallet(0), D, 1_001), InvalidInput, "more than all voting power"),
    ],
)
def test_refuses_foreign_ballots(ballot: Ballot, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        Round(spec()).cast(ballot, now=OPENED)


def test_zero_weight_ballot_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no voting power"):
        vote(1, "a", D, 0)


def test_spec_validation() -> None:
    with pytest.raises(InvalidInput, match="only once"):
        spec(items=("a", "a"))
    with pytest.raises(InvalidInput, match="at least one item"):
        spec(items=())
    with pytest.raises(InvalidInput, match="Nobody had voting power"):
        spec(total=0)


def test_result_does_not_depend_on_ballot_order() -> None:
    votes = even_voters("a", 5, 4, 13) + even_voters("b", 2, 6, 7) + [(55, "a", K, 300)]
    first, second = Round(spec()), Round(spec())
    many(first, votes)
    many(second, list(reversed(votes)))
    assert close(first).result() == close(second).result()


def test_restoring_a_round_replays_its_rules() -> None:
    with pytest.raises(WrongState, match="already voted"):
        Round(spec(), [vote(1, "a", D, 10), vote(1, "a", D, 10)])


def fresh_cluster_round() -> Round:
    r = Round(spec(total=1_000, rules=RoundRules(quorum_bps=1_000, fresh_delegation_blocks=100)))
    many(r, even_voters("a", derank=4, keep=6) + [(50 + i, "a", D, 10) for i in range(4)])
    return r


def test_brigading_flags_a_decision_made_by_fresh_delegations() -> None:
    fresh = {wallet(50 + i): 4_950 for i in range(4)}  # delegated 50 blocks before the snapshot
    item = close(fresh_cluster_round(), fresh).result().item("a")
    assert item.decision is Decision.DERANK
    assert item.brigading is not None
    assert item.brigading.decision_without is Decision.KEEP
    assert item.brigading.fresh_wallets == tuple(sorted(fresh)) and item.brigading.fresh_weight == 40


def test_old_delegations_and_non_deciding_fresh_wallets_are_not_flagged() -> None:
    old = {wallet(50 + i): 4_800 for i in range(4)}  # 200 blocks before: outside the window
    assert close(fresh_cluster_round(), old).result().item("a").brigading is None
    r = Round(spec())
    many(r, even_voters("a", derank=9, keep=2))
    result = close(r, {wallet(0): 5_000}).result()  # one fresh voter does not flip 90 vs 20
    assert not result.flagged
