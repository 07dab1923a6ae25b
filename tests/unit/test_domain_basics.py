"""Amounts, addresses and Keccak: the values every other rule is built on."""

from __future__ import annotations

import pytest
from eth_hash.auto import keccak as eth_keccak
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from governance.domain.addresses import parse_address
from governance.domain.amounts import format_units, parse_units, split_bps
from governance.domain.errors import DaobotError, InvalidInput
from governance.domain.keccak import keccak256_reference


def test_parse_and_format_units_are_exact() -> None:
    assert parse_units("1.5", 6) == 1_500_000
    assert parse_units("0.000001", 6) == 1
    assert format_units(1_500_000, 6) == "1.5"
    assert format_units(123_456_789, 6, places=2) == "123.46"
    assert format_units(10**24, 18) == "1,000,000"


@pytest.mark.parametrize("text", ["abc", "-1", "1.0000001", "NaN", "inf", "", "1e400"])
def test_bad_amounts_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_units(text, 6)
    assert text in info.value.message or "amount" in info.value.message


def test_format_refuses_floats() -> None:
    with pytest.raises(TypeError):
        format_units(1.5, 6)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=2**200), st.lists(st.integers(0, 10_000), min_size=5, max_size=5))
def test_split_bps_never_creates_money(amount: int, raw: list[int]) -> None:
    total = sum(raw) or 1
    weights = [w * 10_000 // total for w in raw] if sum(raw) else [2_000] * 5
    weights[0] += 10_000 - sum(weights)
    parts = split_bps(amount, tuple(weights))
    assert sum(parts) <= amount
    assert amount - sum(parts) < len(parts)


@given(st.binary(max_size=300))
def test_reference_keccak_matches_the_c_implementation(data: bytes) -> None:
    assert keccak256_reference(data) == eth_keccak(data)


@given(st.binary(min_size=20, max_size=20))
def test_checksum_matches_eth_utils(raw: bytes) -> None:
    assert parse_address("0x" + raw.hex()) == to_checksum_address("0x" + raw.hex())


@pytest.mark.parametrize(
    "text", ["0x123", "0xZZaeb6053f3e94c9b9a09f33669435e7ef1beaed", "", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"]
)
def test_malformed_or_mis_checksummed_addresses_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_address(text)


def test_every_error_carries_a_member_facing_message() -> None:
    err = InvalidInput()
    assert isinstance(err, DaobotError) and err.message == "That input is not valid."
    assert str(InvalidInput("Bad thing.")) == "Bad thing."
