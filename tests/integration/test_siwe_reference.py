"""Our EIP-4361 code against the reference implementation (npm ``siwe`` 3.0.0 with ethers 6).

Messages we build are parsed and verified by ``siwe``; messages ``siwe`` builds (signed by an
ethers ``Wallet``) are parsed by us and their signatures recover with our EIP-191 recovery.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from project_paths import CONTRACTS, ROOT

from governance.adapters.chain.signatures import recover_personal_sign
from governance.domain.errors import SignatureRejected
from governance.domain.siwe import SiweMessage, build, format_time, parse

pytestmark = pytest.mark.node

KEY = "0x" + "4c" * 32
OTHER_KEY = "0x" + "7e" * 32
SIGNER = Account.from_key(KEY)
T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
SCRIPT = ROOT / "tests" / "node" / "eth_reference.js"


def run_reference(node: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    env = {**os.environ, "NODE_PATH": str(CONTRACTS / "node_modules")}
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(requests), capture_output=True, text=True, env=env,
        timeout=60, check=True,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def ours(**changes: Any) -> SiweMessage:
    fields: dict[str, Any] = {
        "domain": "daobot.example", "address": SIGNER.address, "uri": "https://daobot.example/sign/tok",
        "chain_id": 31337, "nonce": "Zx81kd02ab", "issued_at": T0,
    }
    return SiweMessage(**{**fields, **changes})


OUR_CASES = {
    "full": ours(
        scheme="https", statement="Link this wallet to Discord member 4242.",
        expiration_time=T0 + timedelta(minutes=10), not_before=T0, request_id="req-1",
        resources=("ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/", "https://daobot.example/a?b=c"),
    ),
    "minimal, statement absent": ours(),
    "empty statement": ours(statement=""),
    "localhost with port, expiry only": ours(
        domain="127.0.0.1:8080", uri="http://127.0.0.1:8080/sign/x", statement="Hi.",
        expiration_time=T0 + timedelta(hours=1),
    ),
    "empty resources list": ours(statement="With resources header only.", resources=()),
}


def sign(text: str, key: str = KEY) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=text), key).signature.hex().removeprefix("0x")


def test_reference_parses_and_verifies_what_we_build(node_bin: str) -> None:
    requests = []
    for message in OUR_CASES.values():
        text = build(message)
        for signature in (sign(text), sign(text, OTHER_KEY)):
            requests.append({
                "op": "siweVerify", "message": text, "signature": signature, "domain": message.domain,
                "nonce": message.nonce, "time": format_time(T0 + timedelta(minutes=1)),
            })
    answers = run_reference(node_bin, requests)
    for i, (name, message) in enumerate(OUR_CASES.items()):
        good, forged = answers[2 * i], answers[2 * i + 1]
        assert "parseError" not in good, (name, good)
        assert good["success"] is True, (name, good)
        assert good["rebuilt"] == build(message), name
        assert good["parsed"]["address"] == SIGNER.address
        assert good["parsed"]["statement"] == message.statement
        assert good["parsed"]["resources"] == (None if message.resources is None else list(message.resources))
        assert forged["success"] is False, name


REFERENCE_CASES: list[dict[str, Any]] = [
    {"domain": "example.com", "uri": "https://example.com/login", "version": "1", "chainId": 1,
     "nonce": "32891756aa", "issuedAt": "2026-11-21T10:00:00.000Z",
     "statement": "I accept the ExampleOrg Terms of Service: https://example.com/tos",
     "resources": ["ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/",
                   "https://example.com/my-web2-claim.json"]},
    {"domain": "example.com", "uri": "https://example.com/login", "version": "1", "chainId": 137,
     "nonce": "abcdefgh", "issuedAt": "2026-11-21T10:00:00.000Z"},
    {"scheme": "https", "domain": "sub.example.com:8443",
     "uri": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
     "version": "1", "chainId": 10, "nonce": "K9x8J7h6G5", "issuedAt": "2026-11-21T10:00:00.123Z",
     "expirationTime": "2026-11-21T11:00:00.000Z", "notBefore": "2026-11-21T09:59:00.000Z",
     "requestId": "some-request:id@x", "statement": "Sign in."},
]


def test_we_parse_and_recover_what_the_reference_builds(node_bin: str) -> None:
    requests = [{"op": "siweBuild", "fields": fields, "privateKey": KEY} for fields in REFERENCE_CASES]
    for fields, answer in zip(REFERENCE_CASES, run_reference(node_bin, requests), strict=True):
        parsed = parse(answer["message"])
        assert parsed.address == answer["address"] == SIGNER.address
        assert parsed.domain == fields["domain"] and parsed.scheme == fields.get("scheme")
        assert parsed.statement == fields.get("statement")
        assert parsed.chain_id == fields["chainId"] and parsed.nonce == fields["nonce"]
        assert parsed.resources == (tuple(fields["resources"]) if "resources" in fields else None)
        assert parsed.request_id == fields.get("requestId")
        assert format_time(parsed.issued_at) == fields["issuedAt"]
        assert build(parsed) == answer["message"]
        assert recover_personal_sign(answer["message"], answer["signature"]) == SIGNER.address
        tampered = answer["message"].replace("Nonce: ", "Nonce: 0")
        assert recover_personal_sign(tampered, answer["signature"]) != SIGNER.address


def test_malformed_signatures_are_rejected() -> None:
    text = build(ours())
    good = sign(text)
    for bad in ("", "0x", good[:-2], good + "00", "0x" + "zz" * 65, "0x" + "00" * 65):
        with pytest.raises(SignatureRejected):
            recover_personal_sign(text, bad)
