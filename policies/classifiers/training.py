"""Training of the reference classifiers: TF-IDF features and a logistic regression, seeded.

``train`` returns the artifact bytes (a joblib dump of the scikit-learn ``Pipeline``) and a model card.
The same dataset, parameters and library versions give the same bytes, hence the same SHA-256: the
model hash committed in the on-chain classifier registry.
"""

from __future__ import annotations

import hashlib
import io
import platform
from dataclasses import asdict, dataclass
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from policies.classifiers.dataset import LabelledDataset

__all__ = ["CARD_VERSION", "TrainedClassifier", "TrainingParams", "build_pipeline", "train"]

CARD_VERSION = 1


@dataclass(frozen=True, slots=True)
class TrainingParams:
    seed: int = 7
    test_fraction: float = 0.2
    ngram_max: int = 2
    min_df: int = 2
    max_features: int = 3_000
    regularization_c: float = 4.0
    max_iter: int = 2_000


@dataclass(frozen=True, slots=True)
class TrainedClassifier:
    name: str
    artifact: bytes
    card: dict[str, Any]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.artifact).hexdigest()


def build_pipeline(params: TrainingParams) -> Pipeline:
    features = TfidfVectorizer(
        lowercase=True,
        ngram_range=(1, params.ngram_max),
        min_df=params.min_df,
        max_features=params.max_features,
        sublinear_tf=True,
        dtype=np.float64,
    )
    model = LogisticRegression(C=params.regularization_c, max_iter=params.max_iter, random_state=params.seed)
    return Pipeline([("features", features), ("model", model)])


def _metrics(y_true: list[int], proba: np.ndarray[Any, np.dtype[np.float64]]) -> dict[str, float]:
    predicted = (proba >= 0.5).astype(int)
    values = {
        "roc_auc": roc_auc_score(y_true, proba),
        "accuracy": accuracy_score(y_true, predicted),
        "precision": precision_score(y_true, predicted, zero_division=0),
        "recall": recall_score(y_true, predicted, zero_division=0),
        "f1": f1_score(y_true, predicted, zero_division=0),
        "log_loss": log_loss(y_true, proba, labels=[0, 1]),
    }
    return {name: round(float(value), 6) for name, value in values.items()}


def _versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def _dump(pipeline: Pipeline) -> bytes:
    # TfidfVectorizer caches id(stop_words), a memory address, after validating its stop words; it
    # is only a cache (recomputed on use) and would make the bytes differ from run to run.
    vars(pipeline.named_steps["features"]).pop("_stop_words_id", None)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def train(dataset: LabelledDataset, params: TrainingParams = TrainingParams()) -> TrainedClassifier:
    """Fit on a stratified, seeded split; measure on the held-out part; return bytes and card."""
    x_train, x_test, y_train, y_test = train_test_split(
        dataset.texts,
        dataset.labels,
        test_size=params.test_fraction,
        random_state=params.seed,
        stratify=dataset.labels,
    )
    pipeline = build_pipeline(params).fit(x_train, y_train)
    proba = pipeline.predict_proba(x_test)[:, 1]
    artifact = _dump(pipeline)
    card = {
        "card_version": CARD_VERSION,
        "name": f"daobot-reference-{dataset.name}",
        "task": dataset.name,
        "model": "TF-IDF word n-grams + logistic regression (scikit-learn Pipeline, joblib)",
        "artifact_sha256": hashlib.sha256(artifact).hexdigest(),
        "dataset": {
            "name": dataset.name,
            "sha256": dataset.sha256,
            "rows": len(dataset.rows),
            "positives": sum(dataset.labels),
            "synthetic": True,
        },
        "split": {"train_rows": len(x_train), "test_rows": len(x_test), "stratified": True},
        "params": asdict(params),
        "vocabulary_size": len(pipeline.named_steps["features"].vocabulary_),
        "held_out_metrics": _metrics(list(y_test), proba),
        "versions": _versions(),
    }
    return TrainedClassifier(f"daobot-reference-{dataset.name}", artifact, card)
