"""EIP-712 payloads for the Governor and ERC20Votes: the exact type strings OpenZeppelin hashes."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from project_paths import CONTRACTS

from governance.adapters.chain.signatures import recover_typed_data, typed_data_digest
from governance.domain.addresses import to_checksum
from governance.domain.errors import InvalidInput, SignatureRejected
from governance.domain.typed_data import (
    BALLOT_TYPE,
    DELEGATION_TYPE,
    EXTENDED_BALLOT_TYPE,
    Eip712Domain,
    Support,
    ballot,
    delegation,
    extended_ballot,
)

OZ = CONTRACTS / "node_modules" / "@openzeppelin" / "contracts"
GOVERNOR = Eip712Domain(name="DAOGovernor", chain_id=31337, verifying_contract=to_checksum("11" * 20))
KEY = "0x" + "4c" * 32
VOTER = Account.from_key(KEY).address
PROPOSAL_ID = 2**255 + 12345  # proposal ids are hashes: far beyond 2**53


def test_type_strings_are_the_ones_openzeppelin_v5_hashes() -> None:
    if not OZ.exists():
        pytest.skip("contracts/node_modules is not installed (run `make test`)")
    governor = (OZ / "governance" / "Governor.sol").read_text()
    votes = (OZ / "governance" / "utils" / "Votes.sol").read_text()
    assert f'"{BALLOT_TYPE}"' in governor
    assert f'"{EXTENDED_BALLOT_TYPE}"' in governor
    assert f'"{DELEGATION_TYPE}"' in votes
    assert 'return "1";' in governor  # Governor.version(), the domain version we use


def test_ballot_payload_is_json_ready_for_eth_sign_typed_data_v4() -> None:
    payload = ballot(GOVERNOR, proposal_id=PROPOSAL_ID, support=Support.FOR, voter=VOTER.lower(), nonce=3)
    assert json.loads(json.dumps(payload)) == payload
    assert payload["primaryType"] == "Ballot"
    assert [f["name"] for f in payload["types"]["Ballot"]] == ["proposalId", "support", "voter", "nonce"]
    assert payload["message"] == {"proposalId": str(PROPOSAL_ID), "support": 1, "voter": VOTER, "nonce": "3"}
    assert payload["domain"] == {
        "name": "DAOGovernor", "version": "1", "chainId": 31337, "verifyingContract": GOVERNOR.verifying_contract,
    }


def test_extended_ballot_and_delegation_fields() -> None:
    payload = extended_ballot(
        GOVERNOR, proposal_id=7, support=Support.AGAINST, voter=VOTER, nonce=0, reason="too costly", params=b"\x01"
    )
    assert payload["primaryType"] == "ExtendedBallot"
    assert payload["message"]["reason"] == "too costly" and payload["message"]["params"] == "0x01"
    token = Eip712Domain(name="Farm Share", chain_id=1, verifying_contract=to_checksum("22" * 20))
    payload = delegation(token, delegatee=VOTER, nonce=0, expiry=1_800_000_000)
    assert payload["primaryType"] == "Delegation"
    assert payload["message"] == {"delegatee": VOTER, "nonce": "0", "expiry": "1800000000"}


@pytest.mark.parametrize(
    "bad",
    [
        {"support": 3},
        {"proposal_id": -1},
        {"proposal_id": 2**256},
        {"nonce": True},
        {"voter": "0x1234"},
    ],
)
def test_builders_refuse_values_the_contract_could_not_take(bad: dict[str, object]) -> None:
    args: dict[str, object] = {"proposal_id": 1, "support": 1, "voter": VOTER, "nonce": 0, **bad}
    with pytest.raises(InvalidInput):
        ballot(GOVERNOR, **args)  # type: ignore[arg-type]


def test_sign_with_eth_account_and_recover() -> None:
    payload = ballot(GOVERNOR, proposal_id=PROPOSAL_ID, support=Support.ABSTAIN, voter=VOTER, nonce=0)
    signed = Account.sign_message(encode_typed_data(full_message=payload), KEY)
    signature = "0x" + signed.signature.hex().removeprefix("0x")
    assert recover_typed_data(payload, signature) == VOTER
    assert typed_data_digest(payload) == bytes(signed.message_hash)
    other = ballot(GOVERNOR, proposal_id=PROPOSAL_ID, support=Support.FOR, voter=VOTER, nonce=0)
    assert recover_typed_data(other, signature) != VOTER


def test_high_s_signatures_are_refused_like_openzeppelin_ecdsa_does() -> None:
    payload = ballot(GOVERNOR, proposal_id=1, support=Support.FOR, voter=VOTER, nonce=0)
    signed = Account.sign_message(encode_typed_data(full_message=payload), KEY)
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    flipped_v = 55 - signed.v  # 27 <-> 28
    malleated = signed.r.to_bytes(32, "big") + (n - signed.s).to_bytes(32, "big") + bytes([flipped_v])
    with pytest.raises(SignatureRejected, match="canonical"):
        recover_typed_data(payload, "0x" + malleated.hex())
