from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest
import scipy
import sklearn

from governance.domain.errors import IntegrityError, InvalidInput
from policies.classifiers.artifacts import REFERENCE_DIR, load_classifier, parse_model_hash, read_card
from policies.classifiers.dataset import dump_jsonl, load_dataset
from policies.classifiers.reference import REFERENCE_DATA_DIR
from policies.classifiers.synthetic import TASKS, generate

ROOT = Path(__file__).resolve().parents[3]


def shipped(task: str) -> Path:
    return REFERENCE_DIR / f"{task}.joblib"


def same_versions_as(card: dict[str, object]) -> bool:
    versions = card["versions"]
    assert isinstance(versions, dict)
    current = {
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
    return all(versions[name] == value for name, value in current.items())


class _Tripwire:
    """Unpickling this writes a file: proof that a refused artifact was never unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "unpickled"))


@pytest.mark.parametrize("task", TASKS)
def test_shipped_data_is_what_the_generator_writes(task: str) -> None:
    assert (REFERENCE_DATA_DIR / f"{task}.jsonl").read_bytes() == dump_jsonl(generate(task))


@pytest.mark.parametrize("task", TASKS)
def test_card_matches_artifact_and_dataset(task: str) -> None:
    card = read_card(shipped(task))
    assert card["artifact_sha256"] == hashlib.sha256(shipped(task).read_bytes()).hexdigest()
    assert card["dataset"]["sha256"] == load_dataset(REFERENCE_DATA_DIR / f"{task}.jsonl").sha256
    assert card["held_out_metrics"]["roc_auc"] > 0.9
    assert card["split"]["test_rows"] == 600


def _train_in_fresh_process(task: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Train as `daobot classifiers train` does: in a new interpreter. (Pickle bytes depend on which
    strings a process has already interned, so a process that loaded artifacts before may differ.)"""
    script = (
        "import json; from pathlib import Path; from policies.classifiers.dataset import load_dataset;"
        "from policies.classifiers.training import train;"
        f"r = train(load_dataset(Path({str(REFERENCE_DATA_DIR / f'{task}.jsonl')!r})));"
        "print(json.dumps({'sha256': r.sha256, 'metrics': r.card['held_out_metrics']}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("task", TASKS)
def test_retraining_reproduces_the_shipped_bytes(task: str) -> None:
    card = read_card(shipped(task))
    if not same_versions_as(card):
        pytest.skip("library versions differ from the model card; the bytes are only comparable on the pins")
    result = _train_in_fresh_process(task)
    assert result["sha256"] == hashlib.sha256(shipped(task).read_bytes()).hexdigest()
    assert result["metrics"] == card["held_out_metrics"]


def test_training_bytes_do_not_depend_on_the_hash_seed() -> None:
    digests = {_train_in_fresh_process("spam", {"PYTHONHASHSEED": seed})["sha256"] for seed in ("1", "4242")}
    assert len(digests) == 1


def test_loads_and_scores_with_the_committed_hash() -> None:
    tox = load_classifier(shipped("toxicity"), "0x" + read_card(shipped("toxicity"))["artifact_sha256"])
    spam = load_classifier(shipped("spam"), read_card(shipped("spam"))["artifact_sha256"])
    texts = [
        "Shut up, you pathetic clown.",
        "I'm voting yes on proposal 14 because the numbers add up.",
        "FREE TOKENS!!! claim now http://free-claim.xyz/now 🚀🚀🚀",
    ]
    tox_scores, spam_scores = tox.score(texts), spam.score(texts)
    assert all(0.0 <= s <= 1.0 for s in tox_scores + spam_scores)
    assert tox_scores[0] > 0.8 > 0.2 > tox_scores[1]
    assert spam_scores[2] > 0.8 > 0.2 > spam_scores[1]
    assert tox.score([]) == []
    with pytest.raises(InvalidInput, match="list of texts"):
        tox.score("one string")


def test_wrong_hash_is_refused_before_unpickling(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    artifact = tmp_path / "evil.joblib"
    artifact.write_bytes(pickle.dumps(_Tripwire(marker)))
    with pytest.raises(IntegrityError, match="registry commits to 0x" + "ab" * 32):
        load_classifier(artifact, "ab" * 32)
    assert not marker.exists()


def test_a_modified_artifact_is_refused(tmp_path: Path) -> None:
    data = bytearray(shipped("spam").read_bytes())
    data[-1] ^= 1
    copy = tmp_path / "spam.joblib"
    copy.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="was not loaded"):
        load_classifier(copy, read_card(shipped("spam"))["artifact_sha256"])


def test_a_matching_hash_on_a_non_classifier_is_refused(tmp_path: Path) -> None:
    artifact = tmp_path / "list.joblib"
    joblib.dump([1, 2, 3], artifact)
    with pytest.raises(IntegrityError, match="not a probabilistic classifier"):
        load_classifier(artifact, hashlib.sha256(artifact.read_bytes()).digest())


@pytest.mark.parametrize("bad", ["", "0x12", "zz" * 32, b"short"])
def test_model_hash_format(bad: str | bytes) -> None:
    with pytest.raises(InvalidInput, match="model hash"):
        parse_model_hash(bad)


def test_dataset_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "ok", "label": 1}\n{"id": "b", "text": "ok", "label": 2}\n')
    with pytest.raises(InvalidInput, match="line 2: label must be 0 or 1"):
        load_dataset(path)
    path.write_text('{"id": "a", "text": "ok", "label": 1}\n')
    with pytest.raises(InvalidInput, match="both labels"):
        load_dataset(path)
