"""EIP-712 payloads the member's wallet signs, ready for ``eth_signTypedData_v4``.

- Governor (OpenZeppelin Governor v5) ``Ballot`` and ``ExtendedBallot`` for ``castVoteBySig``
  and ``castVoteWithReasonAndParamsBySig``; domain: the governor's name, version "1".
- ERC20Votes ``Delegation`` for ``delegateBySig``; domain: the token's name, version "1"
  (ERC20Permit sets it).

Every builder returns a plain JSON-ready dict. ``uint256`` values are decimal strings (a
proposal id is a 256-bit hash, which JavaScript numbers cannot hold), ``bytes`` are 0x-hex.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput

__all__ = [
    "BALLOT_TYPE",
    "DELEGATION_TYPE",
    "EXTENDED_BALLOT_TYPE",
    "Eip712Domain",
    "Support",
    "ballot",
    "delegation",
    "extended_ballot",
]

_UINT256_MAX = 2**256 - 1
_EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
BALLOT_TYPE = "Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)"
EXTENDED_BALLOT_TYPE = (
    "ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)"
)
DELEGATION_TYPE = "Delegation(address delegatee,uint256 nonce,uint256 expiry)"


class Support(IntEnum):
    """GovernorCountingSimple's vote types."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2

    @property
    def word(self) -> str:
        return self.name  # "FOR", "AGAINST", "ABSTAIN": what the signing page shows


@dataclass(frozen=True)
class Eip712Domain:
    """An EIP-712 domain with the four fields OpenZeppelin's ``EIP712`` uses."""

    name: str
    chain_id: int
    verifying_contract: Address
    version: str = "1"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


def _fields(type_string: str) -> tuple[str, list[dict[str, str]]]:
    name, _, rest = type_string.partition("(")
    pairs = [field.split(" ") for field in rest.rstrip(")").split(",")]
    return name, [{"name": field, "type": kind} for kind, field in pairs]


def _payload(domain: Eip712Domain, type_string: str, message: dict[str, Any]) -> dict[str, Any]:
    primary, fields = _fields(type_string)
    return {
        "types": {"EIP712Domain": list(_EIP712_DOMAIN), primary: fields},
        "primaryType": primary,
        "domain": domain.as_json(),
        "message": message,
    }


def _uint256(value: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _UINT256_MAX:
        raise InvalidInput(f"The {what} must be a whole number between 0 and 2^256-1.")
    return str(value)


def _ballot_message(proposal_id: int, support: Support | int, voter: str, nonce: int) -> dict[str, Any]:
    if support not in tuple(Support):
        raise InvalidInput("A vote is FOR, AGAINST or ABSTAIN.")
    return {
        "proposalId": _uint256(proposal_id, "proposal id"),
        "support": int(support),
        "voter": parse_address(voter, what="voter address"),
        "nonce": _uint256(nonce, "nonce"),
    }


def ballot(
    domain: Eip712Domain, *, proposal_id: int, support: Support | int, voter: str, nonce: int
) -> dict[str, Any]:
    """The ``Ballot`` a voter signs for ``castVoteBySig``; ``nonce`` is ``governor.nonces(voter)``."""
    return _payload(domain, BALLOT_TYPE, _ballot_message(proposal_id, support, voter, nonce))


def extended_ballot(
    domain: Eip712Domain,
    *,
    proposal_id: int,
    support: Support | int,
    voter: str,
    nonce: int,
    reason: str,
    params: bytes = b"",
) -> dict[str, Any]:
    """The ``ExtendedBallot`` for ``castVoteWithReasonAndParamsBySig`` (a vote with a reason)."""
    message = _ballot_message(proposal_id, support, voter, nonce)
    message.update(reason=reason, params="0x" + params.hex())
    return _payload(domain, EXTENDED_BALLOT_TYPE, message)


def delegation(domain: Eip712Domain, *, delegatee: str, nonce: int, expiry: int) -> dict[str, Any]:
    """The ERC20Votes ``Delegation`` for ``delegateBySig``; ``expiry`` is a unix time in seconds."""
    message = {
        "delegatee": parse_address(delegatee, what="delegatee address"),
        "nonce": _uint256(nonce, "nonce"),
        "expiry": _uint256(expiry, "expiry"),
    }
    return _payload(domain, DELEGATION_TYPE, message)
