"""Our EIP-712 payloads against ethers 6: same digest, and signatures cross-verify."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from project_paths import CONTRACTS, ROOT

from governance.adapters.chain.signatures import recover_typed_data, typed_data_digest
from governance.domain.addresses import to_checksum
from governance.domain.typed_data import Eip712Domain, Support, ballot, delegation, extended_ballot

pytestmark = pytest.mark.node

KEY = "0x" + "4c" * 32
VOTER = Account.from_key(KEY).address
GOVERNOR = Eip712Domain(name="DAOGovernor", chain_id=31337, verifying_contract=to_checksum("5f" * 20))
TOKEN = Eip712Domain(name="Farm Share", chain_id=31337, verifying_contract=to_checksum("e7" * 20))
SCRIPT = ROOT / "tests" / "node" / "eth_reference.js"

PAYLOADS = {
    "ballot, 256-bit proposal id": ballot(
        GOVERNOR, proposal_id=2**256 - 7, support=Support.FOR, voter=VOTER, nonce=0
    ),
    "ballot, abstain, nonce 9": ballot(GOVERNOR, proposal_id=42, support=Support.ABSTAIN, voter=VOTER, nonce=9),
    "extended ballot, unicode reason, params": extended_ballot(
        GOVERNOR, proposal_id=123, support=Support.AGAINST, voter=VOTER, nonce=1,
        reason="Trop cher — see https://forum.example/t/1 ✓", params=bytes.fromhex("deadbeef"),
    ),
    "extended ballot, empty params": extended_ballot(
        GOVERNOR, proposal_id=1, support=Support.FOR, voter=VOTER, nonce=2, reason="",
    ),
    "delegation": delegation(TOKEN, delegatee=VOTER, nonce=0, expiry=1_795_000_000),
}


def run_reference(node: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    env = {**os.environ, "NODE_PATH": str(CONTRACTS / "node_modules")}
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(requests), capture_output=True, text=True, env=env,
        timeout=60, check=True,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def test_digests_and_signatures_agree_with_ethers(node_bin: str) -> None:
    ours = {
        name: "0x" + Account.sign_message(encode_typed_data(full_message=p), KEY).signature.hex().removeprefix("0x")
        for name, p in PAYLOADS.items()
    }
    requests = [
        {"op": "typedData", "payload": payload, "privateKey": KEY, "signature": ours[name]}
        for name, payload in PAYLOADS.items()
    ]
    for (name, payload), answer in zip(PAYLOADS.items(), run_reference(node_bin, requests), strict=True):
        assert answer["digest"] == "0x" + typed_data_digest(payload).hex(), name
        assert answer["recovered"] == VOTER, name
        assert recover_typed_data(payload, answer["signature"]) == VOTER, name
        assert answer["signature"] == ours[name], name  # RFC 6979: both sides sign deterministically
