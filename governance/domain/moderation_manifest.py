"""The published manifest of a closed de-rank round, and the root anyone can recompute from it.

The bot publishes one JSON document per closed round (``GET /moderation/rounds/{id}.json``) and
anchors its Merkle root on the ``ModerationLedger`` with that URL. A verifier rebuilds every leaf
from the manifest's own fields (``moderation_leaves`` encodings) and compares the root with the one
on chain: ``root_from_manifest(manifest) == ModerationLedger.round(id).root``.

Big numbers (weights, voting power) are decimal strings so that JSON readers keep them exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from governance.domain.addresses import parse_address
from governance.domain.errors import IntegrityError, InvalidInput
from governance.domain.merkle_bytes import merkle_root
from governance.domain.moderation import (
    Ballot,
    BrigadingFlag,
    Choice,
    Decision,
    ItemResult,
    ItemTally,
    RoundKind,
    RoundResult,
)
from governance.domain.moderation_leaves import ballot_leaf, decision_leaf, round_root

__all__ = ["MANIFEST_VERSION", "root_from_manifest", "round_manifest", "verify_manifest"]

MANIFEST_VERSION = 1
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # only leaf fields are hashed; a placeholder closing time


def _flag(flag: BrigadingFlag | None) -> dict[str, Any] | None:
    if flag is None:
        return None
    return {
        "fresh_wallets": list(flag.fresh_wallets),
        "fresh_weight": str(flag.fresh_weight),
        "decision_without": flag.decision_without.name.lower(),
    }


def _decision(item: ItemResult) -> dict[str, Any]:
    tally = item.tally
    return {
        "item_id": item.item_id,
        "decision": item.decision.name.lower(),
        "derank_weight": str(tally.derank_weight),
        "keep_weight": str(tally.keep_weight),
        "cast_weight": str(tally.cast_weight),
        "ballots": tally.ballots,
        "ceiling": str(tally.ceiling),
        "quorum_met": tally.quorum_met,
        "brigading": _flag(item.brigading),
    }


def round_manifest(result: RoundResult) -> dict[str, Any]:
    """The manifest of a closed round (decisions in item order, ballots in (item, wallet) order)."""
    spec = result.spec
    return {
        "version": MANIFEST_VERSION,
        "round_id": spec.round_id,
        "kind": spec.kind.name.lower(),
        "snapshot_block": spec.snapshot_block,
        "total_power": str(spec.total_power),
        "closed_at": result.closed_at.isoformat(),
        "rules": {
            "quorum_bps": spec.rules.quorum_bps,
            "cap_bps": spec.rules.cap_bps,
            "fresh_delegation_blocks": spec.rules.fresh_delegation_blocks,
        },
        "root": "0x" + round_root(result).hex(),
        "decisions": [_decision(item) for item in result.items],
        "ballots": [
            {"item_id": b.item_id, "wallet": b.wallet, "choice": b.choice.name.lower(), "weight": str(b.weight)}
            for b in result.ballots
        ],
    }


def _leaf_of_decision(round_id: int, row: Mapping[str, Any]) -> bytes:
    tally = ItemTally(row["item_id"], int(row["derank_weight"]), int(row["keep_weight"]), 0, 1, 0, 0, False)
    decision = Decision[str(row["decision"]).upper()]
    return decision_leaf(ItemResult(round_id, RoundKind.FIRST, _EPOCH, tally, decision, None))


def _leaf_of_ballot(round_id: int, row: Mapping[str, Any]) -> bytes:
    choice = Choice[str(row["choice"]).upper()]
    return ballot_leaf(Ballot(round_id, row["item_id"], parse_address(row["wallet"]), choice, int(row["weight"])))


def root_from_manifest(manifest: Mapping[str, Any]) -> bytes:
    """Recompute the round root from the manifest's decisions and ballots (ignoring its ``root``)."""
    try:
        round_id = int(manifest["round_id"])
        leaves = [_leaf_of_decision(round_id, row) for row in manifest["decisions"]]
        leaves += [_leaf_of_ballot(round_id, row) for row in manifest["ballots"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"The round manifest is malformed ({type(exc).__name__}: {exc}).") from exc
    return merkle_root(leaves)


def verify_manifest(manifest: Mapping[str, Any], anchored_root: bytes) -> None:
    """Raise ``IntegrityError`` unless the manifest's leaves hash to ``anchored_root``."""
    computed = root_from_manifest(manifest)
    if computed != anchored_root:
        raise IntegrityError(
            f"Round {manifest.get('round_id')}: the manifest hashes to 0x{computed.hex()}, "
            f"but 0x{anchored_root.hex()} is anchored."
        )
