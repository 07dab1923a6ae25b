"""The reference classifiers shipped with daobot: rebuild the synthetic data, retrain, write artifacts.

``daobot classifiers make-data`` and ``daobot classifiers train`` call these two functions.
"""

from __future__ import annotations

from pathlib import Path

from policies.classifiers.artifacts import REFERENCE_DIR, write_artifact
from policies.classifiers.dataset import dump_jsonl, load_dataset
from policies.classifiers.synthetic import DATASET_SEED, ROWS_PER_TASK, TASKS, generate
from policies.classifiers.training import TrainedClassifier, TrainingParams, train

__all__ = ["REFERENCE_DATA_DIR", "REFERENCE_DIR", "train_reference", "write_reference_data"]

REFERENCE_DATA_DIR = Path(__file__).resolve().parent / "data"


def write_reference_data(
    directory: Path = REFERENCE_DATA_DIR, seed: int = DATASET_SEED, rows: int = ROWS_PER_TASK
) -> list[Path]:
    """Write ``<task>.jsonl`` for every task; the same seed writes the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for task in TASKS:
        path = directory / f"{task}.jsonl"
        path.write_bytes(dump_jsonl(generate(task, seed, rows)))
        written.append(path)
    return written


def train_reference(
    data_dir: Path = REFERENCE_DATA_DIR, out_dir: Path = REFERENCE_DIR, params: TrainingParams = TrainingParams()
) -> list[TrainedClassifier]:
    """Train one classifier per task from ``data_dir/<task>.jsonl`` and write artifact + card to ``out_dir``."""
    trained = []
    for task in TASKS:
        result = train(load_dataset(data_dir / f"{task}.jsonl"), params)
        card = dict(result.card, dataset=dict(result.card["dataset"], generator="policies.classifiers.synthetic"))
        write_artifact(out_dir, task, result.artifact, card)
        trained.append(result)
    return trained
