"""``daobot classifiers``: the reference classifiers (synthetic data, training, hashes, scoring)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import typer

from bot.cli.app import app
from bot.cli.common import fail
from governance.domain.content import parse_posts_jsonl
from governance.domain.errors import DaobotError
from policies.classifiers.artifacts import load_classifier
from policies.classifiers.reference import REFERENCE_DATA_DIR, REFERENCE_DIR, train_reference, write_reference_data
from policies.classifiers.synthetic import DATASET_SEED, ROWS_PER_TASK
from policies.classifiers.training import TrainingParams

__all__ = ["classifiers"]

classifiers = typer.Typer(help="Reference classifiers: build the synthetic data, train, hash and score.")
app.add_typer(classifiers, name="classifiers")


@classifiers.command("make-data")
def make_data(
    out: Path = typer.Option(REFERENCE_DATA_DIR, help="Directory for toxicity.jsonl and spam.jsonl."),
    seed: int = typer.Option(DATASET_SEED, help="Generator seed; the same seed writes the same bytes."),
    rows: int = typer.Option(ROWS_PER_TASK, min=10, help="Posts per task."),
) -> None:
    """Write the synthetic labelled posts the reference classifiers are trained on."""
    for path in write_reference_data(out, seed, rows):
        typer.echo(f"{path}  sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")


@classifiers.command("train")
def train(
    data: Path = typer.Option(REFERENCE_DATA_DIR, help="Directory holding toxicity.jsonl and spam.jsonl."),
    out: Path = typer.Option(REFERENCE_DIR, help="Directory for the .joblib artifacts and model cards."),
    seed: int = typer.Option(TrainingParams().seed, help="Split and model seed."),
) -> None:
    """Train the toxicity and spam classifiers; print each model hash and held-out metrics."""
    try:
        trained = train_reference(data, out, TrainingParams(seed=seed))
    except DaobotError as exc:
        fail(exc.message)
        return
    for result in trained:
        metrics = result.card["held_out_metrics"]
        typer.echo(
            f"{result.name}: model hash 0x{result.sha256}  ({len(result.artifact):,} bytes)\n"
            f"  held out: ROC AUC {metrics['roc_auc']:.3f}, accuracy {metrics['accuracy']:.3f}, "
            f"F1 {metrics['f1']:.3f}"
        )


@classifiers.command("hash")
def hash_artifact(artifact: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Print an artifact's model hash (SHA-256 as a bytes32), as the registry commits it."""
    typer.echo(f"0x{hashlib.sha256(artifact.read_bytes()).hexdigest()}")


@classifiers.command("score")
def score(
    artifact: Path = typer.Argument(..., help="The classifier artifact (.joblib)."),
    posts: Path = typer.Argument(..., help="Posts as JSON Lines (id, author, text, created)."),
    sha256: str = typer.Option(..., "--sha256", help="The model hash the registry commits to."),
) -> None:
    """Score posts with a hash-checked classifier; prints one `post-id<TAB>score` line per post."""
    try:
        classifier = load_classifier(artifact, sha256)
        parsed = parse_posts_jsonl(posts.read_text("utf-8").splitlines())
    except DaobotError as exc:
        fail(exc.message)
        return
    except OSError as exc:
        fail(f"Cannot read {posts}: {exc.strerror}.")
        return
    for post, value in zip(parsed, classifier.score([p.text for p in parsed]), strict=True):
        typer.echo(f"{post.id}\t{value:.6f}")
