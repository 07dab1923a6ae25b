"""Single-use signing requests: what the bot asks a member's wallet to sign, and the rules around it.

A ``SigningRequest`` is made when a member asks to link a wallet, vote or delegate; its ``token``
is the unguessable part of the signing page's URL. A request expires (``DEFAULT_TTL``), serves
once (``used_at``), and is bound to one member. Times are unix seconds, like the ``Clock`` port.

``RelayIntent`` values describe the ``...BySig`` call the relayer sends once a signature checked
out; the one transaction sender executes them.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, ClassVar
from urllib.parse import urlsplit

from governance.domain.addresses import Address
from governance.domain.errors import InvalidInput, SignatureRejected
from governance.domain.typed_data import Eip712Domain, Support

__all__ = [
    "DEFAULT_TTL",
    "DelegationRelayIntent",
    "RelayIntent",
    "SigningKind",
    "SigningRequest",
    "SigningSettings",
    "VoteRelayIntent",
    "canonical_signature",
    "describe",
    "is_token",
    "new_nonce",
    "new_token",
]

DEFAULT_TTL = 10 * 60
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,64}\Z")
_SIGNATURE_RE = re.compile(r"0x[0-9a-fA-F]{130}\Z")
_HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


class SigningKind(StrEnum):
    LINK = "link"
    DELEGATE = "delegate"
    VOTE = "vote"
    SNAPSHOT_VOTE = "snapshot_vote"


def new_token() -> str:
    """32 url-safe characters from the OS's CSPRNG (192 bits)."""
    return secrets.token_urlsafe(24)


def new_nonce() -> str:
    """An EIP-4361 nonce: 24 hex characters (96 bits)."""
    return secrets.token_hex(12)


def is_token(text: str) -> bool:
    return bool(_TOKEN_RE.match(text))


@dataclass(frozen=True)
class SigningRequest:
    """One thing to sign, for one member, once, before ``expires``. ``payload`` is JSON text."""

    token: str
    member_id: int
    kind: SigningKind
    payload: str
    nonce: str
    created: int
    expires: int
    used_at: int | None = None

    def __post_init__(self) -> None:
        if not is_token(self.token):
            raise InvalidInput("A signing token is 22-64 url-safe characters.")
        if self.expires <= self.created:
            raise InvalidInput("A signing request must expire after it is made.")

    @property
    def data(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.payload)
        return parsed

    def is_expired(self, now: int) -> bool:
        return now >= self.expires

    def check_usable(self, now: int) -> None:
        """``SignatureRejected`` when the request was used or has expired."""
        if self.used_at is not None:
            raise SignatureRejected("This signing link was already used. Ask the bot for a new one.")
        if self.is_expired(now):
            raise SignatureRejected("This signing link has expired. Ask the bot for a new one.")

    def used(self, now: int) -> SigningRequest:
        return replace(self, used_at=now)


def canonical_signature(signature: str) -> str:
    """A 65-byte ``r || s || v`` signature as OpenZeppelin's ECDSA accepts it: low s, v 27/28.

    Wallets that report v as 0/1 are normalized; anything else malformed raises ``SignatureRejected``.
    """
    if not isinstance(signature, str) or not _SIGNATURE_RE.match(signature):
        raise SignatureRejected("That is not a wallet signature (expected 0x and 130 hex digits).")
    raw = bytes.fromhex(signature[2:])
    if int.from_bytes(raw[32:64], "big") > _HALF_CURVE_ORDER:
        raise SignatureRejected("That signature is not in canonical form; sign again from your wallet.")
    v = raw[64] + 27 if raw[64] in (0, 1) else raw[64]
    if v not in (27, 28):
        raise SignatureRejected("That signature has an invalid recovery byte; sign again from your wallet.")
    return "0x" + (raw[:64] + bytes([v])).hex()


@dataclass(frozen=True)
class SigningSettings:
    """Where the signing page lives and which contracts signatures are for."""

    base_url: str
    chain_id: int
    governor: Eip712Domain
    token: Eip712Domain
    ttl: int = DEFAULT_TTL
    delegation_validity: int = 60 * 60
    max_requests: int = 5
    rate_window: int = 10 * 60

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise InvalidInput("The signing page base URL must look like https://host[:port].")

    @property
    def domain(self) -> str:
        """The EIP-4361 domain: the page's host[:port]."""
        return urlsplit(self.base_url).netloc

    @property
    def scheme(self) -> str:
        return urlsplit(self.base_url).scheme

    def page_url(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/sign/{token}"


@dataclass(frozen=True)
class VoteRelayIntent:
    """A member-signed Governor vote to relay: ``castVoteBySig`` (no reason) or
    ``castVoteWithReasonAndParamsBySig`` (with a reason)."""

    chain_id: int
    governor: Address
    proposal_id: int
    support: Support
    voter: Address
    nonce: int
    signature: str
    reason: str | None = None
    params: bytes = b""

    @property
    def function(self) -> str:
        return "castVoteBySig" if self.reason is None else "castVoteWithReasonAndParamsBySig"

    @property
    def args(self) -> tuple[object, ...]:
        sig = bytes.fromhex(self.signature[2:])
        if self.reason is None:
            return (self.proposal_id, int(self.support), self.voter, sig)
        return (self.proposal_id, int(self.support), self.voter, self.reason, self.params, sig)

    @property
    def key(self) -> str:
        """Idempotency key: a voter's Governor nonce is consumed by exactly one signature."""
        return f"vote:{self.chain_id}:{self.governor}:{self.voter}:{self.nonce}"


@dataclass(frozen=True)
class DelegationRelayIntent:
    """A member-signed ERC20Votes ``delegateBySig(delegatee, nonce, expiry, v, r, s)`` to relay."""

    chain_id: int
    token: Address
    delegator: Address
    delegatee: Address
    nonce: int
    expiry: int
    signature: str

    function: ClassVar[str] = "delegateBySig"

    @property
    def args(self) -> tuple[object, ...]:
        raw = bytes.fromhex(self.signature[2:])
        return (self.delegatee, self.nonce, self.expiry, raw[64], raw[:32], raw[32:64])

    @property
    def key(self) -> str:
        return f"delegate:{self.chain_id}:{self.token}:{self.delegator}:{self.nonce}"


RelayIntent = VoteRelayIntent | DelegationRelayIntent


def describe(request: SigningRequest, address: str | None = None) -> str:
    """What the member is about to sign, in plain words (shown on the signing page)."""
    data = request.data
    if request.kind is SigningKind.LINK:
        who = data.get("member_name") or f"#{request.member_id}"
        wallet = f"wallet {address}" if address else "your wallet"
        return f"Link {wallet} to Discord member {who}"
    if request.kind is SigningKind.VOTE:
        words = f"Vote {Support(data['support']).word} on proposal {data['proposal_id']}"
        return words + (f" with reason “{data['reason']}”" if data.get("reason") else " (no reason given)")
    if request.kind is SigningKind.DELEGATE:
        return f"Delegate the voting power of {data['delegator']} to itself, so its votes count"
    return str(data.get("summary") or "Sign an off-chain vote")
