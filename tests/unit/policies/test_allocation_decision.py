"""The proposal rule and the paired bootstrap behind it."""

from __future__ import annotations

import numpy as np

from policies.allocation.evaluation import Interval, decide, paired_bootstrap


def test_the_policy_is_proposed_only_when_its_lower_bound_is_above_zero_and_it_never_breached() -> None:
    assert decide(Interval(0.05, 0.01, 0.09), policy_breaches=0).choice == "policy"
    assert decide(Interval(0.05, -0.01, 0.09), policy_breaches=0).choice == "best fixed"
    assert decide(Interval(0.05, 0.0, 0.09), policy_breaches=0).choice == "best fixed"
    breached = decide(Interval(0.05, 0.01, 0.09), policy_breaches=3)
    assert breached.choice == "best fixed" and "3" in breached.reason


def test_a_constant_gain_has_a_point_interval() -> None:
    baseline = np.linspace(0.0, 1.0, 50)
    interval = paired_bootstrap(np.vstack([baseline + 0.2] * 3), baseline)
    assert np.isclose(interval.mean, 0.2) and np.isclose(interval.low, 0.2) and np.isclose(interval.high, 0.2)


def test_pairing_removes_the_scenario_spread() -> None:
    rng = np.random.default_rng(1)
    baseline = rng.normal(0.0, 5.0, 200)  # scenarios differ a lot
    policy = baseline[None, :] + 0.1 + rng.normal(0.0, 0.05, (5, 200))  # but the policy is always a bit better
    interval = paired_bootstrap(policy, baseline)
    assert 0.09 < interval.low < interval.mean < interval.high < 0.11


def test_no_gain_gives_an_interval_around_zero() -> None:
    rng = np.random.default_rng(2)
    baseline = rng.normal(0.0, 1.0, 200)
    interval = paired_bootstrap(baseline[None, :] + rng.normal(0.0, 0.5, (5, 200)), baseline)
    assert interval.low < 0.0 < interval.high


def test_seed_luck_widens_the_interval() -> None:
    baseline = np.zeros(200)
    rng = np.random.default_rng(3)
    steady = np.full((5, 200), 0.1) + rng.normal(0.0, 0.01, (5, 200))
    lucky = steady + np.array([[-0.2], [0.0], [0.1], [0.2], [-0.1]])  # same mean, seeds disagree
    narrow, wide = paired_bootstrap(steady, baseline), paired_bootstrap(lucky, baseline)
    assert (wide.high - wide.low) > 5 * (narrow.high - narrow.low)
