"""Transaction plans and their rules, the fake sender, and signing keys (no chain needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from governance.adapters.chain.fake_sender import FakeTxSender
from governance.adapters.chain.keys import load_signer, signer_from_private_key, signer_from_settings
from governance.config import load_settings
from governance.domain.addresses import parse_address
from governance.domain.errors import ChainError, ConfigError, InvalidInput, TransactionRefused, WrongState
from governance.domain.transactions import TxPlan, TxState, bump_fee, check_transition, is_confirmed

TREASURY = parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
# a throwaway key made up for these tests; it never held funds anywhere
KEY = "0x" + "4c" * 32


def plan(key: str = "payout:31337:12:claim-batch:3", data: bytes = b"\x01") -> TxPlan:
    return TxPlan(purpose="claim batch 3 of epoch 12", key=key, to=TREASURY, data=data)


@given(old=st.integers(min_value=0, max_value=10**15), pct=st.integers(min_value=0, max_value=200))
def test_a_replacement_fee_is_always_at_least_ten_percent_higher(old: int, pct: int) -> None:
    new = bump_fee(old, pct)
    assert new * 100 >= old * 110 and new > old
    assert new * 100 >= old * (100 + pct)


def test_a_replacement_fee_follows_the_market_when_it_is_higher() -> None:
    assert bump_fee(100, 10, market=500) == 500
    assert bump_fee(100, 10, market=50) == 110


def test_confirmations_count_the_including_block() -> None:
    assert is_confirmed(10, 10, 1) and not is_confirmed(10, 10, 2)
    assert is_confirmed(10, 11, 2) and is_confirmed(10, 10, 0)


def test_settled_transactions_never_move_again() -> None:
    check_transition(TxState.SIGNED, TxState.BROADCAST)
    check_transition(TxState.MINED, TxState.BROADCAST)  # a reorganisation
    for final in (TxState.CONFIRMED, TxState.FAILED, TxState.DROPPED):
        with pytest.raises(WrongState):
            check_transition(final, TxState.BROADCAST)


@pytest.mark.parametrize(
    "bad",
    [
        {"key": ""},
        {"key": "has spaces"},
        {"value": -1},
        {"role": "Keeper!"},
        {"purpose": " "},
        {"gas_limit": 100},
    ],
)
def test_malformed_plans_are_refused(bad: dict[str, object]) -> None:
    fields: dict[str, object] = {"purpose": "p", "key": "k", "to": TREASURY} | bad
    with pytest.raises(InvalidInput):
        TxPlan(**fields)  # type: ignore[arg-type]


async def test_the_fake_sender_executes_each_key_once() -> None:
    sender = FakeTxSender()
    first = await sender.send(plan())
    assert await sender.send(plan()) == first
    assert sender.sent == [plan()]
    with pytest.raises(WrongState):
        await sender.send(plan(data=b"\x02"))


async def test_the_fake_sender_refuses_reverts_and_fails_on_request() -> None:
    sender = FakeTxSender(refuse_keys={"a"}, revert_keys={"b"})
    with pytest.raises(TransactionRefused):
        await sender.send(plan("a"))
    with pytest.raises(ChainError, match="reverted"):
        await sender.send(plan("b"))
    with pytest.raises(ChainError, match="reverted"):
        await sender.send(plan("b"))
    sender.fail_next = ChainError("node down")
    with pytest.raises(ChainError, match="node down"):
        await sender.send(plan("c"))
    assert [p.key for p in sender.sent] == ["b"]
    assert (await sender.send(plan("c"))).succeeded


async def test_the_fake_sender_in_dry_run_sends_nothing() -> None:
    sender = FakeTxSender(dry_run=True)
    assert (await sender.send(plan())).dry_run
    assert sender.sent == []


def test_a_keystore_decrypts_to_its_account_and_nothing_leaks(tmp_path: Path) -> None:
    keystore = tmp_path / "keeper.json"
    password = tmp_path / "password"
    keystore.write_text(json.dumps(Account.encrypt(KEY, "hunter2-long", kdf="pbkdf2", iterations=2)))
    password.write_text("hunter2-long\n")
    account = load_signer(keystore, password)
    assert account.address == Account.from_key(KEY).address
    assert KEY[2:] not in repr(account) and KEY[2:] not in str(account)
    password.write_text("swordfish-XYZ")
    with pytest.raises(ConfigError, match="wrong password") as refused:
        load_signer(keystore, password)
    assert "swordfish" not in refused.value.message and KEY[2:] not in refused.value.message
    with pytest.raises(ConfigError, match="DAOBOT_KEYSTORE_PATH"):
        load_signer(tmp_path / "missing.json", password)


def test_a_dev_private_key_loads_and_a_bad_one_is_refused_without_echo() -> None:
    assert signer_from_private_key(SecretStr(KEY)).address == Account.from_key(KEY).address
    with pytest.raises(ConfigError) as refused:
        signer_from_private_key(SecretStr("0xnot-a-key-12345"))
    assert "not-a-key" not in refused.value.message


def test_a_raw_key_in_the_settings_is_for_dev_chains_only() -> None:
    dev = load_settings(chain_id=31337, signer_private_key=KEY, keystore_path=None, _env_file=None)
    assert signer_from_settings(dev).address == Account.from_key(KEY).address
    mainnet = load_settings(chain_id=1, signer_private_key=KEY, keystore_path=None, _env_file=None)
    with pytest.raises(ConfigError, match="dev chains only") as refused:
        signer_from_settings(mainnet)
    assert KEY[2:] not in refused.value.message and KEY[2:] not in repr(mainnet)


def test_the_sender_built_from_settings_shows_its_address_never_its_key() -> None:
    from web3 import AsyncHTTPProvider, AsyncWeb3

    from governance.adapters.chain.sender import build_tx_sender
    from governance.adapters.clock import FakeClock

    settings = load_settings(chain_id=31337, signer_private_key=KEY, keystore_path=None, dry_run=True, _env_file=None)
    w3 = AsyncWeb3(AsyncHTTPProvider("http://127.0.0.1:9"))
    sender = build_tx_sender(settings, w3, lambda: None, FakeClock())  # type: ignore[arg-type, return-value]
    assert Account.from_key(KEY).address in repr(sender) and "dry_run=True" in repr(sender)
    assert KEY[2:] not in repr(sender) and KEY[2:] not in str(vars(sender).get("_holder"))
