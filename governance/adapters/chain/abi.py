"""Event signatures and their decoding, from Solidity-like declarations (no artifact needed).

``EventSpec.parse("Transfer(address indexed from,address indexed to,uint256 value)")`` gives the
event id (topic 0) and decodes a log into ``{"from": ..., "to": ..., "value": ...}``. Addresses come
out EIP-55 checksummed, ``bytes32`` as 0x-hex, indexed dynamic values as their topic hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from governance.adapters.chain.source import RawLog
from governance.domain.errors import ChainError

__all__ = ["DecodedLog", "EventSpec", "UndecodableLog", "function_selector"]


class UndecodableLog(ChainError):
    default_message = "A log does not match the event it claims to be."


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    indexed: bool


@dataclass(frozen=True)
class DecodedLog:
    event: str
    args: dict[str, Any]
    log: RawLog


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        current += char
    if current.strip():
        parts.append(current)
    return [part.strip() for part in parts]


def _param(text: str) -> Param:
    words = text.rsplit(" ", 2) if " indexed " in text else text.rsplit(" ", 1)
    if len(words) == 3:
        return Param(name=words[2], type=words[0], indexed=True)
    return Param(name=words[1], type=words[0], indexed=False)


@lru_cache(maxsize=65_536)
def checksummed(address: str) -> str:
    """EIP-55 form of a 0x-hex address, memoised: a history names the same accounts over and over."""
    return str(to_checksum_address(address))


def _convert(kind: str, value: Any) -> Any:
    if kind == "address":
        return checksummed(value)
    if kind.startswith("address[") and isinstance(value, (list, tuple)):
        return [checksummed(item) for item in value]
    if kind.startswith("bytes") and kind.endswith("]") and isinstance(value, (list, tuple)):
        return ["0x" + bytes(item).hex() for item in value]
    if kind.startswith("bytes") and isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True)
class EventSpec:
    name: str
    params: tuple[Param, ...]

    @classmethod
    def parse(cls, declaration: str) -> EventSpec:
        name, _, rest = declaration.partition("(")
        inner = rest.rsplit(")", 1)[0]
        return cls(name=name.strip(), params=tuple(_param(part) for part in _split_top_level(inner)))

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(param.type for param in self.params)})"

    @property
    def topic0(self) -> str:
        return "0x" + keccak(text=self.signature).hex()

    def decode(self, log: RawLog) -> DecodedLog:
        indexed = [param for param in self.params if param.indexed]
        plain = [param for param in self.params if not param.indexed]
        if len(log.topics) != len(indexed) + 1:
            raise UndecodableLog(f"{self.name}: expected {len(indexed) + 1} topics, got {len(log.topics)}")
        try:
            values = abi_decode([param.type for param in plain], log.data) if plain else ()
        except (DecodingError, ValueError, OverflowError) as exc:
            raise UndecodableLog(f"{self.name}: {exc}") from None
        args: dict[str, Any] = {}
        for param, topic in zip(indexed, log.topics[1:], strict=True):
            args[param.name] = _decode_topic(param.type, topic)
        for param, value in zip(plain, values, strict=True):
            args[param.name] = _convert(param.type, value)
        return DecodedLog(event=self.name, args=args, log=log)


def _decode_topic(kind: str, topic: str) -> Any:
    if kind in ("string", "bytes") or kind.endswith("]") or kind.startswith("("):
        return topic  # a dynamic indexed value is only its hash
    if kind == "address":
        return checksummed("0x" + topic[-40:])
    if kind == "bytes32":
        return topic
    if kind.startswith("uint"):
        return int(topic, 16)
    return _convert(kind, abi_decode([kind], bytes.fromhex(topic[2:]))[0])


def function_selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def specs_by_topic(specs: Iterable[EventSpec]) -> dict[str, EventSpec]:
    return {spec.topic0: spec for spec in specs}
