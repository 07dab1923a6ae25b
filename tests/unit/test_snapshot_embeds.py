"""How Snapshot proposals read in Discord: time left, scores by choice name, links to snapshot.org."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.snapshot_embeds import proposal_embed, snapshot_url, time_left
from governance.domain.snapshot import Proposal

NOW = 1_795_000_000
BUDGET = Proposal(
    id="0x" + "ab" * 32, space="farm-dao.eth", author="0x" + "11" * 20, title="Fund the bounty pool", body="",
    choices=("For", "Against", "Abstain"), type="single-choice", start=NOW - 60, end=NOW + 2 * 3600 + 300,
    snapshot=7, state="active", scores=(Decimal("2000.25"), Decimal(1000), Decimal(0)),
    scores_total=Decimal("3000.25"), votes=3,
)


@pytest.mark.parametrize(("seconds", "words"), [
    (30, "under a minute"), (300, "5 min"), (3600, "1 h"), (7500, "2 h 5 min"), (2 * 86_400 + 4 * 3600, "2 d 4 h"),
    (86_400, "1 d"),
])
def test_time_left_in_words(seconds: int, words: str) -> None:
    assert time_left(seconds) == words


def test_an_open_proposal_shows_choices_by_name_scores_votes_and_time_left() -> None:
    embed = proposal_embed(BUDGET, now=NOW, hub_url="https://hub.snapshot.org/graphql")
    lines = (embed.description or "").splitlines()
    assert lines[0] == f"**Open**: voting ends <t:{BUDGET.end}:R> (2 h 5 min left)"
    assert lines[1] == "single-choice · 3 votes · total 3,000.25 · id `0xabababab`"
    assert lines[3:] == ["**1. For**: 2,000.25 (66.7%)", "**2. Against**: 1,000 (33.3%)", "**3. Abstain**: 0 (0.0%)"]
    assert embed.url == f"https://snapshot.org/#/farm-dao.eth/proposal/{BUDGET.id}"


def test_a_closed_proposal_names_its_winner_and_a_local_hub_gets_no_link() -> None:
    closed = replace(BUDGET, state="closed", end=NOW - 10)
    embed = proposal_embed(closed, now=NOW, hub_url="http://127.0.0.1:8080/graphql")
    assert (embed.description or "").startswith(f"**Closed** <t:{closed.end}:R>: “For” wins")
    assert embed.url is None and embed.footer.text is None
    assert snapshot_url("https://testnet.hub.snapshot.org/graphql", closed) == (
        f"https://testnet.snapshot.box/#/farm-dao.eth/proposal/{closed.id}"
    )
