"""Live advice from a real (tiny) artifact, and the evaluation that feeds its decision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from governance.domain.amounts import BPS
from governance.domain.errors import IntegrityError, InvalidInput
from policies.allocation.advisor import Advisor, TreasuryState, render
from policies.allocation.artifacts import CARD_HASH_NAME, CARD_NAME, write_card
from policies.allocation.evaluation import evaluate, record
from policies.allocation.report import write_report
from policies.allocation.safety import SafetyLimits

UNIT = 10**6  # base units of a 6-decimal stablecoin
LIMITS = SafetyLimits()
STATE = TreasuryState(
    treasury_balance=60_000 * UNIT,
    revenue_history=(9_000 * UNIT, 9_500 * UNIT, 8_800 * UNIT, 10_200 * UNIT, 9_900 * UNIT),
    current_split=(3000, 2000, 1000, 2000, 2000),
    op_cost_per_epoch=2_500 * UNIT,
    epoch_seconds=7 * 86_400,
)


def lawful(split: tuple[int, ...]) -> bool:
    return sum(split) == BPS and all(
        lo <= s <= hi for s, lo, hi in zip(split, LIMITS.min_bps, LIMITS.max_bps, strict=True)
    )


def test_every_split_in_a_suggestion_is_lawful_and_within_the_turnover_cap(tiny_artifact: Path) -> None:
    suggestion = Advisor.load(tiny_artifact).suggest(STATE)
    splits = [suggestion.proposed_bps, suggestion.policy_bps, *suggestion.baselines.values(),
              *suggestion.seed_splits, *(w.policy_bps for w in suggestion.what_ifs)]
    assert all(lawful(s) for s in splits)
    moved = sum(abs(a - b) for a, b in zip(suggestion.policy_bps, STATE.current_split, strict=True))
    assert moved <= LIMITS.turnover_cap_bps
    assert set(suggestion.baselines) == {"equal", "current", "reserve-first", "best fixed"}
    assert suggestion.baselines["current"] == STATE.current_split
    assert [w.revenue_change_pct for w in suggestion.what_ifs] == [-20, 20]
    assert len(suggestion.seed_splits) == 2 and 0.0 <= suggestion.confidence <= 1.0
    assert len(suggestion.drivers) == 3 and all(sum(d.effect_bps) in range(-3, 4) for d in suggestion.drivers)


def test_an_unevaluated_policy_is_advisory_and_the_best_fixed_split_is_proposed(tiny_artifact: Path) -> None:
    advisor = Advisor.load(tiny_artifact)
    suggestion = advisor.suggest(STATE)
    assert suggestion.source == "best fixed" and "not been evaluated" in suggestion.decision_reason
    assert suggestion.proposed_bps == suggestion.baselines["best fixed"]


def test_the_evaluation_decides_what_the_advisor_proposes(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(tiny_artifact, artifact)
    evaluation = evaluate(artifact, scenarios=3)
    card = record(artifact, evaluation)
    assert set(card["evaluation"]["intervals"]) == {"equal", "current", "reserve-first", "best fixed"}
    report = write_report(tmp_path / "report", evaluation, card)
    assert "| best fixed |" in report.read_text() and (tmp_path / "report" / "mean_splits.png").exists()
    assert Advisor.load(artifact).source == card["evaluation"]["decision"]["choice"]

    winning = json.loads((artifact / CARD_NAME).read_text())
    winning["evaluation"]["intervals"]["best fixed"]["log_growth"] = [0.02, 0.01, 0.03]
    winning["evaluation"]["policy_breach_epochs"] = 0
    winning["evaluation"]["decision"] = {"choice": "policy", "reason": "re-evaluated"}
    write_card(artifact, winning)
    suggestion = Advisor.load(artifact).suggest(STATE)
    assert suggestion.source == "policy" and suggestion.proposed_bps == suggestion.policy_bps
    assert "lower 95% bound +0.0100" in suggestion.decision_reason


def evaluated_copy(tiny_artifact: Path, tmp_path: Path, *, low: float, breaches: int) -> Path:
    artifact = tmp_path / "artifact"
    shutil.copytree(tiny_artifact, artifact)
    card = json.loads((artifact / CARD_NAME).read_text())
    card["evaluation"] = {
        "intervals": {"best fixed": {"log_growth": [low + 0.01, low, low + 0.02]}},
        "policy_breach_epochs": breaches,
        "decision": {"choice": "best fixed", "reason": "recorded by the evaluation"},
    }
    write_card(artifact, card)
    return artifact


def test_a_hand_edited_decision_in_the_card_is_refused(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = evaluated_copy(tiny_artifact, tmp_path, low=0.01, breaches=4)
    assert Advisor.load(artifact).source == "best fixed"
    card = json.loads((artifact / CARD_NAME).read_text())
    card["evaluation"]["decision"] = {"choice": "policy", "reason": "edited"}
    (artifact / CARD_NAME).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    with pytest.raises(IntegrityError, match=r"model_card\.json does not match its recorded SHA-256"):
        Advisor.load(artifact)
    (artifact / CARD_HASH_NAME).unlink()
    with pytest.raises(IntegrityError, match=r"model_card\.sha256 is missing"):
        Advisor.load(artifact)


def test_a_decision_that_does_not_follow_from_the_evaluation_is_refused_even_when_rehashed(
    tiny_artifact: Path, tmp_path: Path
) -> None:
    artifact = evaluated_copy(tiny_artifact, tmp_path, low=0.01, breaches=4)  # a breach: the rule says best fixed
    card = json.loads((artifact / CARD_NAME).read_text())
    card["evaluation"]["decision"] = {"choice": "policy", "reason": "edited"}
    write_card(artifact, card)
    with pytest.raises(IntegrityError, match="its own evaluation gives the best fixed split"):
        Advisor.load(artifact)


def test_a_tampered_artifact_is_not_loaded(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(tiny_artifact, artifact)
    with (artifact / "ppo_seed11.zip").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(IntegrityError):
        Advisor.load(artifact)


def test_render_draws_a_png(tiny_artifact: Path) -> None:
    assert render(Advisor.load(tiny_artifact).suggest(STATE)).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "changes",
    [
        {"current_split": (2000, 2000, 2000, 2000, 1999)},
        {"current_split": (2500, 2500, 2500, 2500)},
        {"treasury_balance": -1},
        {"revenue_history": (1.5,)},
        {"epoch_seconds": 0},
        {"op_cost_per_epoch": True},
    ],
)
def test_malformed_states_are_refused(changes: dict[str, object]) -> None:
    fields = {**STATE.__dict__, **changes}
    with pytest.raises(InvalidInput):
        TreasuryState(**fields)  # type: ignore[arg-type]


def test_an_empty_revenue_history_still_gets_advice(tiny_artifact: Path) -> None:
    state = TreasuryState(0, (), (2000, 2000, 2000, 2000, 2000), 1_000 * UNIT, 7 * 86_400)
    suggestion = Advisor.load(tiny_artifact).suggest(state)
    assert lawful(suggestion.policy_bps) and suggestion.policy_bps[3] > 2000  # empty treasury: the reserve rises
    assert "reserve floor" in suggestion.bound
