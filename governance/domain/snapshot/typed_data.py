"""The EIP-712 messages Snapshot's sequencer accepts, as plain values.

Field lists, their order, the domain (``snapshot`` / ``0.1.4``, no chain id) and the way
snapshot.js 0.17 fills defaults are reproduced exactly: a message built here hashes, signs
and serialises to the same bytes as one built by snapshot.js's ``Client712``.

* A vote's ``from`` is a *string* (the checksummed address), not an ``address``.
* The proposal id is a ``string`` in every vote type (hex ids and IPFS ids alike).
* Votes carry ``reason``, ``app`` and ``metadata`` (``"{}"`` when empty).
* single-choice and basic sign ``choice`` as ``uint32``; approval and ranked-choice as
  ``uint32[]``; weighted and quadratic as a ``string`` holding the JSON of the weights.

JSON is written as ``JSON.stringify`` writes it (no spaces, non-ASCII kept, message keys in
field order), so an envelope serialised here is byte-for-byte the body snapshot.js posts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput
from governance.domain.snapshot.choices import Choice, VotingType

__all__ = [
    "DOMAIN_NAME",
    "DOMAIN_VERSION",
    "PROPOSAL_FIELDS",
    "JsonValue",
    "MessageValue",
    "SignedEnvelope",
    "TypedData",
    "TypedField",
    "encode_choice",
    "js_json",
    "proposal_typed_data",
    "typed_data_from_data",
    "vote_fields",
    "vote_typed_data",
]

DOMAIN_NAME = "snapshot"
DOMAIN_VERSION = "0.1.4"
_UINT32 = (1 << 32) - 1
_UINT64 = (1 << 64) - 1

JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]
MessageValue = str | int | tuple[int, ...] | tuple[str, ...]


def js_json(value: object) -> str:
    """``JSON.stringify(value)`` for the JSON values used here (no floats)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class TypedField:
    name: str
    type: str


def _fields(*pairs: tuple[str, str]) -> tuple[TypedField, ...]:
    return tuple(TypedField(name, kind) for name, kind in pairs)


def vote_fields(choice_type: str) -> tuple[TypedField, ...]:
    """The ``Vote`` fields for a choice signed as ``uint32``, ``uint32[]`` or ``string``."""
    return _fields(
        ("from", "string"), ("space", "string"), ("timestamp", "uint64"), ("proposal", "string"),
        ("choice", choice_type), ("reason", "string"), ("app", "string"), ("metadata", "string"),
    )


PROPOSAL_FIELDS = _fields(
    ("from", "string"), ("space", "string"), ("timestamp", "uint64"), ("type", "string"),
    ("title", "string"), ("body", "string"), ("discussion", "string"), ("choices", "string[]"),
    ("labels", "string[]"), ("start", "uint64"), ("end", "uint64"), ("snapshot", "uint64"),
    ("plugins", "string"), ("privacy", "string"), ("app", "string"),
)


def _jsonable(value: MessageValue) -> JsonValue:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class TypedData:
    """One EIP-712 message: ``primary_type`` with ``fields`` and their ``values`` (same order)."""

    primary_type: str
    fields: tuple[TypedField, ...]
    values: tuple[MessageValue, ...]

    def __post_init__(self) -> None:
        if len(self.fields) != len(self.values):
            raise ValueError("every field needs exactly one value")

    def value(self, name: str) -> MessageValue:
        for field, value in zip(self.fields, self.values, strict=True):
            if field.name == name:
                return value
        raise KeyError(name)

    @property
    def signer(self) -> str:
        return str(self.value("from"))

    def domain(self) -> dict[str, JsonValue]:
        return {"name": DOMAIN_NAME, "version": DOMAIN_VERSION}

    def types(self) -> dict[str, JsonValue]:
        return {self.primary_type: [{"name": f.name, "type": f.type} for f in self.fields]}

    def message(self) -> dict[str, JsonValue]:
        return {f.name: _jsonable(v) for f, v in zip(self.fields, self.values, strict=True)}

    def data(self) -> dict[str, JsonValue]:
        """``{domain, types, message}`` as snapshot.js puts it in the envelope."""
        return {"domain": self.domain(), "types": self.types(), "message": self.message()}

    def wallet_request(self) -> dict[str, JsonValue]:
        """The payload for a wallet's ``eth_signTypedData_v4`` (adds ``EIP712Domain`` and ``primaryType``)."""
        domain_fields: JsonValue = [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}]
        types: dict[str, JsonValue] = {"EIP712Domain": domain_fields, **self.types()}
        return {"types": types, "primaryType": self.primary_type, "domain": self.domain(),
                "message": self.message()}

    def types_hash(self) -> str:
        """SHA-256 of the types' JSON: the sequencer recognises a message kind by it."""
        return hashlib.sha256(js_json(self.types()).encode("utf-8")).hexdigest()


_KNOWN_FIELDS = {
    ("Vote", vote_fields("uint32")), ("Vote", vote_fields("uint32[]")), ("Vote", vote_fields("string")),
    ("Proposal", PROPOSAL_FIELDS),
}


def _field_value(kind: str, raw: object) -> MessageValue:
    def is_uint(v: object) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and v >= 0

    if kind == "string" and isinstance(raw, str):
        return raw
    if kind in ("uint32", "uint64") and is_uint(raw):
        assert isinstance(raw, int)
        return raw
    if kind == "uint32[]" and isinstance(raw, list) and all(is_uint(v) for v in raw):
        return tuple(int(v) for v in raw)
    if kind == "string[]" and isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return tuple(str(v) for v in raw)
    raise InvalidInput("The stored Snapshot message is malformed.")


def typed_data_from_data(data: Mapping[str, object]) -> TypedData:
    """Read back ``TypedData.data()`` (e.g. a stored signing request); only Snapshot's vote and proposal shapes."""
    domain, types, message = data.get("domain"), data.get("types"), data.get("message")
    if domain != {"name": DOMAIN_NAME, "version": DOMAIN_VERSION} or not isinstance(types, Mapping):
        raise InvalidInput("The stored Snapshot message is malformed.")
    if len(types) != 1 or not isinstance(message, Mapping):
        raise InvalidInput("The stored Snapshot message is malformed.")
    primary, raw_fields = next(iter(types.items()))
    try:
        fields = tuple(TypedField(str(f["name"]), str(f["type"])) for f in raw_fields)
    except (KeyError, TypeError):
        raise InvalidInput("The stored Snapshot message is malformed.") from None
    if (primary, fields) not in _KNOWN_FIELDS or set(message) != {f.name for f in fields}:
        raise InvalidInput("The stored Snapshot message is malformed.")
    return TypedData(primary, fields, tuple(_field_value(f.type, message[f.name]) for f in fields))


@dataclass(frozen=True)
class SignedEnvelope:
    """What the sequencer receives: ``{address, sig, data: {domain, types, message}}``."""

    address: Address
    sig: str
    typed_data: TypedData

    def to_dict(self) -> dict[str, JsonValue]:
        return {"address": self.address, "sig": self.sig, "data": self.typed_data.data()}

    def to_json(self) -> str:
        return js_json(self.to_dict())


def _check_uint(value: int, limit: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise InvalidInput(f"The {what} is out of range.")
    return value


def encode_choice(voting_type: VotingType, choice: Choice) -> tuple[str, MessageValue]:
    """The EIP-712 type and message value of ``choice``, as snapshot.js encodes it."""
    if voting_type.takes_weights:
        if not isinstance(choice, Mapping):
            raise InvalidInput("This proposal takes weights, like “1: 3, 2: 1”.")
        weights = {str(k): _check_uint(choice[k], _UINT64, "weight") for k in sorted(choice)}
        return "string", js_json(weights)
    if voting_type.takes_list:
        if not isinstance(choice, tuple):
            raise InvalidInput("This proposal takes a list of choices.")
        return "uint32[]", tuple(_check_uint(c, _UINT32, "choice") for c in choice)
    if not isinstance(choice, int):
        raise InvalidInput("This proposal takes exactly one choice.")
    return "uint32", _check_uint(choice, _UINT32, "choice")


def vote_typed_data(
    *, voter: str, space: str, proposal_id: str, voting_type: VotingType, choice: Choice,
    timestamp: int, reason: str = "", app: str = "", metadata: str = "{}",
) -> TypedData:
    """A vote message, as ``Client712.vote`` builds it (metadata defaults to ``"{}"``)."""
    choice_type, choice_value = encode_choice(voting_type, choice)
    values: tuple[MessageValue, ...] = (
        parse_address(voter, what="voter address"), space, _check_uint(timestamp, _UINT64, "timestamp"),
        proposal_id, choice_value, reason, app, metadata or "{}",
    )
    return TypedData("Vote", vote_fields(choice_type), values)


def proposal_typed_data(
    *, author: str, space: str, timestamp: int, voting_type: VotingType, title: str, body: str,
    choices: Sequence[str], start: int, end: int, snapshot: int, discussion: str = "",
    labels: Sequence[str] = (), plugins: str = "{}", privacy: str = "", app: str = "",
) -> TypedData:
    """A proposal message, as ``Client712.proposal`` builds it."""
    if not choices:
        raise InvalidInput("A proposal needs at least one choice.")
    if voting_type is VotingType.BASIC and len(choices) not in (2, 3):
        raise InvalidInput("A basic proposal has the choices For, Against and optionally Abstain.")
    if end <= start:
        raise InvalidInput("A proposal must end after it starts.")
    values: tuple[MessageValue, ...] = (
        parse_address(author, what="author address"), space, _check_uint(timestamp, _UINT64, "timestamp"),
        voting_type.value, title, body, discussion, tuple(choices), tuple(labels),
        _check_uint(start, _UINT64, "start"), _check_uint(end, _UINT64, "end"),
        _check_uint(snapshot, _UINT64, "snapshot block"), plugins, privacy, app,
    )
    return TypedData("Proposal", PROPOSAL_FIELDS, values)
