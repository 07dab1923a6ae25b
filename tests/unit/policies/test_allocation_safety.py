"""The safety projection holds every limit, whatever the action and the state."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput
from policies.allocation.safety import (
    RESERVE,
    SECONDS_PER_MONTH,
    ProjectionContext,
    SafetyLimits,
    project,
    project_target,
)

WEEK = 7 * 86_400
LIMITS = SafetyLimits()

any_float = st.floats(allow_nan=True, allow_infinity=True)
huge_int = st.integers(min_value=-(10**400), max_value=10**400)
actions = st.lists(st.one_of(any_float, huge_int), min_size=0, max_size=7)
any_int = st.integers(min_value=-(10**30), max_value=10**30)
splits = st.lists(st.integers(min_value=-5000, max_value=15000), min_size=5, max_size=5).map(tuple)


@st.composite
def lawful_splits(draw: st.DrawFn, limits: SafetyLimits = LIMITS) -> tuple[int, ...]:
    split = list(limits.min_bps)
    order = draw(st.permutations(range(5)))
    for pool in order:
        split[pool] = min(limits.max_bps[pool], split[pool] + BPS - sum(split))
    for give, take in itertools.pairwise(order):
        room = min(split[give] - limits.min_bps[give], limits.max_bps[take] - split[take])
        moved = draw(st.integers(0, max(0, room)))
        split[give] -= moved
        split[take] += moved
    assert sum(split) == BPS
    return tuple(split)


@st.composite
def limit_sets(draw: st.DrawFn) -> SafetyLimits:
    lows = [draw(st.integers(0, 2000)) for _ in range(5)]
    highs = [lo + draw(st.integers(0, BPS - lo)) for lo in lows]
    if sum(highs) < BPS:
        highs = [BPS] * 5
    return SafetyLimits(tuple(lows), tuple(highs), draw(st.integers(0, 24)), draw(st.integers(0, 20_000)))


contexts = st.builds(
    ProjectionContext,
    current_bps=splits,
    treasury=any_int,
    op_cost_per_epoch=any_int,
    expected_revenue=any_int,
    epoch_seconds=st.integers(min_value=-10, max_value=10**9),
)


def assert_lawful(split: tuple[int, ...], limits: SafetyLimits) -> None:
    assert len(split) == 5 and all(isinstance(s, int) for s in split)
    assert sum(split) == BPS
    for s, lo, hi in zip(split, limits.min_bps, limits.max_bps, strict=True):
        assert lo <= s <= hi


def l1(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


@settings(max_examples=400, deadline=None)
@given(action=actions, context=contexts, limits=limit_sets())
def test_any_action_and_state_gives_a_lawful_split(
    action: list[float], context: ProjectionContext, limits: SafetyLimits
) -> None:
    assert_lawful(project(action, context, limits).split_bps, limits)


@settings(max_examples=300, deadline=None)
@given(target=actions, data=st.data(), treasury=any_int, revenue=any_int)
def test_turnover_from_a_lawful_current_split_stays_within_the_cap(
    target: list[float], data: st.DataObject, treasury: int, revenue: int
) -> None:
    current = data.draw(lawful_splits())
    context = ProjectionContext(current, treasury, 10**9, revenue, WEEK)
    result = project_target(target, context, LIMITS)
    assert_lawful(result.split_bps, LIMITS)
    assert l1(result.split_bps, current) <= LIMITS.turnover_cap_bps


@settings(max_examples=200, deadline=None)
@given(data=st.data(), target=actions)
def test_under_the_floor_the_reserve_climbs_as_far_as_the_cap_allows(data: st.DataObject, target: list[float]) -> None:
    current = data.draw(lawful_splits())
    cost = 10**9
    context = ProjectionContext(current, 0, cost, 3 * cost, WEEK)
    split = project_target(target, context, LIMITS).split_bps
    room = sum(current[i] - LIMITS.min_bps[i] for i in range(5) if i != RESERVE)
    reachable = min(LIMITS.max_bps[RESERVE], current[RESERVE] + min(LIMITS.turnover_cap_bps // 2, room))
    assert split[RESERVE] >= reachable  # the floor needs far more than one epoch can give


def test_a_lawful_target_within_the_cap_is_returned_unchanged() -> None:
    current = (2000, 2000, 2000, 2000, 2000)
    context = ProjectionContext(current, 10**15, 10**9, 3 * 10**9, WEEK)
    result = project_target([2400, 1600, 2000, 2200, 1800], context, LIMITS)
    assert result.split_bps == (2400, 1600, 2000, 2200, 1800)
    assert result.bound == ()


def test_a_far_target_is_cut_at_the_turnover_cap_and_says_so() -> None:
    current = (2000, 2000, 2000, 2000, 2000)
    context = ProjectionContext(current, 10**15, 10**9, 3 * 10**9, WEEK)
    result = project_target([5000, 500, 500, 3500, 500], context, LIMITS)
    assert LIMITS.turnover_cap_bps - 10 <= l1(result.split_bps, current) <= LIMITS.turnover_cap_bps
    assert "turnover cap" in result.bound
    assert result.split_bps[0] > 2000 and result.split_bps[1] < 2000


def test_the_floor_is_months_of_runway() -> None:
    cost = 10**9
    floor = ProjectionContext((2000,) * 5, 0, cost, cost, WEEK).floor_balance(LIMITS)
    assert floor == 3 * SECONDS_PER_MONTH * cost // WEEK
    assert math.isclose(floor / cost, 13.04, rel_tol=1e-3)  # about 13 weekly epochs
    above = ProjectionContext((2000,) * 5, floor + cost, cost, 3 * cost, WEEK)
    below = ProjectionContext((2000,) * 5, floor // 2, cost, 3 * cost, WEEK)
    assert "reserve floor" not in project_target([1, 1, 1, 0.01, 1], above, LIMITS).bound
    assert project_target([1, 1, 1, 0.01, 1], below, LIMITS).split_bps[RESERVE] == 3000
    assert "reserve floor" in project_target([1, 1, 1, 0.01, 1], below, LIMITS).bound


def test_nan_and_infinite_actions_are_neutral_or_clipped() -> None:
    current = (2000, 2000, 2000, 2000, 2000)
    context = ProjectionContext(current, 10**15, 10**9, 3 * 10**9, WEEK)
    assert project([math.nan] * 5, context, LIMITS).split_bps == current
    assert project([math.inf, -math.inf, 0, 0, 0], context, LIMITS).split_bps[0] == 3000


@pytest.mark.parametrize(
    ("lows", "highs"),
    [((0, 0, 0, 0), (1, 1, 1, 1)), ((3000,) * 5, (BPS,) * 5), ((0,) * 5, (1000,) * 5), ((-1, 0, 0, 0, 0), (BPS,) * 5)],
)
def test_impossible_limits_are_refused(lows: tuple[int, ...], highs: tuple[int, ...]) -> None:
    with pytest.raises(InvalidInput):
        SafetyLimits(lows, highs)
