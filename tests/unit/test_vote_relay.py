"""Relay intents become TxPlans whose calldata matches the compiled Governor and token ABIs."""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from web3 import Web3

from governance.adapters.chain.fake_sender import FakeTxSender
from governance.adapters.chain.vote_relay import TxSenderVoteRelay, calldata
from governance.domain.addresses import to_checksum
from governance.domain.signing import DelegationRelayIntent, VoteRelayIntent
from governance.domain.typed_data import Support

ARTIFACTS = Path(__file__).resolve().parents[2] / "governance" / "adapters" / "chain" / "artifacts"
VOTER = Account.from_key("0x" + "a1" * 32).address
GOVERNOR, TOKEN = to_checksum("5f" * 20), to_checksum("e7" * 20)
SIGNATURE = "0x" + "12" * 32 + "34" * 32 + "1b"


def contract(name: str):  # type: ignore[no-untyped-def]
    abi = json.loads((ARTIFACTS / f"{name}.json").read_text())["abi"]
    return Web3().eth.contract(abi=abi)


def vote(reason: str | None = None) -> VoteRelayIntent:
    return VoteRelayIntent(
        chain_id=31337, governor=GOVERNOR, proposal_id=2**255 + 3, support=Support.FOR, voter=VOTER,
        nonce=2, signature=SIGNATURE, reason=reason, params=b"" if reason is None else b"\x01",
    )


def test_calldata_matches_the_compiled_abis() -> None:
    governor = contract("DAOGovernor")
    plain = vote()
    expected = governor.encode_abi("castVoteBySig", list(plain.args))
    assert "0x" + calldata(plain).hex() == expected
    with_reason = vote("too costly")
    expected = governor.encode_abi("castVoteWithReasonAndParamsBySig", list(with_reason.args))
    assert "0x" + calldata(with_reason).hex() == expected
    deleg = DelegationRelayIntent(
        chain_id=31337, token=TOKEN, delegator=VOTER, delegatee=VOTER, nonce=0, expiry=1_800_000_000,
        signature=SIGNATURE,
    )
    assert deleg.args[3:] == (27, b"\x12" * 32, b"\x34" * 32)
    assert "0x" + calldata(deleg).hex() == contract("GovernanceToken").encode_abi("delegateBySig", list(deleg.args))


async def test_relaying_the_same_intent_twice_sends_once() -> None:
    sender = FakeTxSender()
    relay = TxSenderVoteRelay(sender)
    first = await relay.relay_vote(vote())
    assert await relay.relay_vote(vote()) == first
    (plan,) = sender.sent
    assert (plan.to, plan.role, plan.key) == (GOVERNOR, "relayer", vote().key)
