"""The bot's side of the advisor: the shipped artifact behind the port, a refused artifact, the embed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cogs.allocation import ProposeButton, suggestion_embed
from bot.features.advisor import PolicyAdvisor, UnavailableAdvisor, load_advisor
from governance.domain.allocation import TreasuryFigures
from governance.domain.errors import IntegrityError
from governance.services.allocation import Advised
from policies.allocation.advisor import Advisor, TreasuryState
from policies.allocation.artifacts import CARD_NAME, DEFAULT_DIR

USD = 10**6
FIGURES = TreasuryFigures(
    reserve_balance=80_000 * USD, revenue_history=tuple(v * USD for v in (9_000, 9_400, 8_700, 10_100)),
    current_split=(3000, 3000, 1000, 2000, 1000), reserve_floor_bps=1000, epoch_seconds=7 * 86_400,
    current_epoch=5, op_cost_per_epoch=2_500 * USD,
)


@pytest.fixture(scope="module")
def advisor() -> PolicyAdvisor:
    loaded = load_advisor(None)
    assert isinstance(loaded, PolicyAdvisor)
    return loaded


def test_the_port_gives_the_advisor_the_chain_figures(advisor: PolicyAdvisor) -> None:
    state = TreasuryState(80_000 * USD, FIGURES.revenue_history, FIGURES.current_split, 2_500 * USD, 7 * 86_400)
    assert advisor.suggest(FIGURES) == Advisor.load(DEFAULT_DIR).suggest(state)


def test_the_embed_shows_what_members_need_to_judge_the_suggestion(advisor: PolicyAdvisor) -> None:
    suggestion = advisor.suggest(FIGURES)
    embed = suggestion_embed(Advised(FIGURES, suggestion))
    shown = {f.name: f.value for f in embed.fields}
    assert "best fixed split (the policy is advisory)" in (embed.description or "")
    assert "runway floor" in (embed.description or "")  # the shipped evaluation's reason
    assert shown["Proposed"] == " / ".join(f"{b // 100}.{b % 100:02d}%" for b in suggestion.proposed_bps)
    assert shown["Safety limits that bound the policy"] == (", ".join(suggestion.bound) or "none")
    assert len(shown["Main drivers"].splitlines()) == len(suggestion.drivers)
    assert f"the {len(suggestion.seed_splits)} trained seeds" in shown["Confidence"]
    assert "reserve 80,000.00 USD" in shown["Treasury (from chain)"]
    assert embed.image.url == "attachment://allocation.png"
    button = ProposeButton(suggestion.proposed_bps)
    assert button.custom_id == "allocation:propose:" + "-".join(map(str, suggestion.proposed_bps))


def test_an_artifact_with_a_wrong_hash_turns_the_advisor_off_with_a_reason_admins_can_act_on(tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(DEFAULT_DIR, artifact)
    with (artifact / "vecnormalize_seed3.pkl").open("ab") as handle:
        handle.write(b"\0")
    loaded = load_advisor(artifact)
    assert isinstance(loaded, UnavailableAdvisor)
    with pytest.raises(IntegrityError) as info:
        loaded.suggest(FIGURES)
    assert info.value.message.startswith("The allocation advisor is off: The allocation artifact file "
                                          "vecnormalize_seed3.pkl does not match its SHA-256")
    assert "Restore the artifact or retrain it with `daobot policy train`" in info.value.message


def test_a_card_whose_decision_was_edited_turns_the_advisor_off(tmp_path: Path) -> None:
    artifact = tmp_path / "artifact"
    shutil.copytree(DEFAULT_DIR, artifact)
    card = json.loads((artifact / CARD_NAME).read_text())
    card["evaluation"]["decision"]["choice"] = "policy"
    (artifact / CARD_NAME).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    loaded = load_advisor(artifact)
    assert isinstance(loaded, UnavailableAdvisor) and "model_card.json does not match" in loaded.reason
