"""Merkle leaves of a closed de-rank round, as anchored in the ``ModerationLedger`` contract.

Every leaf is the double Keccak-256 of an ABI encoding (``abi.encode``: each field one 32-byte
word, big-endian, addresses left-padded), the same double hashing OpenZeppelin's
StandardMerkleTree uses, so a leaf can never be mistaken for an inner node. The first word says
what the leaf is.

Ballot leaf::

    keccak256(keccak256(abi.encode(uint8 1, uint256 roundId, bytes32 itemIdHash,
                                   address wallet, uint8 choice, uint256 weight)))

Decision leaf::

    keccak256(keccak256(abi.encode(uint8 2, uint256 roundId, bytes32 itemIdHash,
                                   uint8 decision, uint256 derankWeight, uint256 keepWeight)))

where ``itemIdHash = keccak256(utf8(itemId))``, ``choice`` and ``decision`` are 0 = keep,
1 = de-rank, ``weight`` is the wallet's voting power at the snapshot (before the cap) and the
decision weights are the counted weights (after the cap). The round root is ``merkle_bytes.merkle_root``
over all decision and ballot leaves of the round.
"""

from __future__ import annotations

from governance.domain.errors import InvalidInput
from governance.domain.keccak import keccak256
from governance.domain.merkle_bytes import merkle_root
from governance.domain.moderation import Ballot, ItemResult, RoundResult

__all__ = [
    "BALLOT_LEAF",
    "DECISION_LEAF",
    "ballot_leaf",
    "decision_leaf",
    "item_id_hash",
    "round_leaves",
    "round_root",
]

BALLOT_LEAF = 1
DECISION_LEAF = 2


def _word(value: int) -> bytes:
    if value < 0 or value >= 1 << 256:
        raise InvalidInput("A Merkle leaf field does not fit in 256 bits.")
    return value.to_bytes(32, "big")


def _address_word(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address.removeprefix("0x"))


def item_id_hash(item_id: str) -> bytes:
    return keccak256(item_id.encode("utf-8"))


def _leaf(encoded: bytes) -> bytes:
    return keccak256(keccak256(encoded))


def ballot_leaf(ballot: Ballot) -> bytes:
    return _leaf(
        _word(BALLOT_LEAF)
        + _word(ballot.round_id)
        + item_id_hash(ballot.item_id)
        + _address_word(ballot.wallet)
        + _word(ballot.choice.value)
        + _word(ballot.weight)
    )


def decision_leaf(result: ItemResult) -> bytes:
    return _leaf(
        _word(DECISION_LEAF)
        + _word(result.round_id)
        + item_id_hash(result.item_id)
        + _word(result.decision.value)
        + _word(result.tally.derank_weight)
        + _word(result.tally.keep_weight)
    )


def round_leaves(result: RoundResult) -> list[bytes]:
    """Decision leaves in item order, then ballot leaves in (item, wallet) order."""
    return [decision_leaf(item) for item in result.items] + [ballot_leaf(b) for b in result.ballots]


def round_root(result: RoundResult) -> bytes:
    return merkle_root(round_leaves(result))
