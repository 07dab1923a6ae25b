"""``daobot policy evaluate`` end to end on a tiny artifact, and its one-line errors."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

import bot.cli.policy  # noqa: F401 - registers the commands
from bot.cli.app import app


def test_evaluate_writes_the_report_and_prints_the_decision(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(tiny_artifact, artifact)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["policy", "evaluate", "--artifact", str(artifact), "--out", str(out), "--scenarios", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "decision: propose" in result.output and "| best fixed |" in result.output
    assert (out / "report.md").exists() and (out / "growth_vs_baselines.png").exists()


def test_evaluate_without_an_artifact_says_how_to_get_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["policy", "evaluate", "--artifact", str(tmp_path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "daobot policy train" in result.output
