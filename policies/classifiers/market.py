"""The ``ClassifierLoader`` and ``ClassifierMarket`` ports on the reference implementations.

- ``ArtifactDirectory``: a listed classifier's artifact is ``<model hash hex>.joblib`` or
  ``<registry name>.joblib`` in one directory (default: the shipped reference artifacts). It is
  loaded with ``load_classifier``, which hashes the bytes and refuses a mismatch before unpickling.
- ``NumeraiStyleMarket``: ``score_classifiers`` + ``update_reputations`` + ``bounty_weights`` +
  ``delisting_signals`` for one period, as the bot stores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from governance.domain.classifier_market import ClassifierStanding, DelistingDraft, ListedClassifier, MarketPeriod
from governance.domain.errors import NotFound
from policies.classifiers.artifacts import REFERENCE_DIR, Classifier, load_classifier
from policies.classifiers.reputation import (
    Reputation,
    ReputationRules,
    bounty_weights,
    delisting_signals,
    update_reputations,
)
from policies.classifiers.scoring import ScoringWeights, score_classifiers

__all__ = ["ArtifactDirectory", "NumeraiStyleMarket"]


class ArtifactDirectory:
    """Loads listed classifiers from ``directory``, keeping each loaded model by its hash."""

    def __init__(self, directory: Path = REFERENCE_DIR) -> None:
        self._directory = Path(directory)
        self._loaded: dict[bytes, Classifier] = {}

    def _path(self, classifier: ListedClassifier) -> Path:
        for candidate in (f"{classifier.model_hash.hex()}.joblib", f"{classifier.name}.joblib"):
            path = self._directory / candidate
            if path.is_file():
                return path
        raise NotFound(
            f"No artifact for classifier #{classifier.classifier_id} ({classifier.name}) in {self._directory}."
        )

    def load(self, classifier: ListedClassifier) -> Classifier:
        cached = self._loaded.get(classifier.model_hash)
        if cached is None:
            cached = load_classifier(self._path(classifier), classifier.model_hash, name=classifier.name)
            self._loaded[classifier.model_hash] = cached
        return cached


class NumeraiStyleMarket:
    def __init__(self, weights: ScoringWeights = ScoringWeights(), rules: ReputationRules = ReputationRules()) -> None:
        self._weights = weights
        self._rules = rules

    def score_period(
        self,
        epoch: int,
        outcomes: Mapping[str, float],
        predictions: Mapping[int, Mapping[str, float]],
        stakes: Mapping[int, int],
        previous: Mapping[int, tuple[float, int]],
    ) -> MarketPeriod:
        scores = score_classifiers(
            outcomes, {str(c): p for c, p in predictions.items()}, {str(c): s for c, s in stakes.items()}, self._weights
        )
        before = {str(c): Reputation(str(c), value, epochs) for c, (value, epochs) in previous.items()}
        after = update_reputations(before, scores, self._rules)
        bps = bounty_weights(scores)
        standings = tuple(
            ClassifierStanding(
                int(cid),
                s.items,
                s.correlation,
                s.contribution,
                s.score,
                after[cid].value,
                after[cid].epochs,
                bps.get(cid, 0),
            )
            for cid, s in sorted(scores.items(), key=lambda kv: int(kv[0]))
        )
        current = {cid: after[cid] for cid in scores}
        drafts = tuple(
            DelistingDraft(int(sig.classifier_id), sig.reputation, sig.epochs, sig.reason)
            for sig in delisting_signals(current, scores, self._rules)
        )
        return MarketPeriod(epoch, len(outcomes), standings, drafts)
