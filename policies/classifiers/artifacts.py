"""Classifier artifacts: checked against their committed hash before anything is unpickled.

A classifier's artifact is a joblib dump of a scikit-learn ``Pipeline`` whose ``predict_proba``
gives the probability of the positive label (toxic, spam, ...). Its SHA-256 is the model hash
the classifier registry stores on chain as a ``bytes32``. Unpickling runs code, so
``load_classifier`` hashes the exact bytes it read and refuses them on any mismatch first.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from governance.domain.errors import IntegrityError, InvalidInput

__all__ = [
    "REFERENCE_DIR",
    "Classifier",
    "load_classifier",
    "parse_model_hash",
    "read_card",
    "write_artifact",
]

REFERENCE_DIR = Path(__file__).resolve().parent / "artifacts"
_HEX64 = re.compile(r"(0x)?[0-9a-fA-F]{64}")


def parse_model_hash(value: str | bytes) -> bytes:
    """A model hash as 32 bytes, from 32 raw bytes or 64 hex digits (``0x`` optional)."""
    if isinstance(value, bytes):
        if len(value) != 32:
            raise InvalidInput("A model hash is 32 bytes.")
        return value
    if not _HEX64.fullmatch(value.strip()):
        raise InvalidInput("A model hash is 64 hex digits (a bytes32), optionally starting with 0x.")
    return bytes.fromhex(value.strip().removeprefix("0x"))


class Classifier:
    """A loaded, hash-checked classifier. ``score`` never retrains or mutates it."""

    __slots__ = ("_pipeline", "model_hash", "name")

    def __init__(self, name: str, model_hash: bytes, pipeline: Any) -> None:
        self.name = name
        self.model_hash = model_hash
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return f"Classifier({self.name!r}, model_hash=0x{self.model_hash.hex()})"

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability of the positive label for each text, each in [0, 1], in input order."""
        if isinstance(texts, str):
            raise InvalidInput("score() takes a list of texts, not a single string.")
        if not texts:
            return []
        proba = np.asarray(self._pipeline.predict_proba(list(texts)), dtype=np.float64)[:, 1]
        return [float(p) for p in np.clip(proba, 0.0, 1.0)]


def load_classifier(path: Path, expected_sha256: str | bytes, *, name: str | None = None) -> Classifier:
    """Load an artifact whose SHA-256 must equal ``expected_sha256``; ``IntegrityError`` otherwise."""
    expected = parse_model_hash(expected_sha256)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"Cannot read the classifier artifact {path}: {exc.strerror}.") from exc
    actual = hashlib.sha256(data).digest()
    if not hmac.compare_digest(actual, expected):
        raise IntegrityError(
            f"The classifier artifact {Path(path).name} has hash 0x{actual.hex()}, but the registry "
            f"commits to 0x{expected.hex()}; it was not loaded."
        )
    pipeline = joblib.load(io.BytesIO(data))  # the bytes that were hashed, not the file again
    if not callable(getattr(pipeline, "predict_proba", None)):
        raise IntegrityError(f"The artifact {Path(path).name} is not a probabilistic classifier.")
    return Classifier(name or Path(path).stem, actual, pipeline)


def write_artifact(directory: Path, stem: str, artifact: bytes, card: dict[str, Any]) -> Path:
    """Write ``<stem>.joblib`` and ``<stem>.card.json`` atomically; return the artifact path."""
    directory.mkdir(parents=True, exist_ok=True)
    card_text = json.dumps(card, indent=2, sort_keys=True) + "\n"
    for target, payload in (
        (directory / f"{stem}.joblib", artifact),
        (directory / f"{stem}.card.json", card_text.encode("utf-8")),
    ):
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, target)
    return directory / f"{stem}.joblib"


def read_card(artifact_path: Path) -> dict[str, Any]:
    card_path = artifact_path.with_name(artifact_path.stem + ".card.json")
    try:
        card: dict[str, Any] = json.loads(card_path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"Cannot read the model card {card_path.name}.") from exc
    return card
