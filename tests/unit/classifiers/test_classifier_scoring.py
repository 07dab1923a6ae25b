from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.domain.addresses import to_checksum
from governance.domain.errors import InvalidInput
from governance.domain.moderation import Ballot, Choice, ItemResult, Round, RoundKind, RoundRules, RoundSpec
from policies.classifiers.reputation import (
    Reputation,
    ReputationRules,
    bounty_weights,
    delisting_signals,
    update_reputations,
)
from policies.classifiers.scoring import ClassifierScore, outcomes_from_results, score_classifiers

N = 2_000
RNG = np.random.default_rng(11)
ITEMS = [f"p-{i:05d}" for i in range(N)]
Y = RNG.random(N)
NOISY_A = Y + RNG.normal(0, 0.3, N)
NOISY_B = Y + RNG.normal(0, 0.5, N)


def as_map(values: np.ndarray) -> dict[str, float]:
    return dict(zip(ITEMS, (float(v) for v in values), strict=True))


OUTCOMES = as_map(Y)


def test_perfect_random_and_copy_of_the_ensemble() -> None:
    ranks_a = np.argsort(np.argsort(NOISY_A))  # any monotone transform is the same ranking
    predictions = {
        "a": as_map(NOISY_A),
        "copy": as_map(ranks_a * 3.0 + 1.0),
        "perfect": as_map(Y**3),
        "random": as_map(RNG.random(N)),
    }
    scores = score_classifiers(OUTCOMES, predictions, {"a": 5})
    corr_a = scores["a"].correlation
    assert scores["perfect"].correlation == pytest.approx(1.0)
    assert scores["perfect"].contribution == pytest.approx(1 - corr_a**2)
    assert abs(scores["random"].correlation) < 0.08 and abs(scores["random"].contribution) < 0.08
    assert scores["copy"].correlation == pytest.approx(corr_a)
    assert abs(scores["copy"].contribution) < 1e-9 and abs(scores["a"].contribution) < 1e-9
    assert scores["perfect"].score == pytest.approx(1 + 1 - corr_a**2)
    assert list(scores) == ["a", "copy", "perfect", "random"]


def test_a_near_copy_of_a_two_member_ensemble_adds_almost_nothing() -> None:
    blend = (NOISY_A - NOISY_A.mean()) / NOISY_A.std() * 3 + (NOISY_B - NOISY_B.mean()) / NOISY_B.std()
    predictions = {"a": as_map(NOISY_A), "b": as_map(NOISY_B), "copy": as_map(blend), "perfect": as_map(Y)}
    scores = score_classifiers(OUTCOMES, predictions, {"a": 3, "b": 1})
    assert abs(scores["copy"].contribution) < 0.01
    assert scores["copy"].correlation > 0.5
    assert scores["perfect"].contribution > 0.1


def test_spearman_matches_scipy_and_unscored_items_sit_in_the_middle() -> None:
    from scipy.stats import spearmanr

    scores = score_classifiers(OUTCOMES, {"a": as_map(NOISY_B)}, {})
    assert scores["a"].correlation == pytest.approx(spearmanr(NOISY_B, Y).statistic)
    assert scores["a"].contribution == pytest.approx(scores["a"].correlation)  # no stake: no ensemble
    partial = dict(list(as_map(Y).items())[: N // 2])
    half = score_classifiers(OUTCOMES, {"half": partial}, {})["half"]
    assert half.items == N // 2
    assert half.correlation == pytest.approx(2**-0.5, abs=0.01)  # half the variance sits at the middle


def test_scoring_input_errors() -> None:
    few = dict(list(OUTCOMES.items())[:9])
    with pytest.raises(InvalidInput, match="at least 10 resolved items"):
        score_classifiers(few, {"a": few}, {})
    with pytest.raises(InvalidInput, match="negative"):
        score_classifiers(OUTCOMES, {"a": OUTCOMES}, {"a": -1})
    with pytest.raises(InvalidInput, match="finite"):
        score_classifiers(OUTCOMES, {"a": {**OUTCOMES, ITEMS[0]: float("inf")}}, {})


def item_result(
    item: str, derank: int, keep: int, kind: RoundKind = RoundKind.FIRST, fresh: bool = False
) -> ItemResult:
    closes = datetime(2026, 11, 21, tzinfo=UTC) + timedelta(days=kind.value)
    r = Round(RoundSpec(kind.value, kind, (item,), 100, 1_000, closes, RoundRules(quorum_bps=500, cap_bps=10_000)))
    voters = [(to_checksum(f"{1:040x}"), Choice.DERANK, derank), (to_checksum(f"{2:040x}"), Choice.KEEP, keep)]
    for wallet, choice, weight in voters:
        if weight:
            r.cast(Ballot(kind.value, item, wallet, choice, weight), now=closes - timedelta(hours=1))
    delegated = {voters[0][0]: 100} if fresh else {}
    return r.close(now=closes, delegated_at=delegated).item(item)


def test_outcomes_use_final_decisions_with_quorum_and_skip_flagged() -> None:
    histories = {
        "a": [item_result("a", 45, 15)],
        "b": [item_result("b", 30, 10), item_result("b", 10, 40, RoundKind.APPEAL)],
        "no-quorum": [item_result("no-quorum", 20, 10)],
        "flagged": [item_result("flagged", 40, 20, fresh=True)],
    }
    assert histories["flagged"][0].brigading is not None
    assert outcomes_from_results(histories) == {"a": 0.75, "b": 0.2}
    assert outcomes_from_results(histories, include_flagged=True)["flagged"] == pytest.approx(2 / 3)


def score(cid: str, value: float) -> ClassifierScore:
    return ClassifierScore(cid, 100, value, 0.0, value)


def test_reputation_is_exponentially_weighted() -> None:
    rules = ReputationRules(alpha=0.5)
    reps = update_reputations({}, {"a": score("a", 0.4), "b": score("b", -0.2)}, rules)
    reps = update_reputations(reps, {"a": score("a", 0.0)}, rules)
    assert reps["a"] == Reputation("a", 0.1, 2)
    assert reps["b"] == Reputation("b", -0.1, 1)  # not scored this period: unchanged


def test_bounty_weights_split_positive_scores_into_basis_points() -> None:
    weights = bounty_weights({"a": score("a", 0.3), "b": score("b", 0.1), "c": score("c", -0.5), "d": score("d", 0.0)})
    assert weights == {"a": 7_500, "b": 2_500}
    thirds = bounty_weights({"x": score("x", 0.1), "y": score("y", 0.1), "z": score("z", 0.1)})
    assert thirds == {"x": 3_334, "y": 3_333, "z": 3_333}
    assert bounty_weights({"a": score("a", -0.1), "b": score("b", 0.0)}) == {}
    assert bounty_weights({}) == {}


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.floats(-1, 1), max_size=12))
def test_bounty_weights_always_sum_to_10000_or_nothing(values: dict[str, float]) -> None:
    weights = bounty_weights({cid: score(cid, v) for cid, v in values.items()})
    assert all(w >= 0 for w in weights.values())
    assert sum(weights.values()) == (10_000 if weights else 0)
    assert set(weights) == {cid for cid, v in values.items() if round(v * 1_000_000) > 0}


def test_negative_reputation_signals_delisting_after_min_epochs() -> None:
    rules = ReputationRules(alpha=0.2, min_epochs=3)
    reps: dict[str, Reputation] = {}
    for epoch in range(3):
        latest = {"bad": ClassifierScore("bad", 120, -0.15, -0.05, -0.2), "good": score("good", 0.3)}
        reps = update_reputations(reps, latest, rules)
        signals = delisting_signals(reps, latest, rules)
        assert (signals == []) is (epoch < 2)
    [signal] = signals
    assert signal.classifier_id == "bad" and signal.epochs == 3 and signal.reputation < 0
    assert signal.reason.startswith("Delist classifier bad. After 3 scored periods")
    assert "rank correlation with the outcome was -0.150" in signal.reason
    assert "shareholders keep every dividend already paid" in signal.reason
