from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.domain.errors import InvalidInput
from governance.domain.weight_cap import capped_weights, weight_ceiling


def test_no_trimming_when_every_share_is_under_the_cap() -> None:
    assert weight_ceiling([10] * 20, 1_000) == 10  # each 5%


def test_a_whale_is_trimmed_to_exactly_the_cap() -> None:
    weights = {f"w{i}": 100 for i in range(18)} | {"whale": 1_000_000}
    counted = capped_weights(weights, 1_000)
    # 18 wallets of 100 and a whale at C: C <= 0.1 * (1800 + C)  ->  C = 200
    assert counted["whale"] == 200
    assert all(counted[f"w{i}"] == 100 for i in range(18))


def test_several_large_wallets_share_the_same_ceiling() -> None:
    weights = [1] * 10 + [500, 700]
    ceiling = weight_ceiling(weights, 2_500)
    # two trimmed at C: C <= 0.25 * (10 + 2C) -> C = 5
    assert ceiling == 5


def test_fewer_voters_than_one_over_cap_count_equally() -> None:
    assert weight_ceiling([3, 50, 1_000], 1_000) == 3
    assert weight_ceiling([42], 1_000) == 42


def test_refuses_bad_parameters() -> None:
    with pytest.raises(InvalidInput):
        weight_ceiling([1, 2], 0)
    with pytest.raises(InvalidInput):
        weight_ceiling([1, 0], 1_000)
    assert weight_ceiling([], 1_000) == 0


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=10**24), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=10_000),
)
def test_cap_holds_is_tight_and_order_independent(weights: list[int], cap_bps: int) -> None:
    ceiling = weight_ceiling(weights, cap_bps)
    share = max(Fraction(cap_bps, 10_000), Fraction(1, len(weights)))
    counted = [min(w, ceiling) for w in weights]
    assert max(counted) <= share * sum(counted)
    if ceiling < max(weights):  # one more unit would break the bound: the ceiling is the largest
        bigger = [min(w, ceiling + 1) for w in weights]
        assert max(bigger) > share * sum(bigger)
    shuffled = list(weights)
    random.Random(7).shuffle(shuffled)
    assert weight_ceiling(shuffled, cap_bps) == ceiling
