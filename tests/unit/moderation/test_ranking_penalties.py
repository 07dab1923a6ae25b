from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from governance.domain.addresses import to_checksum
from governance.domain.errors import WrongState
from governance.domain.moderation import (
    Ballot,
    Choice,
    ItemResult,
    Round,
    RoundKind,
    RoundRules,
    RoundSpec,
)
from governance.domain.ranking import APPEAL_WINDOW, check_appeal, final_result, penalties, penalty_for

T0 = datetime(2026, 11, 21, tzinfo=UTC)


def result(round_id: int, kind: RoundKind, derank: int, keep: int, at: datetime = T0) -> ItemResult:
    r = Round(RoundSpec(round_id, kind, ("p-9",), 1, 1_000, at, RoundRules(quorum_bps=100, cap_bps=10_000)))
    for i, choice, weight in ((1, Choice.DERANK, derank), (2, Choice.KEEP, keep)):
        if weight:
            r.cast(Ballot(round_id, "p-9", to_checksum(f"{i:040x}"), choice, weight), now=at - timedelta(1))
    return r.close(now=at, delegated_at={}).item("p-9")


def test_derank_becomes_a_public_penalty() -> None:
    first = result(1, RoundKind.FIRST, derank=60, keep=20)
    penalty = penalty_for("p-9", [first])
    assert penalty is not None
    assert (penalty.multiplier_bps, penalty.round_id, penalty.decided_at) == (1_000, 1, T0)
    assert penalty.reason == (
        "De-ranked by member vote (round 1): 75.0% of the counted weight chose de-rank; "
        "8.0% of all voting power took part."
    )


def test_keep_has_no_penalty() -> None:
    assert penalty_for("p-9", [result(1, RoundKind.FIRST, derank=10, keep=20)]) is None
    assert penalty_for("p-9", []) is None


def test_appeal_overturns_or_upholds() -> None:
    first = result(1, RoundKind.FIRST, derank=60, keep=20)
    overturned = result(2, RoundKind.APPEAL, derank=10, keep=90, at=T0 + timedelta(days=2))
    assert final_result("p-9", [first, overturned]) == overturned
    assert penalties({"p-9": [first, overturned]}) == []
    upheld = result(2, RoundKind.APPEAL, derank=90, keep=10, at=T0 + timedelta(days=2))
    [penalty] = penalties({"p-9": [upheld, first]})
    assert penalty.round_id == 2 and "upheld on appeal" in penalty.reason


def test_one_appeal_per_item_within_the_window() -> None:
    first = result(1, RoundKind.FIRST, derank=60, keep=20)
    check_appeal("p-9", [first], pending=False, now=T0 + timedelta(days=1))
    with pytest.raises(WrongState, match="no closed moderation round"):
        check_appeal("p-9", [], pending=False, now=T0)
    with pytest.raises(WrongState, match="being voted on"):
        check_appeal("p-9", [first], pending=True, now=T0)
    appeal = result(2, RoundKind.APPEAL, derank=60, keep=20, at=T0 + timedelta(days=2))
    with pytest.raises(WrongState, match="already appealed"):
        check_appeal("p-9", [first, appeal], pending=False, now=T0 + timedelta(days=3))
    with pytest.raises(WrongState, match="appeal window"):
        check_appeal("p-9", [first], pending=False, now=T0 + APPEAL_WINDOW + timedelta(seconds=1))


def test_a_flagged_result_says_so_in_its_reason() -> None:
    spec = RoundSpec(4, RoundKind.FIRST, ("p-9",), 1_000, 1_000, T0, RoundRules(quorum_bps=100, cap_bps=10_000))
    r = Round(spec)
    fresh, old = to_checksum(f"{1:040x}"), to_checksum(f"{2:040x}")
    r.cast(Ballot(4, "p-9", fresh, Choice.DERANK, 60), now=T0 - timedelta(hours=1))
    r.cast(Ballot(4, "p-9", old, Choice.KEEP, 40), now=T0 - timedelta(hours=1))
    item = r.close(now=T0, delegated_at={fresh: 990, old: 10}).item("p-9")
    penalty = penalty_for("p-9", [item])
    assert penalty is not None and penalty.reason.endswith("Flagged: recently delegated wallets decided this result.")
