"""The one parser of Ethereum addresses: everything else holds ``Address`` values.

Checksumming is EIP-55 over keccak-256, implemented here so the domain stays stdlib-only.
"""

from __future__ import annotations

import re
from typing import NewType

from governance.domain.errors import InvalidInput
from governance.domain.keccak import keccak256

__all__ = ["ZERO_ADDRESS", "Address", "parse_address", "to_checksum"]

Address = NewType("Address", str)
_HEX40 = re.compile(r"^(0x|0X)?[0-9a-fA-F]{40}$")


def to_checksum(hex40: str) -> Address:
    lower = hex40.lower().removeprefix("0x")
    digest = keccak256(lower.encode("ascii")).hex()
    out = "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))
    return Address("0x" + out)


def parse_address(text: str, *, what: str = "address") -> Address:
    """Return the checksummed form of ``text`` or raise ``InvalidInput``.

    Mixed-case input must carry a valid EIP-55 checksum (a typo is refused, not fixed).
    """
    if not isinstance(text, str) or not _HEX40.match(text.strip()):
        raise InvalidInput(f"That {what} is not a valid Ethereum address (0x followed by 40 hex digits).")
    raw = text.strip()
    body = raw[2:] if raw[:2] in ("0x", "0X") else raw
    checksummed = to_checksum(body)
    mixed = body != body.lower() and body != body.upper()
    if mixed and checksummed[2:] != body:
        raise InvalidInput(f"That {what} has a wrong checksum; copy it again from your wallet.")
    return checksummed


ZERO_ADDRESS = Address("0x0000000000000000000000000000000000000000")
