"""The published form of a payout: a JSON document with the StandardMerkleTree dump and an inputs summary.

The document is serialized canonically (sorted keys, no spaces, UTF-8); its **content hash** is the
keccak-256 of exactly those bytes, committed on chain with the root (``proposeRoot(..., manifestHash, uri)``).
``GET /payouts/{epoch}.json`` serves the same bytes, so anyone can hash what they downloaded, load the
``tree`` member with OpenZeppelin's ``StandardMerkleTree.load`` and check it against the root on chain.
Amounts are decimal strings (JavaScript numbers lose precision above 2**53).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from governance.domain.addresses import Address
from governance.domain.errors import IntegrityError, InvalidInput
from governance.domain.keccak import keccak256
from governance.domain.merkle import StandardMerkleTree
from governance.domain.payouts import ManifestResult, PayoutInputs

__all__ = ["MANIFEST_FORMAT", "PublishedManifest", "build_manifest", "canonical_json", "parse_manifest"]

MANIFEST_FORMAT = "daobot-payout-manifest-v1"


def canonical_json(doc: Mapping[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class PublishedManifest:
    """The bytes to publish, their hash, and what a pipeline needs without reparsing them."""

    epoch: int
    root: str
    total: int
    budget: int
    leaves: tuple[tuple[Address, int], ...]
    content: bytes
    content_hash: str

    @property
    def is_empty(self) -> bool:
        return not self.leaves


def _summary(inputs: PayoutInputs, result: ManifestResult) -> dict[str, Any]:
    return {
        "endBlock": inputs.end_block,
        "excluded": sorted(inputs.excluded, key=str.lower),
        "members": {
            "budget": str(inputs.budget.member),
            "paid": str(result.member_paid),
            "holders": result.member_holders,
            "tokenSupplyCounted": str(result.token_supply_counted),
        },
        "classifierBudget": str(inputs.budget.classifier),
        "bountyBudget": str(inputs.budget.bounty),
        "bountyWeights": "revenue-share-bps",
        "classifiers": [
            {
                "id": str(c.classifier_id),
                "revenue": str(c.revenue),
                "bountyBps": c.bounty_bps,
                "shareSupply": str(c.share_supply),
                "holders": c.holders,
                "dividend": str(c.dividend),
                "bounty": str(c.bounty),
            }
            for c in result.classifiers
        ],
    }


def build_manifest(inputs: PayoutInputs, result: ManifestResult, *, bounty_weights: str) -> PublishedManifest:
    """The document for ``result``; an epoch with no leaves gets a document with no tree and a zero root."""
    tree = StandardMerkleTree.of(result.leaves) if result.leaves else None
    root = tree.root_hex if tree is not None else "0x" + "00" * 32
    summary = _summary(inputs, result)
    summary["bountyWeights"] = bounty_weights
    doc: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "chainId": inputs.chain_id,
        "epoch": inputs.epoch,
        "root": root,
        "total": str(result.total),
        "budget": str(inputs.budget.total),
        "leafCount": len(result.leaves),
        "inputs": summary,
        "tree": tree.dump() if tree is not None else None,
    }
    content = canonical_json(doc)
    return PublishedManifest(
        inputs.epoch, root, result.total, inputs.budget.total, result.leaves, content, "0x" + keccak256(content).hex()
    )


def parse_manifest(content: bytes) -> PublishedManifest:
    """Load a published document and check it is self-consistent (tree nodes, root, total, leaf count).

    Raises ``IntegrityError`` when it was altered, ``InvalidInput`` when it is not a manifest at all.
    """
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("That is not a JSON payout manifest.") from None
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        raise InvalidInput(f"That is not a {MANIFEST_FORMAT} document.")
    leaves: tuple[tuple[Address, int], ...] = ()
    root = "0x" + "00" * 32
    if doc.get("tree") is not None:
        tree = StandardMerkleTree.load(doc["tree"])
        leaves = tuple((v.account, v.amount) for v in tree.values)
        root = tree.root_hex
    total = sum(amount for _, amount in leaves)
    if doc.get("root") != root or str(doc.get("total")) != str(total) or doc.get("leafCount") != len(leaves):
        raise IntegrityError("The manifest's root, total or leaf count does not match its tree.")
    return PublishedManifest(
        int(doc["epoch"]), root, total, int(doc["budget"]), leaves, content, "0x" + keccak256(content).hex()
    )
