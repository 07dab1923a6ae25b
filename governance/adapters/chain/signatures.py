"""Recover the signer of an EIP-191 ``personal_sign`` message or an EIP-712 typed-data payload.

Only externally owned accounts: a contract wallet's EIP-1271 signature cannot be checked
without calling the chain, and is out of scope. Anything that is not a 65-byte secp256k1
signature of the given payload raises ``SignatureRejected``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage, encode_defunct, encode_typed_data
from eth_utils.crypto import keccak

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import SignatureRejected
from governance.domain.signing import canonical_signature

__all__ = ["EthAccountSignerRecovery", "recover_personal_sign", "recover_typed_data", "typed_data_digest"]


def _recover(signable: SignableMessage, signature: str) -> Address:
    raw = bytes.fromhex(canonical_signature(signature)[2:])
    try:
        recovered = Account.recover_message(signable, signature=raw)
    except Exception as exc:  # eth_keys raises several unrelated types on bad input
        raise SignatureRejected("That signature is malformed; sign again from your wallet.") from exc
    return parse_address(recovered)


def recover_personal_sign(message: str, signature: str) -> Address:
    """The address whose key made ``signature`` over ``message`` (EIP-191 version 0x45)."""
    return _recover(encode_defunct(text=message), signature)


def _typed(typed_data: Mapping[str, Any]) -> SignableMessage:
    try:
        return encode_typed_data(full_message=dict(typed_data))
    except Exception as exc:  # eth_account raises ValueError/TypeError/KeyError
        raise SignatureRejected("The data to sign is malformed.") from exc


def recover_typed_data(typed_data: Mapping[str, Any], signature: str) -> Address:
    """The address whose key made ``signature`` over the eth_signTypedData_v4 ``typed_data``."""
    return _recover(_typed(typed_data), signature)


def typed_data_digest(typed_data: Mapping[str, Any]) -> bytes:
    """The 32-byte EIP-712 digest (``keccak256(0x1901 || domainSeparator || structHash)``)."""
    signable = _typed(typed_data)
    return bytes(keccak(b"\x19" + signable.version + signable.header + signable.body))


class EthAccountSignerRecovery:
    """The ``SignerRecovery`` port on eth_account."""

    def recover_personal_sign(self, message: str, signature: str) -> Address:
        return recover_personal_sign(message, signature)

    def recover_typed_data(self, typed_data: dict[str, object], signature: str) -> Address:
        return recover_typed_data(typed_data, signature)
