from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import _load_commands, app
from policies.classifiers.artifacts import REFERENCE_DIR, read_card

runner = CliRunner()
_load_commands()


def test_make_data_and_train_into_a_directory(tmp_path: Path) -> None:
    made = runner.invoke(app, ["classifiers", "make-data", "--out", str(tmp_path / "data"), "--rows", "400"])
    assert made.exit_code == 0, made.output
    trained = runner.invoke(
        app, ["classifiers", "train", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")]
    )
    assert trained.exit_code == 0, trained.output
    card = read_card(tmp_path / "out" / "toxicity.joblib")
    assert f"model hash 0x{card['artifact_sha256']}" in trained.output
    hashed = runner.invoke(app, ["classifiers", "hash", str(tmp_path / "out" / "toxicity.joblib")])
    assert hashed.output.strip() == "0x" + card["artifact_sha256"]


def test_score_posts_with_a_checked_artifact(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"id": "p-1", "author": "u-1", "text": "You brainless clown, get lost.", "created": "2026-11-20T10:00:00Z"},
        {"id": "p-2", "author": "u-2", "text": "Thanks for the roadmap notes!", "created": "2026-11-20T10:01:00Z"},
    ]
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    artifact = REFERENCE_DIR / "toxicity.joblib"
    digest = read_card(artifact)["artifact_sha256"]
    result = runner.invoke(app, ["classifiers", "score", str(artifact), str(posts), "--sha256", digest])
    assert result.exit_code == 0, result.output
    scores = dict(line.split("\t") for line in result.output.strip().splitlines())
    assert float(scores["p-1"]) > 0.5 > float(scores["p-2"])
    refused = runner.invoke(app, ["classifiers", "score", str(artifact), str(posts), "--sha256", "00" * 32])
    assert refused.exit_code == 2
    assert "was not loaded" in refused.output
