"""Snapshot rules: reading a member's ballot, checking it per voting type, messages, tallies."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.domain.errors import InvalidInput
from governance.domain.snapshot import (
    TypedData,
    VotingType,
    choice_problem,
    describe_choice,
    parse_choice_text,
    proposal_typed_data,
    typed_data_from_data,
    vote_typed_data,
)
from governance.domain.snapshot.tally import tally

CHOICES = ("Alpha", "Beta", "Gamma")
WALLET = "0x19E7E376E7C213B7E7e7e46cc70A5dD086DAff2A"


@pytest.mark.parametrize(("voting_type", "text", "expected"), [
    (VotingType.SINGLE_CHOICE, "2", 2),
    (VotingType.SINGLE_CHOICE, "  gamma ", 3),
    (VotingType.BASIC, "Alpha", 1),
    (VotingType.APPROVAL, "1, gamma", (1, 3)),
    (VotingType.APPROVAL, "Beta", (2,)),
    (VotingType.RANKED_CHOICE, "3;1;beta", (3, 1, 2)),
    (VotingType.WEIGHTED, "alpha: 3, 3=1", {1: 3, 3: 1}),
    (VotingType.QUADRATIC, "Beta:10", {2: 10}),
])
def test_a_members_ballot_is_read_by_number_or_name(voting_type: VotingType, text: str, expected: object) -> None:
    assert parse_choice_text(voting_type, text, CHOICES) == expected


@pytest.mark.parametrize(("voting_type", "text", "message"), [
    (VotingType.SINGLE_CHOICE, "4", "not one of the choices: 1. Alpha, 2. Beta, 3. Gamma"),
    (VotingType.SINGLE_CHOICE, "Delta", "“Delta” is not one of the choices"),
    (VotingType.SINGLE_CHOICE, " ", "Say which choice"),
    (VotingType.APPROVAL, "1, alpha", "a choice appears more than once"),
    (VotingType.RANKED_CHOICE, "1, 2", "rank all 3 choices, each exactly once"),
    (VotingType.WEIGHTED, "Alpha", "needs a whole-number weight"),
    (VotingType.WEIGHTED, "Alpha: 0", "at least one weight must be above zero"),
    (VotingType.QUADRATIC, "1: 2, alpha: 3", "weighted twice"),
    (VotingType.WEIGHTED, "Alpha: -1", "needs a whole-number weight"),
])
def test_a_ballot_that_does_not_fit_is_refused_in_words(voting_type: VotingType, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_choice_text(voting_type, text, CHOICES)


def test_duplicate_choice_names_must_be_given_by_number() -> None:
    with pytest.raises(InvalidInput, match="names more than one choice"):
        parse_choice_text(VotingType.SINGLE_CHOICE, "yes", ("Yes", "No", "yes"))
    assert parse_choice_text(VotingType.SINGLE_CHOICE, "3", ("Yes", "No", "yes")) == 3


@pytest.mark.parametrize(("voting_type", "raw", "ok"), [
    (VotingType.SINGLE_CHOICE, True, False),
    (VotingType.SINGLE_CHOICE, 1.0, False),
    (VotingType.APPROVAL, [], True),
    (VotingType.RANKED_CHOICE, [], False),
    (VotingType.WEIGHTED, {"1": 0.5, "2": 0}, True),
    (VotingType.WEIGHTED, {}, False),
    (VotingType.QUADRATIC, {"x": 1}, False),
    (VotingType.BASIC, 3, True),
])
def test_raw_json_choices_are_judged_as_snapshot_judges_them(voting_type: VotingType, raw: object, ok: bool) -> None:
    assert (choice_problem(voting_type, raw, CHOICES) is None) is ok


@given(st.permutations([1, 2, 3]))
def test_every_full_ranking_is_valid_and_reads_back_from_its_description(ranking: list[int]) -> None:
    choice = tuple(ranking)
    assert choice_problem(VotingType.RANKED_CHOICE, choice, CHOICES) is None
    assert parse_choice_text(VotingType.RANKED_CHOICE, describe_choice(choice, CHOICES), CHOICES) == choice


@given(st.dictionaries(st.integers(1, 12), st.integers(0, 10**6), min_size=1).filter(lambda d: any(d.values())))
def test_weights_are_signed_as_json_with_numeric_key_order(weights: dict[int, int]) -> None:
    typed = vote_typed_data(voter=WALLET, space="s", proposal_id="p", voting_type=VotingType.WEIGHTED,
                            choice=weights, timestamp=1)
    text = typed.value("choice")
    assert isinstance(text, str)
    assert [int(k) for k in json.loads(text)] == sorted(weights)
    assert json.loads(text) == {str(k): v for k, v in weights.items()}


def test_vote_messages_checksum_the_voter_and_default_metadata() -> None:
    typed = vote_typed_data(voter=WALLET.lower(), space="s", proposal_id="p", voting_type=VotingType.APPROVAL,
                            choice=(2,), timestamp=7, metadata="")
    assert typed.message() == {"from": WALLET, "space": "s", "timestamp": 7, "proposal": "p", "choice": [2],
                               "reason": "", "app": "", "metadata": "{}"}
    assert typed.wallet_request()["primaryType"] == "Vote"
    with pytest.raises(InvalidInput):
        vote_typed_data(voter=WALLET, space="s", proposal_id="p", voting_type=VotingType.SINGLE_CHOICE,
                        choice=2**32, timestamp=7)


def test_stored_typed_data_reads_back_and_tampering_is_refused() -> None:
    typed = proposal_typed_data(author=WALLET, space="s", timestamp=1, voting_type=VotingType.BASIC, title="t",
                                body="b", choices=["For", "Against"], start=10, end=20, snapshot=5)
    stored = json.loads(json.dumps(typed.data()))
    assert typed_data_from_data(stored) == typed
    stored["types"]["Proposal"][0]["type"] = "address"
    with pytest.raises(InvalidInput):
        typed_data_from_data(stored)
    vote = vote_typed_data(voter=WALLET, space="s", proposal_id="p", voting_type=VotingType.SINGLE_CHOICE,
                           choice=1, timestamp=1).data()
    vote["message"]["choice"] = "1"  # type: ignore[index]
    with pytest.raises(InvalidInput):
        typed_data_from_data(vote)
    assert isinstance(typed_data_from_data(json.loads(json.dumps(typed.data()))), TypedData)


def test_tallies_follow_snapshot_for_each_type() -> None:
    d = Decimal
    assert tally(VotingType.SINGLE_CHOICE, CHOICES, [(1, d(5)), (3, d(2)), (9, d(4))]) == (
        (d(5), d(0), d(2)), d(11))
    assert tally(VotingType.APPROVAL, CHOICES, [([1, 2], d(5)), ([], d(1))])[0] == (d(5), d(5), d(0))
    assert tally(VotingType.WEIGHTED, CHOICES, [({"1": 3, "2": 1}, d(8))])[0] == (d(6), d(2), d(0))
    quadratic = tally(VotingType.QUADRATIC, CHOICES, [({"1": 1}, d(9)), ({"2": 1}, d(1))])[0]
    assert quadratic[0] + quadratic[1] == d(10) and quadratic[0] > quadratic[1]
    # Instant runoff: Gamma is out first; its voter's next choice, Beta, then wins.
    ranked = [([1, 2, 3], d(4)), ([2, 1, 3], d(3)), ([3, 2, 1], d(2))]
    assert tally(VotingType.RANKED_CHOICE, CHOICES, ranked)[0] == (d(4), d(5), d(0))
