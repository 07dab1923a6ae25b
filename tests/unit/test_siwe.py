"""EIP-4361 messages: exact layout, strict parsing with clear errors, binding and time checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.domain.addresses import to_checksum
from governance.domain.errors import InvalidInput, SignatureRejected
from governance.domain.siwe import SiweMessage, build, check_binding, check_time, is_valid_nonce, parse

ADDRESS = to_checksum("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

SPEC_EXAMPLE = (
    "example.com wants you to sign in with your Ethereum account:\n"
    f"{ADDRESS}\n"
    "\n"
    "I accept the ExampleOrg Terms of Service: https://example.com/tos\n"
    "\n"
    "URI: https://example.com/login\n"
    "Version: 1\n"
    "Chain ID: 1\n"
    "Nonce: 32891756\n"
    "Issued At: 2026-11-21T10:00:00.000Z\n"
    "Resources:\n"
    "- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/\n"
    "- https://example.com/my-web2-claim.json"
)


def message(**changes: object) -> SiweMessage:
    base = SiweMessage(
        domain="daobot.example", address=ADDRESS, uri="https://daobot.example/sign/abc",
        chain_id=31337, nonce="n0nce1234", issued_at=T0, statement="Link this wallet.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_spec_example_parses_field_by_field_and_rebuilds_exactly() -> None:
    parsed = parse(SPEC_EXAMPLE)
    assert parsed.domain == "example.com"
    assert parsed.address == ADDRESS
    assert parsed.statement == "I accept the ExampleOrg Terms of Service: https://example.com/tos"
    assert (parsed.uri, parsed.version, parsed.chain_id, parsed.nonce) == (
        "https://example.com/login", "1", 1, "32891756")
    assert parsed.issued_at == T0
    assert parsed.resources is not None and len(parsed.resources) == 2
    assert parsed.expiration_time is None and parsed.not_before is None and parsed.request_id is None
    assert build(parsed) == SPEC_EXAMPLE


def test_layout_without_statement_has_two_blank_lines_and_with_empty_statement_three() -> None:
    absent = build(message(statement=None))
    assert f"{ADDRESS}\n\n\nURI: " in absent
    empty = build(message(statement=""))
    assert f"{ADDRESS}\n\n\n\nURI: " in empty
    assert parse(absent).statement is None
    assert parse(empty).statement == ""


def test_optional_fields_come_in_eip4361_order() -> None:
    text = build(message(
        scheme="https", expiration_time=T0 + timedelta(minutes=10), not_before=T0,
        request_id="req-7", resources=(),
    ))
    assert text.startswith("https://daobot.example wants you")
    assert text.endswith(
        "Issued At: 2026-11-21T10:00:00.000Z\nExpiration Time: 2026-11-21T10:10:00.000Z\n"
        "Not Before: 2026-11-21T10:00:00.000Z\nRequest ID: req-7\nResources:")
    assert parse(text).resources == ()


def test_times_with_offsets_and_long_fractions_parse_to_the_same_instant() -> None:
    text = build(message()).replace(
        "Issued At: 2026-11-21T10:00:00.000Z", "Issued At: 2026-11-21T11:00:00.0000001+01:00"
    )
    assert parse(text).issued_at == T0
    assert parse(text).issued_at.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    ("mutate", "says"),
    [
        (lambda t: t.replace(" wants you to sign in", " wants you to log in"), "line 1 must end"),
        (lambda t: t.replace(ADDRESS, ADDRESS.lower()), "EIP-55"),
        (lambda t: t.replace(ADDRESS, ADDRESS[:-1]), "EIP-55"),
        (lambda t: t.replace("Link this wallet.\n\n", "Link this wallet.\n"), "must be empty"),
        (lambda t: t.replace("Link this wallet.", 'Say "hi"'), "statement"),
        (lambda t: t.replace("URI: https://daobot.example/sign/abc", "URI: not a uri"), "URI"),
        (lambda t: t.replace("URI: ", "Uri: "), "should be the URI"),
        (lambda t: t.replace("Version: 1", "Version: 2"), "version must be 1"),
        (lambda t: t.replace("Chain ID: 31337", "Chain ID: 0x7a69"), "chain ID"),
        (lambda t: t.replace("Nonce: n0nce1234", "Nonce: short"), "at least 8 letters or digits"),
        (lambda t: t.replace("Nonce: n0nce1234", "Nonce: n0nce-1234"), "at least 8 letters or digits"),
        (lambda t: t.replace("2026-11-21T10:00:00.000Z", "2026-11-21 10:00:00Z"), "RFC 3339"),
        (lambda t: t.replace("2026-11-21T10:00:00.000Z", "2026-02-30T10:00:00Z"), "RFC 3339"),
        (lambda t: t + "\n", "not expected"),
        (lambda t: t + "\nNonce: again123", "not expected"),
        (lambda t: t + "\nResources:\n- not a uri", "resource"),
        (lambda t: t.replace("\n", "\r\n"), ""),
        (lambda t: t.split("\nNonce")[0], "should be the nonce"),
        (lambda t: "", "empty"),
    ],
)
def test_parse_refuses_anything_outside_the_grammar_and_says_what(mutate, says) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        parse(mutate(build(message())))
    assert caught.value.message.startswith("The sign-in message is not valid")
    assert says in caught.value.message


def test_optional_fields_out_of_order_are_refused() -> None:
    text = build(message(expiration_time=T0, not_before=T0))
    swapped = text.replace("Expiration Time: ", "TMP: ").replace("Not Before: ", "Expiration Time: ")
    with pytest.raises(InvalidInput):
        parse(swapped.replace("TMP: ", "Not Before: "))


def test_constructor_refuses_what_build_could_not_write() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        message(issued_at=datetime(2026, 11, 21))
    with pytest.raises(InvalidInput, match="statement"):
        message(statement="two\nlines")
    with pytest.raises(InvalidInput, match="domain"):
        message(domain="")


def test_nonce_format() -> None:
    assert is_valid_nonce("abcDEF12")
    assert not is_valid_nonce("abcDEF1")
    assert not is_valid_nonce("abcdefgh_")


def test_binding_checks_name_the_mismatch() -> None:
    m = message()
    check_binding(m, domain="daobot.example", uri=m.uri, chain_id=31337, nonce="n0nce1234")
    cases = [
        ({"domain": "evil.example"}, "evil.example"),
        ({"uri": "https://daobot.example/sign/other"}, "different page"),
        ({"chain_id": 1}, "chain 31337, not chain 1"),
        ({"nonce": "other1234"}, "different nonce"),
    ]
    for change, says in cases:
        expected = {"domain": "daobot.example", "uri": m.uri, "chain_id": 31337, "nonce": "n0nce1234", **change}
        with pytest.raises(SignatureRejected, match=says):
            check_binding(m, **expected)  # type: ignore[arg-type]


def test_time_window() -> None:
    m = message(expiration_time=T0 + timedelta(minutes=10), not_before=T0 + timedelta(minutes=1))
    check_time(m, T0 + timedelta(minutes=5))
    with pytest.raises(SignatureRejected, match="not valid yet"):
        check_time(m, T0 + timedelta(seconds=30))
    with pytest.raises(SignatureRejected, match="expired"):
        check_time(m, T0 + timedelta(minutes=10))
    with pytest.raises(SignatureRejected, match="future"):
        check_time(message(), T0 - timedelta(seconds=1))
    check_time(message(), T0.astimezone(timezone(timedelta(hours=-5))))


_statement = st.text(alphabet="abcXYZ019 -._~:/?#[]@!$&'()*+,;=", max_size=40)
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


@given(
    statement=st.none() | _statement,
    nonce=st.text(alphabet="abcdefXYZ0123456789", min_size=8, max_size=20),
    chain_id=st.integers(min_value=0, max_value=2**64),
    issued=_times,
    expires=st.none() | _times,
    request_id=st.none() | st.text(alphabet="abc09-._~!$&'()*+,;=:@%", max_size=12).filter(lambda s: "%" not in s),
    resources=st.none() | st.lists(st.sampled_from(["ipfs://bafy/x", "https://a.b/c?d=e#f", "urn:x:y"]), max_size=3),
)
def test_build_then_parse_is_the_identity(  # type: ignore[no-untyped-def]
    statement, nonce, chain_id, issued, expires, request_id, resources
) -> None:
    m = message(
        statement=statement, nonce=nonce, chain_id=chain_id, issued_at=issued, expiration_time=expires,
        request_id=request_id, resources=None if resources is None else tuple(resources),
    )
    assert parse(build(m)) == m
