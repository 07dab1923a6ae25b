"""Our Snapshot envelopes are byte-for-byte the ones snapshot.js's own Client712 posts.

For fixed keys and messages, Node runs Client712 (with an ethers v5 Wallet, as Snapshot's UI
does) against a local HTTP server that captures the request body; Python builds and signs
the same message with eth_account. The bodies must be identical strings.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from eth_account import Account
from snapshot_support import NOW

from governance.adapters.snapshot.signing import message_id, recover_signer, sign_typed_data
from governance.adapters.snapshot.testing import LocalSnapshotHub
from governance.domain.snapshot import (
    Choice,
    SignedEnvelope,
    VotingType,
    proposal_typed_data,
    vote_typed_data,
)

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("snapshotjs_client712.js")
KEYS = ("0x" + "11" * 32, "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
HEX_ID = "0x" + "ab" * 32
IPFS_ID = "QmWbpCtwdLzxuLKnMW4Vv4MPFd2pdPX71YBKPasfZxqLUS"
REASON = 'Mostly yes — but "fees" need work.\nSee ✓ 🚀 \\ path'

VOTES: list[tuple[VotingType, Choice, Any, str]] = [
    (VotingType.SINGLE_CHOICE, 2, 2, HEX_ID),
    (VotingType.BASIC, 3, 3, HEX_ID),
    (VotingType.APPROVAL, (1, 3), [1, 3], IPFS_ID),
    (VotingType.APPROVAL, (), [], HEX_ID),
    (VotingType.RANKED_CHOICE, (3, 1, 2), [3, 1, 2], HEX_ID),
    (VotingType.WEIGHTED, {2: 40, 1: 60}, {"2": 40, "1": 60}, HEX_ID),
    (VotingType.QUADRATIC, {10: 1, 3: 7}, {"10": 1, "3": 7}, IPFS_ID),
]


def run_client712(node: str, cases: list[dict[str, Any]]) -> list[dict[str, str]]:
    env = {**os.environ, "NODE_PATH": str(ROOT / "contracts" / "node_modules")}
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(cases), capture_output=True, text=True,
        env=env, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, str]] = json.loads(done.stdout)
    return results


def vote_case(key: str, index: int, voting_type: VotingType, js_choice: Any, proposal: str) -> dict[str, Any]:
    sender = Account.from_key(key).address
    return {"method": "vote", "privateKey": key, "message": {
        "from": sender.lower(), "space": "daobot.eth", "timestamp": 1_763_700_000 + index,
        "proposal": proposal, "type": voting_type.value, "choice": js_choice,
        "reason": REASON if index % 2 else "", "app": "daobot" if index % 3 else "", "metadata": "",
    }}


def our_vote(key: str, index: int, voting_type: VotingType, choice: Choice, proposal: str) -> SignedEnvelope:
    account = Account.from_key(key)
    typed = vote_typed_data(
        voter=account.address.lower(), space="daobot.eth", proposal_id=proposal, voting_type=voting_type,
        choice=choice, timestamp=1_763_700_000 + index, reason=REASON if index % 2 else "",
        app="daobot" if index % 3 else "", metadata="",
    )
    return sign_typed_data(typed, account)


PROPOSAL_ARGS: dict[str, Any] = {
    "space": "daobot.eth", "timestamp": 1_763_700_500, "title": "Delist “spam-v2” — précis",
    "body": "## Why\nIts reputation is negative.\n\t\"quoted\" and 🚀", "discussion": "https://forum.example/t/1",
    "choices": ["For", "Against", "Abstain"], "labels": ["treasury"], "start": 1_763_700_600,
    "end": 1_764_305_400, "snapshot": 21_000_000, "plugins": "{}", "privacy": "", "app": "daobot",
}


def test_every_voting_type_and_a_proposal_match_client712_byte_for_byte(node_bin: str) -> None:
    cases, ours = [], []
    for index, (voting_type, choice, js_choice, proposal) in enumerate(VOTES):
        key = KEYS[index % 2]
        cases.append(vote_case(key, index, voting_type, js_choice, proposal))
        ours.append(our_vote(key, index, voting_type, choice, proposal))
    for key, kind in ((KEYS[0], VotingType.BASIC), (KEYS[1], VotingType.RANKED_CHOICE)):
        author = Account.from_key(key).address
        rest = {k: v for k, v in PROPOSAL_ARGS.items() if k not in ("space", "timestamp")}
        js_message = {"from": author, "space": "daobot.eth", "timestamp": PROPOSAL_ARGS["timestamp"],
                      "type": kind.value, **rest}
        cases.append({"method": "proposal", "privateKey": key, "message": js_message})
        typed = proposal_typed_data(author=author, voting_type=kind, **PROPOSAL_ARGS)
        ours.append(sign_typed_data(typed, Account.from_key(key)))

    results = run_client712(node_bin, cases)

    assert len(results) == len(ours)
    for case, mine, theirs in zip(cases, ours, results, strict=True):
        label = f"{case['method']} {case['message'].get('type')}"
        assert mine.to_json() == theirs["body"], label
        assert mine.sig == theirs["ethers6Sig"], label
        assert message_id(mine.typed_data) == theirs["hash"], label


def test_key_order_of_the_callers_message_changes_neither_signature_nor_data(node_bin: str) -> None:
    # Snapshot's UI passes the vote without `from` and in its own key order; Client712 fills `from`.
    key = KEYS[1]
    ui_message = {"space": "daobot.eth", "proposal": HEX_ID, "type": "approval", "choice": [2],
                  "app": "snapshot", "reason": "", "timestamp": 1_763_700_999}
    [theirs] = run_client712(node_bin, [{"method": "vote", "privateKey": key, "message": ui_message}])
    account = Account.from_key(key)
    typed = vote_typed_data(voter=account.address, space="daobot.eth", proposal_id=HEX_ID,
                            voting_type=VotingType.APPROVAL, choice=(2,), timestamp=1_763_700_999, app="snapshot")
    mine = sign_typed_data(typed, account)
    assert json.loads(theirs["body"]) == json.loads(mine.to_json())
    assert recover_signer(typed, json.loads(theirs["body"])["sig"]) == account.address



async def test_the_local_sequencer_accepts_what_client712_sends(node_bin: str, hub: LocalSnapshotHub) -> None:
    key = KEYS[0]
    wallet = Account.from_key(key)
    proposal = hub.add_proposal("daobot.eth", title="t", choices=("A", "B", "C"), start=NOW - 60, end=NOW + 60,
                                voting_type=VotingType.WEIGHTED).id
    hub.set_voting_power("daobot.eth", wallet.address, 7)
    ui_message = {"space": "daobot.eth", "proposal": proposal, "type": "weighted", "choice": {"3": 1, "1": 2},
                  "reason": "", "app": "snapshot", "timestamp": NOW}
    [theirs] = run_client712(node_bin, [{"method": "vote", "privateKey": key, "message": ui_message}])
    async with aiohttp.ClientSession() as session, session.post(
        hub.sequencer_url, data=theirs["body"], headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 200, await response.text()
        assert (await response.json())["id"] == theirs["hash"]
    [vote] = hub.votes_on(proposal)
    assert (vote.voter, vote.choice, vote.vp) == (wallet.address, {"1": 2, "3": 1}, 7)
