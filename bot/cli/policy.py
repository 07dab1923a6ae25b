"""``daobot policy``: train and evaluate the allocation advisor (advisory only; it never moves funds)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bot.cli.app import app
from bot.cli.common import fail
from governance.domain.errors import DaobotError
from policies.allocation.artifacts import DEFAULT_DIR
from policies.allocation.training import DEFAULT_SEEDS, TrainConfig

__all__ = ["policy_app"]

policy_app = typer.Typer(help="The treasury allocation advisor: train, evaluate.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    tasks: dict[str, TaskID] = {}
    with Progress(*columns) as bar:

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report


def _seeds(text: str) -> list[int]:
    try:
        return [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        fail(f"{text!r} is not a comma-separated list of seeds.")
        raise AssertionError("unreachable") from None


def _revenue(path: Path) -> list[int]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    try:
        return [int(line) for line in lines if line]
    except ValueError:
        fail(f"{path} must hold one whole number (base units) per line.")
        raise AssertionError("unreachable") from None


@policy_app.command("train")
def train_command(
    out: Path = typer.Option(DEFAULT_DIR, help="Artifact directory (models, statistics, model_card.json)."),
    seeds: str = typer.Option(",".join(map(str, DEFAULT_SEEDS)), help="Comma-separated PPO seeds."),
    timesteps: int = typer.Option(TrainConfig().timesteps, min=256, help="PPO steps per seed."),
    revenue_history: Path | None = typer.Option(
        None, exists=True, dir_okay=False,
        help="Observed revenue per epoch (int base units, one per line) to fit the revenue trend and noise.",
    ),
) -> None:
    """Grid-search the best fixed split, train PPO on each seed, write the artifact and its model card."""
    from policies.allocation.training import calibrated_config, train

    config = TrainConfig(timesteps=timesteps)
    if revenue_history is not None:
        config = calibrated_config(_revenue(revenue_history), config)
        typer.echo(f"revenue trend {config.scenario.trend}, noise {config.scenario.noise} per epoch")
    started = time.perf_counter()
    try:
        with _progress_bar() as report:
            card = train(config, _seeds(seeds), out, report)
    except DaobotError as exc:
        fail(exc.message)
        return
    training = card["training"]
    typer.echo(f"best fixed split {card['best_fixed']['split']} (train score {card['best_fixed']['train_score']:.4f})")
    for entry in training["per_seed"]:
        typer.echo(f"seed {entry['seed']}: train score {entry['train_score']:.4f}")
    typer.echo(f"wrote {out} in {time.perf_counter() - started:.0f} s; run `daobot policy evaluate` next")


@policy_app.command("evaluate")
def evaluate_command(
    artifact: Path = typer.Option(DEFAULT_DIR, help="Artifact directory written by `daobot policy train`."),
    out: Path = typer.Option(DEFAULT_DIR, help="Directory for report.md and its charts."),
    scenarios: int = typer.Option(200, min=2, help="Held-out scenarios."),
) -> None:
    """Play every seed and baseline on held-out scenarios; write the report and the decision."""
    from policies.allocation.evaluation import evaluate, record
    from policies.allocation.report import evaluation_table, write_report

    started = time.perf_counter()
    try:
        with _progress_bar() as report:
            evaluation = evaluate(artifact, scenarios, report)
        card = record(artifact, evaluation)
        path = write_report(out, evaluation, card)
    except DaobotError as exc:
        fail(exc.message)
        return
    decision = card["evaluation"]["decision"]
    typer.echo(evaluation_table(card["evaluation"]))
    typer.echo(f"\ndecision: propose {decision['choice']} ({decision['reason']})")
    typer.echo(f"wrote {path} in {time.perf_counter() - started:.0f} s")
