"""Sign Snapshot messages with an eth_account key, and recover who signed one.

The signature is the one ethers' ``_signTypedData`` (which snapshot.js calls) produces:
``0x`` + r + s + v, 65 bytes, v in {27, 28}, lower-case hex.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_account.signers.local import LocalAccount

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput, SignatureRejected
from governance.domain.keccak import keccak256
from governance.domain.snapshot import SignedEnvelope, TypedData

__all__ = [
    "EthAccountSignatures",
    "message_id",
    "message_id_from_data",
    "recover_signer",
    "recover_signer_from_data",
    "sign_typed_data",
]

_DOMAIN_FIELD_TYPES = (
    ("name", "string"), ("version", "string"), ("chainId", "uint256"),
    ("verifyingContract", "address"), ("salt", "bytes32"),
)


def _full_message(data: Mapping[str, Any]) -> dict[str, Any]:
    """``{domain, types, message}`` as snapshot.js sends it, completed for EIP-712 encoding."""
    domain = dict(data["domain"])
    types = {k: v for k, v in dict(data["types"]).items() if k != "EIP712Domain"}
    if len(types) != 1:
        raise SignatureRejected("The signed message has an unexpected shape.")
    domain_fields = [{"name": n, "type": t} for n, t in _DOMAIN_FIELD_TYPES if n in domain]
    return {
        "types": {"EIP712Domain": domain_fields, **types},
        "primaryType": next(iter(types)),
        "domain": domain,
        "message": dict(data["message"]),
    }


def _signable(data: Mapping[str, Any]) -> SignableMessage:
    try:
        return encode_typed_data(full_message=_full_message(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise SignatureRejected("The signed message is malformed.") from exc


def message_id_from_data(data: Mapping[str, Any]) -> str:
    """The EIP-712 digest of ``{domain, types, message}``, ``0x``-prefixed (snapshot.js ``getHash``)."""
    signable = _signable(data)
    return "0x" + keccak256(b"\x19" + signable.version + signable.header + signable.body).hex()


def message_id(typed: TypedData) -> str:
    """The id Snapshot's sequencer gives an accepted message: its EIP-712 digest."""
    return message_id_from_data(typed.data())


def sign_typed_data(typed: TypedData, account: LocalAccount) -> SignedEnvelope:
    """Sign ``typed`` with ``account``; the message's ``from`` must be that account."""
    if parse_address(typed.signer) != parse_address(account.address):
        raise InvalidInput("This message names another wallet as its signer.")
    signed = account.sign_message(_signable(typed.data()))
    return SignedEnvelope(Address(account.address), "0x" + bytes(signed.signature).hex(), typed)


def _normalised_signature(sig: str) -> bytes:
    try:
        raw = bytes.fromhex(sig.removeprefix("0x"))
    except ValueError:
        raise SignatureRejected("The signature is not hexadecimal.") from None
    if len(raw) != 65:
        raise SignatureRejected("The signature has the wrong length.")
    return raw[:64] + bytes([raw[64] + 27]) if raw[64] in (0, 1) else raw


def recover_signer_from_data(data: Mapping[str, Any], sig: str) -> Address:
    """The address whose key signed ``data`` (``{domain, types, message}``); raise if none can be recovered."""
    signable = _signable(data)
    try:
        recovered = Account.recover_message(signable, signature=_normalised_signature(sig))
    except (ValueError, TypeError) as exc:
        raise SignatureRejected("The signature is not valid.") from exc
    return Address(recovered)


def recover_signer(typed: TypedData, sig: str) -> Address:
    return recover_signer_from_data(typed.data(), sig)


class EthAccountSignatures:
    """The ``SignatureVerifier`` port over eth_account."""

    def recover(self, typed: TypedData, signature: str) -> Address:
        return recover_signer(typed, signature)
