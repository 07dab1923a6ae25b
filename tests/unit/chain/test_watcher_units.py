"""Watcher pieces without a node: event catalog vs compiled ABIs, range sizing, state rule, error triage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance.adapters.chain.catalog import ROLE_EVENTS, Role
from governance.adapters.chain.rpc import CallReverted, RangeTooLarge, _classify_error
from governance.adapters.chain.span import AdaptiveSpan
from governance.adapters.chain.suite import CONTRACT_ROLES
from governance.domain.chain_records import ProposalFacts, ProposalState, Tally, proposal_state
from governance.domain.events import ChainPosition, ProposalCanceled, VoteCast, to_notification

ARTIFACTS = Path(__file__).resolve().parents[3] / "governance" / "adapters" / "chain" / "artifacts"


def _abi_type(item: dict[str, object]) -> str:
    kind = str(item["type"])
    if kind.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in item["components"])  # type: ignore[attr-defined]
        return f"({inner}){kind[5:]}"
    return kind


@pytest.mark.parametrize("contract", sorted(CONTRACT_ROLES))
def test_watched_events_match_the_compiled_abi(contract: str) -> None:
    abi = json.loads((ARTIFACTS / f"{contract}.json").read_text())["abi"]
    compiled = {
        item["name"]: ([_abi_type(i) for i in item["inputs"]], [i["indexed"] for i in item["inputs"]])
        for item in abi
        if item["type"] == "event"
    }
    for spec in ROLE_EVENTS[CONTRACT_ROLES[contract]]:
        assert spec.name in compiled, f"{contract} has no event {spec.name}"
        types, indexed = compiled[spec.name]
        assert [p.type for p in spec.params] == types
        assert [p.indexed for p in spec.params] == indexed


def test_every_role_has_events() -> None:
    assert all(ROLE_EVENTS[role] for role in Role)


def test_span_halves_on_refusal_and_stays_under_the_refused_size() -> None:
    span = AdaptiveSpan(size=1000, probe_after=3)
    span.refused()
    assert span.size == 500
    span.answered(500, 0)
    assert span.size == 500  # capped below the refused 1000
    span.answered(500, 0)
    span.answered(500, 0)  # the third answer in a row lifts the cap
    span.answered(500, 0)
    assert span.size == 1000


def test_span_grows_on_light_answers_and_shrinks_on_heavy_ones() -> None:
    span = AdaptiveSpan(size=100, target_logs=1000, maximum=400)
    for _ in range(5):
        span.answered(span.size, 10)
    assert span.size == 400
    span.answered(400, 5000)
    assert span.size == 200


@pytest.mark.parametrize(
    "error",
    [
        {"code": -32005, "message": "query returned more than 10000 results"},
        {"code": -32602, "message": "block range too large, max is 500"},
        {"code": -32000, "message": "Log response size exceeded"},
        {"code": -32600, "message": "eth_getLogs is limited to a 10,000 range"},
    ],
)
def test_provider_range_refusals_are_recognised(error: dict[str, object]) -> None:
    assert isinstance(_classify_error(error), RangeTooLarge)


def test_reverts_are_final_and_other_errors_transient() -> None:
    assert isinstance(_classify_error({"code": 3, "message": "execution reverted"}), CallReverted)
    assert not isinstance(_classify_error({"code": -32603, "message": "internal error"}), (RangeTooLarge, CallReverted))


FACTS = ProposalFacts(vote_start=10, vote_end=20)


@pytest.mark.parametrize(
    ("facts", "clock", "tally", "quorum", "expected"),
    [
        (FACTS, 10, Tally(), None, ProposalState.PENDING),
        (FACTS, 11, Tally(), None, ProposalState.ACTIVE),
        (FACTS, 20, Tally(), None, ProposalState.ACTIVE),
        (FACTS, 21, Tally(5, 1, 0), 4, ProposalState.SUCCEEDED),
        (FACTS, 21, Tally(5, 1, 0), 10, ProposalState.DEFEATED),
        (FACTS, 21, Tally(1, 5, 0), None, ProposalState.DEFEATED),
        (ProposalFacts(10, 20, state_after_deadline=ProposalState.DEFEATED), 99, Tally(9, 0, 0), 1,
         ProposalState.DEFEATED),
        (ProposalFacts(10, 20, queued=True), 99, Tally(), None, ProposalState.QUEUED),
        (ProposalFacts(10, 20, queued=True, canceled=True), 99, Tally(), None, ProposalState.CANCELED),
        (ProposalFacts(10, 20, queued=True, executed=True), 99, Tally(), None, ProposalState.EXECUTED),
    ],
)
def test_proposal_state_mirrors_the_governor(
    facts: ProposalFacts, clock: int, tally: Tally, quorum: int | None, expected: ProposalState
) -> None:
    assert proposal_state(facts, clock, tally, quorum) is expected


def test_lifecycle_events_share_one_key_whatever_log_carried_them() -> None:
    on_timelock = ProposalCanceled(ChainPosition(1, 5, "0xaa", 3), 77, "timelock")
    on_governor = ProposalCanceled(ChainPosition(1, 5, "0xaa", 4), 77, "governor")
    assert on_timelock.dedupe_key == on_governor.dedupe_key == "1:proposal:77:canceled"
    vote = VoteCast(ChainPosition(1, 5, "0xbb", 2), 2**200, "0xV", 1, 10, "")
    note = to_notification(vote)
    assert note.dedupe_key == "1:0xbb:2" and note.kind == "VoteCast"
    assert note.payload["proposal_id"] == str(2**200) and note.payload["weight"] == 10
