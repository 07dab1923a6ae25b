"""Sign-In with Ethereum (EIP-4361) messages: the value, its exact text, a strict parser, pure checks.

``build(message)`` writes the EIP-4361 text layout; ``parse(text)`` accepts exactly the EIP-4361
ABNF and raises ``InvalidInput`` naming the line and what is wrong. The checks compare a parsed
message with what the bot asked for (domain, URI, chain, nonce) and with a clock reading; they
raise ``SignatureRejected``.

Recovering the signer is not done here (it needs secp256k1): see
``governance.adapters.chain.signatures``. Only externally owned accounts are supported: EIP-1271
contract-wallet signatures are out of scope.

``build(parse(text)) == text`` holds when the text writes its times in UTC with milliseconds
(``2026-11-21T10:00:00.000Z``, what JavaScript's ``toISOString`` gives); the signature is always
checked against the text the member signed, never against a rebuilt one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from governance.domain.addresses import Address, to_checksum
from governance.domain.errors import InvalidInput, SignatureRejected
from governance.domain.rfc_grammar import is_authority, is_pchar_run, is_scheme, is_uri, parse_rfc3339

__all__ = [
    "SiweMessage",
    "build",
    "check_binding",
    "check_time",
    "format_time",
    "is_valid_nonce",
    "parse",
]

_HEADER_SUFFIX = " wants you to sign in with your Ethereum account:"
_STATEMENT_RE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;= ]*\Z")
_NONCE_RE = re.compile(r"[A-Za-z0-9]{8,}\Z")
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}\Z")


def _bad(what: str) -> InvalidInput:
    return InvalidInput(f"The sign-in message is not valid: {what}.")


def is_valid_nonce(nonce: str) -> bool:
    """EIP-4361 ``nonce``: at least 8 letters or digits."""
    return bool(_NONCE_RE.match(nonce))


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds (microseconds when they are not whole milliseconds)."""
    utc = moment.astimezone(UTC)
    frac = f"{utc.microsecond // 1000:03d}" if utc.microsecond % 1000 == 0 else f"{utc.microsecond:06d}"
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + f".{frac}Z"


@dataclass(frozen=True)
class SiweMessage:
    """One EIP-4361 message. Every instance is valid: the constructor checks each field."""

    domain: str
    address: Address
    uri: str
    chain_id: int
    nonce: str
    issued_at: datetime
    statement: str | None = None
    version: str = "1"
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] | None = None
    scheme: str | None = None

    def __post_init__(self) -> None:
        _check_head(self)
        _check_fields(self)


def _check_head(m: SiweMessage) -> None:
    if m.scheme is not None and not is_scheme(m.scheme):
        raise _bad(f"the scheme {m.scheme!r} is not a URI scheme")
    if not is_authority(m.domain):
        raise _bad(f"the domain {m.domain!r} is not an RFC 3986 authority")
    if not _ADDRESS_RE.match(m.address) or to_checksum(m.address[2:]) != m.address:
        raise _bad(f"the address {m.address!r} is not an EIP-55 checksummed address")
    if m.statement is not None and not _STATEMENT_RE.match(m.statement):
        raise _bad("the statement must be one line of printable ASCII without \" % < > \\ ^ ` { | }")


def _check_fields(m: SiweMessage) -> None:
    if not is_uri(m.uri):
        raise _bad(f"the URI {m.uri!r} is not an RFC 3986 URI")
    if m.version != "1":
        raise _bad(f"the version must be 1, not {m.version!r}")
    if isinstance(m.chain_id, bool) or not isinstance(m.chain_id, int) or m.chain_id < 0:
        raise _bad("the chain ID must be a whole number")
    if not is_valid_nonce(m.nonce):
        raise _bad("the nonce must be at least 8 letters or digits")
    for name in ("issued_at", "expiration_time", "not_before"):
        moment = getattr(m, name)
        if moment is not None and moment.tzinfo is None:
            raise _bad(f"{name.replace('_', ' ')} needs a time zone")
    if m.request_id is not None and not is_pchar_run(m.request_id):
        raise _bad("the request ID may only hold URI path characters")
    for resource in m.resources or ():
        if not is_uri(resource):
            raise _bad(f"the resource {resource!r} is not an RFC 3986 URI")


def build(message: SiweMessage) -> str:
    """The exact EIP-4361 text of ``message`` (LF line ends, no trailing newline)."""
    origin = f"{message.scheme}://{message.domain}" if message.scheme else message.domain
    lines = [origin + _HEADER_SUFFIX, message.address, ""]
    lines += [""] if message.statement is None else [message.statement, ""]
    lines += [
        f"URI: {message.uri}",
        f"Version: {message.version}",
        f"Chain ID: {message.chain_id}",
        f"Nonce: {message.nonce}",
        f"Issued At: {format_time(message.issued_at)}",
    ]
    if message.expiration_time is not None:
        lines.append(f"Expiration Time: {format_time(message.expiration_time)}")
    if message.not_before is not None:
        lines.append(f"Not Before: {format_time(message.not_before)}")
    if message.request_id is not None:
        lines.append(f"Request ID: {message.request_id}")
    if message.resources is not None:
        lines += ["Resources:", *(f"- {resource}" for resource in message.resources)]
    return "\n".join(lines)


class _Lines:
    """A cursor over the message lines that names the line in every error."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.at = 0

    def peek(self) -> str | None:
        return self.lines[self.at] if self.at < len(self.lines) else None

    def take(self, prefix: str, what: str) -> str:
        line = self.peek()
        if line is None or not line.startswith(prefix):
            found = "the message ends" if line is None else f"it reads {line[:60]!r}"
            raise _bad(f"line {self.at + 1} should be {what} (starting {prefix!r}) but {found}")
        self.at += 1
        return line[len(prefix) :]

    def take_optional(self, prefix: str) -> str | None:
        line = self.peek()
        return self.take(prefix, prefix) if line is not None and line.startswith(prefix) else None


def _parse_header(lines: _Lines) -> tuple[str | None, str]:
    header = lines.take("", "the header")
    if not header.endswith(_HEADER_SUFFIX):
        raise _bad(f"line 1 must end with {_HEADER_SUFFIX.strip()!r}")
    origin = header[: -len(_HEADER_SUFFIX)]
    scheme, sep, domain = origin.partition("://")
    return (scheme, domain) if sep else (None, origin)


def _parse_statement(lines: _Lines) -> str | None:
    lines.take("", "the address")  # checked by SiweMessage; taken here to keep line numbers
    if lines.take("", "an empty line") != "":
        raise _bad("line 3 must be empty")
    nxt = lines.peek()
    if nxt == "":
        lines.at += 1
        if lines.peek() == "":
            lines.at += 1
            return ""
        return None
    statement = lines.take("", "the statement")
    if lines.take("", "an empty line") != "":
        raise _bad(f"line {lines.at} must be empty after the statement")
    return statement


def _parse_time(text: str, what: str) -> datetime:
    try:
        return parse_rfc3339(text)
    except ValueError:
        raise _bad(f"{what} {text!r} is not an RFC 3339 date-time") from None


def parse(text: str) -> SiweMessage:
    """Parse an EIP-4361 message strictly; ``InvalidInput`` names the first problem."""
    if not isinstance(text, str) or not text:
        raise _bad("it is empty")
    lines = _Lines(text)
    scheme, domain = _parse_header(lines)
    address = lines.peek() or ""
    statement = _parse_statement(lines)
    fields = {
        "uri": lines.take("URI: ", "the URI"),
        "version": lines.take("Version: ", "the version"),
        "chain_id": lines.take("Chain ID: ", "the chain ID"),
        "nonce": lines.take("Nonce: ", "the nonce"),
        "issued_at": lines.take("Issued At: ", "the issue time"),
    }
    expiration = lines.take_optional("Expiration Time: ")
    not_before = lines.take_optional("Not Before: ")
    request_id = lines.take_optional("Request ID: ")
    resources = _parse_resources(lines)
    if lines.peek() is not None:
        raise _bad(f"line {lines.at + 1} ({lines.peek()!r:.60}) is not expected there")
    if not fields["chain_id"].isdigit() or not fields["chain_id"].isascii():
        raise _bad("the chain ID must be a whole number")
    return SiweMessage(
        domain=domain, address=Address(address), uri=fields["uri"], chain_id=int(fields["chain_id"]),
        nonce=fields["nonce"], issued_at=_parse_time(fields["issued_at"], "the issue time"),
        statement=statement, version=fields["version"],
        expiration_time=None if expiration is None else _parse_time(expiration, "the expiration time"),
        not_before=None if not_before is None else _parse_time(not_before, "the not-before time"),
        request_id=request_id, resources=resources, scheme=scheme,
    )


def _parse_resources(lines: _Lines) -> tuple[str, ...] | None:
    if lines.peek() != "Resources:":
        return None
    lines.at += 1
    found: list[str] = []
    while (line := lines.peek()) is not None and line.startswith("- "):
        found.append(line[2:])
        lines.at += 1
    return tuple(found)


def check_binding(
    message: SiweMessage, *, domain: str, uri: str, chain_id: int, nonce: str, scheme: str | None = None
) -> None:
    """Refuse a message that was not made for this request (``SignatureRejected``)."""
    if message.domain != domain or (scheme is not None and message.scheme not in (None, scheme)):
        raise SignatureRejected(f"This sign-in message is for {message.domain}, not {domain}.")
    if message.uri != uri:
        raise SignatureRejected("This sign-in message names a different page; sign the message shown here.")
    if message.chain_id != chain_id:
        raise SignatureRejected(f"This sign-in message is for chain {message.chain_id}, not chain {chain_id}.")
    if message.nonce != nonce:
        raise SignatureRejected("This sign-in message has a different nonce; it was not made for this request.")


def check_time(message: SiweMessage, now: datetime) -> None:
    """Refuse a message outside its validity window at ``now`` (``SignatureRejected``)."""
    if message.expiration_time is not None and now >= message.expiration_time:
        raise SignatureRejected("This sign-in message has expired; ask the bot for a new link.")
    if message.not_before is not None and now < message.not_before:
        raise SignatureRejected("This sign-in message is not valid yet.")
    if message.issued_at > now:
        raise SignatureRejected("This sign-in message was issued in the future; check your clock.")
