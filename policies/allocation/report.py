"""The evaluation report: a markdown page and its charts (matplotlib, Agg backend, no display needed)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from policies.allocation.baselines import BASELINE_NAMES
from policies.allocation.evaluation import METRICS, Evaluation
from policies.allocation.safety import POOLS

__all__ = ["evaluation_table", "split_chart", "write_report"]

LABELS = {"log_growth": "log growth / year", "max_drawdown": "max drawdown", "breaches": "breach epochs / episode"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def evaluation_table(summary: Mapping[str, Any]) -> str:
    """Markdown tables: each rule's means, then policy minus each baseline with 95% intervals."""
    lines = ["| rule | " + " | ".join(LABELS[m] for m in METRICS) + " |", "|---|" + "---:|" * len(METRICS)]
    for name, means in summary["means"].items():
        lines.append(f"| {name} | " + " | ".join(f"{means[m]:.4f}" for m in METRICS) + " |")
    lines += ["", "| policy − baseline | " + " | ".join(f"Δ {LABELS[m]} [95% CI]" for m in METRICS) + " |",
              "|---|" + "---:|" * len(METRICS)]
    for name, by_metric in summary["intervals"].items():
        cells = [f"{v[0]:+.4f} [{v[1]:+.4f}, {v[2]:+.4f}]" for v in (by_metric[m] for m in METRICS)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(out_dir: Path, evaluation: Evaluation, card: Mapping[str, Any]) -> Path:
    """Write ``report.md`` and its charts into ``out_dir``; returns the report's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = card["evaluation"]
    (out_dir / "growth_vs_baselines.png").write_bytes(_difference_chart(evaluation))
    (out_dir / "mean_splits.png").write_bytes(_mean_split_chart(evaluation))
    decision, overlap = summary["decision"], summary["breach_scenarios"]
    first, last = summary["heldout_seed_range"][0], summary["heldout_seed_range"][1] - 1
    verdict = "the policy's split" if decision["choice"] == "policy" else "the best fixed split (policy advisory)"
    text = f"""# Allocation advisor: held-out evaluation

{summary["scenarios"]} held-out scenarios (seeds {first}–{last}) × {len(summary["seeds"])} PPO seeds \
{summary["seeds"]}; baselines are deterministic and play the same scenarios.
Best fixed split (grid search on training scenarios): {card["best_fixed"]["split"]} (bps, pools in the order
{", ".join(POOLS)}). Training: {card["training"]["timesteps_per_seed"]:,} steps per seed,
{card["training"]["wall_seconds"]} s.

Log growth is the annualised log growth of (value delivered + treasury); drawdown is of the treasury
balance; a breach epoch ends below the reserve floor. Intervals: paired bootstrap (2,000 draws resampling
scenarios and seeds), 95%. "Seed ensemble" (mean action of all seeds) is what the live advisor runs; the
decision uses the per-seed results.

{evaluation_table(summary)}

**Decision: propose {verdict}.** Reason: {decision["reason"]}.

Runway breaches by scenario: some policy seed breached where the best fixed split did not in
{overlap["policy_only"]} scenarios, the best fixed split breached where no seed did in
{overlap["best_fixed_only"]}, and both breached in {overlap["both"]} (of {summary["scenarios"]}).

![log growth difference](growth_vs_baselines.png)

![mean splits](mean_splits.png)
"""
    path = out_dir / "report.md"
    path.write_text(text)
    return path


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    _pyplot().close(fig)
    return buffer.getvalue()


def _difference_chart(evaluation: Evaluation) -> bytes:
    plt = _pyplot()
    policy = evaluation.matrix("log_growth").mean(axis=0)
    diffs = [policy - evaluation.vector(name, "log_growth") for name in BASELINE_NAMES]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.boxplot(diffs, showfliers=False)
    ax.set_xticks(range(1, len(BASELINE_NAMES) + 1), BASELINE_NAMES)
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_ylabel("policy − baseline, log growth / year")
    ax.set_title("Per-scenario gain of the policy (mean over seeds)")
    return _png(fig)


def _mean_split_chart(evaluation: Evaluation) -> bytes:
    rows = {"policy": np.mean([[r.mean_split for r in row] for row in evaluation.policy], axis=(0, 1))}
    rows.update({n: np.mean([r.mean_split for r in evaluation.baselines[n]], axis=0) for n in BASELINE_NAMES})
    return split_chart({k: tuple(float(x) for x in v) for k, v in rows.items()}, "Mean split played (bps)")


def split_chart(splits: Mapping[str, Sequence[float]], title: str) -> bytes:
    """Grouped bars: one group per pool, one bar per named split. PNG bytes."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / max(1, len(splits))
    for k, (name, split) in enumerate(splits.items()):
        ax.bar(np.arange(len(POOLS)) + k * width, split, width, label=name)
    ax.set_xticks(np.arange(len(POOLS)) + 0.4 - width / 2, [p.replace(" ", "\n") for p in POOLS])
    ax.set_ylabel("basis points")
    ax.set_title(title)
    ax.legend(fontsize="small", ncol=2)
    return _png(fig)
