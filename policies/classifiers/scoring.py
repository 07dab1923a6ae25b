"""Classifier performance against resolved moderation rounds, Numerai-style.

Definitions, for one scoring period over the items ``i = 1..n`` resolved in it:

- **Outcome** ``y_i``: the share of the counted (capped) weight that voted to de-rank item ``i`` in
  its final round (the appeal's when there was one). Items whose final round missed quorum are not
  resolved and are left out; so are brigading-flagged results unless ``include_flagged``.
- **Rank normalisation** ``u(x)``: average ranks (ties share their mean rank), mapped to
  ``(rank - 0.5) / m`` over the ``m`` items that have a value; an item a classifier did not score
  gets ``0.5``, the middle. ``z(x)`` is ``u(x)`` standardised to mean 0 and population std 1 (all
  zeros when constant).
- **Correlation** ``corr_c = mean(z(s_c) * z(y))``: Spearman's rank correlation between classifier
  ``c``'s scores ``s_c`` and the outcome (exactly Spearman when ``c`` scored every item).
- **Ensemble** ``E = z(sum_c stake_c * z(s_c))``: the stake-weighted mean of the classifiers'
  normalised scores, standardised; classifiers with zero stake are scored but not in it.
- **Contribution** (Numerai's "meta-model contribution"): neutralise ``z(s_c)`` against ``E`` by
  least squares, ``r_c = z(s_c) - beta_c * E`` with ``beta_c = mean(z(s_c) * E)``, and take the
  covariance of the residual with the outcome, ``contrib_c = mean(r_c * z(y))``. An exact copy of
  the ensemble has ``r_c = 0`` and contributes 0; a perfect classifier contributes ``1 - corr(E, y)^2``.
  With no staked classifier, ``E = 0`` and the contribution equals the correlation.
- **Score** ``score_c = corr_weight * corr_c + contribution_weight * contrib_c``.

Reputation, bounty weights and delisting signals built on these scores are in ``reputation``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from governance.domain.errors import InvalidInput
from governance.domain.moderation import ItemResult
from governance.domain.ranking import final_result

__all__ = ["ClassifierScore", "ScoringWeights", "outcomes_from_results", "score_classifiers"]

Array = np.ndarray[Any, np.dtype[np.float64]]
MIN_ITEMS = 10


@dataclass(frozen=True, slots=True)
class ScoringWeights:
    corr_weight: float = 1.0
    contribution_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ClassifierScore:
    classifier_id: str
    items: int  # resolved items this classifier scored
    correlation: float
    contribution: float
    score: float


def outcomes_from_results(
    histories: Mapping[str, Sequence[ItemResult]], *, include_flagged: bool = False
) -> dict[str, float]:
    """Outcome ``y`` per resolved item: its final de-rank share of the counted weight."""
    outcomes: dict[str, float] = {}
    for item_id in sorted(histories):
        result = final_result(item_id, histories[item_id])
        if result is None or not result.tally.quorum_met:
            continue
        if result.brigading is not None and not include_flagged:
            continue
        counted = result.tally.derank_weight + result.tally.keep_weight
        outcomes[item_id] = result.tally.derank_weight / counted
    return outcomes


def _standardise(values: Array) -> Array:
    std = float(values.std())
    if std <= 1e-12:
        return np.zeros_like(values)
    standardised: Array = (values - values.mean()) / std
    return standardised


def rank_normalise(values: Array) -> Array:
    """``z(u(x))`` as defined above; NaN marks an item without a value."""
    present = ~np.isnan(values)
    u = np.full(values.shape, 0.5)
    count = int(present.sum())
    if count:
        u[present] = (rankdata(values[present], method="average") - 0.5) / count
    return _standardise(u)


def _matrix(items: Sequence[str], predictions: Mapping[str, Mapping[str, float]], ids: Sequence[str]) -> Array:
    matrix = np.full((len(items), len(ids)), np.nan)
    for column, classifier_id in enumerate(ids):
        scores = predictions[classifier_id]
        matrix[:, column] = [scores.get(item, np.nan) for item in items]
    if np.any(np.isinf(matrix)):
        raise InvalidInput("Classifier scores must be finite numbers.")
    return matrix


def _ensemble(z: Array, stakes: Array) -> Array:
    if stakes.sum() <= 0:
        return np.zeros(z.shape[0])
    return _standardise(z @ (stakes / stakes.sum()))


def score_classifiers(
    outcomes: Mapping[str, float],
    predictions: Mapping[str, Mapping[str, float]],
    stakes: Mapping[str, int],
    weights: ScoringWeights = ScoringWeights(),
) -> dict[str, ClassifierScore]:
    """Score every classifier in ``predictions`` (classifier id -> item id -> score) on ``outcomes``.

    ``stakes`` (integer base units; missing means 0) weights the ensemble. Needs ``MIN_ITEMS``
    resolved items; results are keyed and ordered by classifier id.
    """
    items = sorted(outcomes)
    if len(items) < MIN_ITEMS:
        raise InvalidInput(f"Scoring needs at least {MIN_ITEMS} resolved items; there are {len(items)}.")
    if any(stake < 0 for stake in stakes.values()):
        raise InvalidInput("Stakes cannot be negative.")
    ids = sorted(predictions)
    raw = _matrix(items, predictions, ids)
    z = np.column_stack([rank_normalise(raw[:, c]) for c in range(len(ids))]) if ids else raw
    target = rank_normalise(np.array([outcomes[item] for item in items], dtype=np.float64))
    ensemble = _ensemble(z, np.array([float(stakes.get(i, 0)) for i in ids]))
    n = len(items)
    correlations = (z.T @ target) / n
    betas = (z.T @ ensemble) / n
    contributions = correlations - betas * float(ensemble @ target) / n
    return {
        classifier_id: ClassifierScore(
            classifier_id,
            int((~np.isnan(raw[:, c])).sum()),
            float(correlations[c]),
            float(contributions[c]),
            weights.corr_weight * float(correlations[c]) + weights.contribution_weight * float(contributions[c]),
        )
        for c, classifier_id in enumerate(ids)
    }
