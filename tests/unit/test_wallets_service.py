"""Wallet linking and member-signed votes/delegations, on fakes with real signatures."""

from __future__ import annotations

from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from governance.adapters.chain.signatures import EthAccountSignerRecovery
from governance.adapters.clock import FakeClock
from governance.adapters.fake_wallets import (
    FakeSigningRequestStore,
    FakeVoteRelay,
    FakeVotesReader,
    FakeWalletLinkStore,
)
from governance.domain.addresses import to_checksum
from governance.domain.errors import (
    ChainError,
    InvalidInput,
    NotAuthorized,
    NotFound,
    RateLimited,
    SignatureRejected,
    WrongState,
)
from governance.domain.signing import SigningKind, SigningSettings
from governance.domain.typed_data import Eip712Domain, Support
from governance.services import wallets

ALICE_KEY, BOB_KEY, MALLORY_KEY = "0x" + "a1" * 32, "0x" + "b2" * 32, "0x" + "c3" * 32
ALICE, BOB, MALLORY = (Account.from_key(k).address for k in (ALICE_KEY, BOB_KEY, MALLORY_KEY))
MEMBER, OTHER_MEMBER = 111, 222
PROPOSAL = 2**255 + 99
SETTINGS = SigningSettings(
    base_url="https://daobot.example",
    chain_id=31337,
    governor=Eip712Domain("DAOGovernor", 31337, to_checksum("11" * 20)),
    token=Eip712Domain("Farm Share", 31337, to_checksum("22" * 20)),
)


@pytest.fixture
def deps() -> wallets.WalletDeps:
    return wallets.WalletDeps(
        settings=SETTINGS, requests=FakeSigningRequestStore(), links=FakeWalletLinkStore(),
        votes=FakeVotesReader(), relay=FakeVoteRelay(), recovery=EthAccountSignerRecovery(),
        clock=FakeClock(1_795_000_000),
    )


def personal_sign(text: str, key: str) -> str:
    return "0x" + Account.sign_message(encode_defunct(text=text), key).signature.hex().removeprefix("0x")


def typed_sign(typed: dict[str, Any], key: str) -> str:
    return "0x" + Account.sign_message(encode_typed_data(full_message=typed), key).signature.hex().removeprefix("0x")


async def link(deps: wallets.WalletDeps, member: int, key: str) -> str:
    request = await wallets.start_link(deps, member, "alice#1")
    address = Account.from_key(key).address
    text = await wallets.link_message(deps, request.token, address)
    return await wallets.complete_link(deps, request.token, text, personal_sign(text, key))


async def test_link_records_the_wallet_and_spends_the_request(deps: wallets.WalletDeps) -> None:
    request = await wallets.start_link(deps, MEMBER, "alice#1")
    text = await wallets.link_message(deps, request.token, ALICE)
    assert f"URI: https://daobot.example/sign/{request.token}" in text
    assert f"Nonce: {request.nonce}" in text
    assert await wallets.complete_link(deps, request.token, text, personal_sign(text, ALICE_KEY)) == ALICE
    assert await deps.links.wallet_of(MEMBER) == ALICE
    with pytest.raises(SignatureRejected, match="already used"):
        await wallets.complete_link(deps, request.token, text, personal_sign(text, ALICE_KEY))


async def test_a_forged_link_is_refused_and_the_member_may_retry(deps: wallets.WalletDeps) -> None:
    request = await wallets.start_link(deps, MEMBER)
    text = await wallets.link_message(deps, request.token, ALICE)
    with pytest.raises(SignatureRejected, match="not made by the wallet named"):
        await wallets.complete_link(deps, request.token, text, personal_sign(text, MALLORY_KEY))
    assert await deps.links.wallet_of(MEMBER) is None
    assert await wallets.complete_link(deps, request.token, text, personal_sign(text, ALICE_KEY)) == ALICE


async def test_a_message_made_for_another_request_is_refused(deps: wallets.WalletDeps) -> None:
    first = await wallets.start_link(deps, MEMBER)
    second = await wallets.start_link(deps, MEMBER)
    text = await wallets.link_message(deps, first.token, ALICE)
    with pytest.raises(SignatureRejected, match="different page"):
        await wallets.complete_link(deps, second.token, text, personal_sign(text, ALICE_KEY))
    wrong_nonce = text.replace(f"Nonce: {first.nonce}", "Nonce: abcdefgh1234")
    with pytest.raises(SignatureRejected, match="different nonce"):
        await wallets.complete_link(deps, first.token, wrong_nonce, personal_sign(wrong_nonce, ALICE_KEY))
    with pytest.raises(InvalidInput):
        await wallets.complete_link(deps, first.token, "not a SIWE message", personal_sign("x", ALICE_KEY))


async def test_expired_and_unknown_links(deps: wallets.WalletDeps) -> None:
    request = await wallets.start_link(deps, MEMBER)
    text = await wallets.link_message(deps, request.token, ALICE)
    deps.clock.advance(SETTINGS.ttl)  # type: ignore[attr-defined]
    with pytest.raises(SignatureRejected, match="expired"):
        await wallets.complete_link(deps, request.token, text, personal_sign(text, ALICE_KEY))
    with pytest.raises(NotFound):
        await wallets.open_request(deps, "x" * 32)
    assert await deps.links.wallet_of(MEMBER) is None


async def test_one_member_per_wallet_and_one_wallet_per_member(deps: wallets.WalletDeps) -> None:
    await link(deps, MEMBER, ALICE_KEY)
    with pytest.raises(WrongState, match="another Discord member"):
        await link(deps, OTHER_MEMBER, ALICE_KEY)
    assert await link(deps, MEMBER, BOB_KEY) == BOB  # re-linking replaces the member's wallet
    assert await deps.links.member_of(ALICE) is None


async def test_rate_limit_per_member(deps: wallets.WalletDeps) -> None:
    for _ in range(SETTINGS.max_requests):
        await wallets.start_link(deps, MEMBER)
    with pytest.raises(RateLimited):
        await wallets.start_link(deps, MEMBER)
    await wallets.start_link(deps, OTHER_MEMBER)
    deps.clock.advance(SETTINGS.rate_window)  # type: ignore[attr-defined]
    await wallets.start_link(deps, MEMBER)


async def test_vote_needs_a_linked_wallet(deps: wallets.WalletDeps) -> None:
    with pytest.raises(NotAuthorized, match="/link"):
        await wallets.start_vote(deps, MEMBER, PROPOSAL, Support.FOR)


async def test_vote_signed_by_the_linked_wallet_becomes_a_cast_vote_by_sig(deps: wallets.WalletDeps) -> None:
    await link(deps, MEMBER, ALICE_KEY)
    deps.votes.governor[ALICE] = 4  # type: ignore[attr-defined]
    request = await wallets.start_vote(deps, MEMBER, PROPOSAL, Support.FOR)
    typed = request.data["typed_data"]
    assert typed["primaryType"] == "Ballot" and typed["message"]["nonce"] == "4"
    with pytest.raises(SignatureRejected, match="not by your linked wallet"):
        await wallets.complete_vote(deps, request.token, typed_sign(typed, MALLORY_KEY))
    signature = typed_sign(typed, ALICE_KEY)
    intent = await wallets.complete_vote(deps, request.token, signature)
    assert intent.function == "castVoteBySig"
    assert intent.args == (PROPOSAL, 1, ALICE, bytes.fromhex(signature[2:]))
    assert intent.key == f"vote:31337:{SETTINGS.governor.verifying_contract}:{ALICE}:4"
    with pytest.raises(SignatureRejected, match="already used"):
        await wallets.complete_vote(deps, request.token, signature)


async def test_vote_with_reason_uses_the_extended_ballot(deps: wallets.WalletDeps) -> None:
    await link(deps, MEMBER, ALICE_KEY)
    request = await wallets.start_vote(deps, MEMBER, 7, Support.AGAINST, reason="  too costly  ")
    typed = request.data["typed_data"]
    assert typed["primaryType"] == "ExtendedBallot"
    intent = await wallets.complete_vote(deps, request.token, typed_sign(typed, ALICE_KEY))
    assert intent.function == "castVoteWithReasonAndParamsBySig"
    assert intent.args[:5] == (7, 0, ALICE, "too costly", b"")


async def test_a_stale_governor_nonce_is_refused_before_relaying(deps: wallets.WalletDeps) -> None:
    await link(deps, MEMBER, ALICE_KEY)
    request = await wallets.start_vote(deps, MEMBER, 7, Support.FOR)
    deps.votes.governor[ALICE] = 1  # type: ignore[attr-defined]  # another vote consumed nonce 0
    with pytest.raises(WrongState, match="another vote"):
        await wallets.complete_vote(deps, request.token, typed_sign(request.data["typed_data"], ALICE_KEY))


async def test_submit_link_offers_self_delegation_then_relays_it(deps: wallets.WalletDeps) -> None:
    request = await wallets.start_link(deps, MEMBER, "alice#1")
    text = await wallets.link_message(deps, request.token, ALICE)
    done = await wallets.submit(deps, request.token, personal_sign(text, ALICE_KEY), text)
    assert done.summary == f"Link wallet {ALICE} to Discord member alice#1"
    assert done.next_token is not None
    follow_up = await wallets.open_request(deps, done.next_token, SigningKind.DELEGATE)
    typed = follow_up.data["typed_data"]
    signature = typed_sign(typed, ALICE_KEY)
    delegated = await wallets.submit(deps, follow_up.token, signature)
    relayed = deps.relay.delegations  # type: ignore[attr-defined]
    assert len(relayed) == 1 and delegated.tx_hash and delegated.tx_hash.startswith("0x")
    raw = bytes.fromhex(signature[2:])
    assert relayed[0].args == (ALICE, 0, int(typed["message"]["expiry"]), raw[64], raw[:32], raw[32:64])


async def test_no_delegation_offered_when_already_delegated(deps: wallets.WalletDeps) -> None:
    deps.votes.delegates[ALICE] = ALICE  # type: ignore[attr-defined]
    request = await wallets.start_link(deps, MEMBER)
    text = await wallets.link_message(deps, request.token, ALICE)
    assert (await wallets.submit(deps, request.token, personal_sign(text, ALICE_KEY), text)).next_token is None


async def test_submit_vote_relays_once_and_a_relay_failure_reaches_the_member(deps: wallets.WalletDeps) -> None:
    await link(deps, MEMBER, ALICE_KEY)
    request = await wallets.start_vote(deps, MEMBER, 5, Support.ABSTAIN)
    done = await wallets.submit(deps, request.token, typed_sign(request.data["typed_data"], ALICE_KEY))
    assert done.summary == "Vote ABSTAIN on proposal 5 (no reason given)" and done.tx_hash
    assert [v.proposal_id for v in deps.relay.votes] == [5]  # type: ignore[attr-defined]
    deps.relay.fail_with = ChainError("The proposal is not active.")  # type: ignore[attr-defined]
    second = await wallets.start_vote(deps, MEMBER, 6, Support.FOR)
    with pytest.raises(ChainError, match="not active"):
        await wallets.submit(deps, second.token, typed_sign(second.data["typed_data"], ALICE_KEY))
