"""Recompute an epoch's manifest from chain data and compare it with what is on chain (and published).

``daobot payouts verify EPOCH`` calls ``verify_epoch`` with nothing but an RPC URL and the deployment file:
the manifest is rebuilt from the contracts' logs and views at the epoch's end block, with the default
bounty weights (each classifier's revenue share, see ``governance.domain.payouts``), and its root, total
and content hash must equal the root, declared total and manifest hash in ``DividendDistributor.epochInfo``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from governance.domain.errors import DaobotError
from governance.domain.payout_manifest import PublishedManifest, build_manifest, parse_manifest
from governance.domain.payouts import compute_manifest, default_bounty_weights
from governance.ports import BountyWeights, BountyWeightsReader, PayoutChain

__all__ = [
    "PublishedBountyWeights",
    "RevenueShareBountyWeights",
    "StandingsBountyWeights",
    "VerifyReport",
    "compute_epoch_manifest",
    "verify_epoch",
    "weights_for",
]


class RevenueShareBountyWeights:
    """The default ``BountyWeights`` until moderation scores are wired: each classifier's revenue share."""

    name = "revenue-share-bps"

    async def weights(self, epoch: int, revenue: Mapping[int, int]) -> dict[int, int]:
        return default_bounty_weights(revenue)


async def compute_epoch_manifest(
    chain: PayoutChain, weights: BountyWeights, epoch: int, end_block: int | None = None
) -> PublishedManifest:
    """The manifest of ``epoch`` from chain data at its end block (what the pipeline proposes)."""
    block = end_block if end_block is not None else await chain.end_block(epoch)
    bounty_bps = await weights.weights(epoch, await chain.revenue_by_classifier(epoch))
    inputs = await chain.payout_inputs(epoch, block, bounty_bps)
    return build_manifest(inputs, compute_manifest(inputs), bounty_weights=weights.name)


class StandingsBountyWeights:
    """Moderation-driven weights (``BountyWeightsReader``, the classifier market's standings) when the epoch has
    any; otherwise the revenue-share default. ``name`` says which one the last call used."""

    def __init__(self, reader: BountyWeightsReader) -> None:
        self._reader = reader
        self.name = RevenueShareBountyWeights.name

    async def weights(self, epoch: int, revenue: Mapping[int, int]) -> dict[int, int]:
        scored = await self._reader.weights(epoch)
        self.name = "moderation-standings" if scored else RevenueShareBountyWeights.name
        return scored or default_bounty_weights(revenue)


class PublishedBountyWeights:
    """Bounty weights as a published manifest declares them (for epochs paid with moderation-driven weights:
    ``verify`` then checks everything else from chain data, and that the root follows from those weights)."""

    def __init__(self, content: bytes) -> None:
        doc = json.loads(content)
        self.name = str(doc["inputs"]["bountyWeights"])
        self._bps = {int(c["id"]): int(c["bountyBps"]) for c in doc["inputs"]["classifiers"]}

    async def weights(self, epoch: int, revenue: Mapping[int, int]) -> dict[int, int]:
        return {cid: bps for cid, bps in self._bps.items() if bps > 0}


def weights_for(published: bytes | None) -> BountyWeights:
    """The default weights, unless a published manifest says it used others."""
    if published is not None:
        try:
            declared = PublishedBountyWeights(published)
        except (ValueError, KeyError, TypeError):
            return RevenueShareBountyWeights()
        if declared.name != RevenueShareBountyWeights.name:
            return declared
    return RevenueShareBountyWeights()


@dataclass(frozen=True)
class VerifyReport:
    epoch: int
    recomputed: PublishedManifest
    chain_root: str
    chain_total: int
    chain_manifest_hash: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _published_problems(content: bytes, recomputed: PublishedManifest, chain_hash: str) -> list[str]:
    try:
        published = parse_manifest(content)
    except DaobotError as exc:
        return [f"the published manifest is invalid: {exc.message}"]
    problems = []
    if published.root != recomputed.root:
        problems.append(f"the published manifest's root {published.root} is not the recomputed {recomputed.root}")
    if published.content_hash != chain_hash:
        problems.append(f"the published manifest hashes to {published.content_hash}, the chain commits {chain_hash}")
    return problems


async def verify_epoch(
    chain: PayoutChain, weights: BountyWeights, epoch: int, published: bytes | None = None
) -> VerifyReport:
    on = await chain.epoch_on_chain(epoch)
    if not on.funded:
        raise DaobotError(f"Epoch {epoch} is not closed yet: there is nothing to verify.")
    recomputed = await compute_epoch_manifest(chain, weights, epoch)
    problems: list[str] = []
    if not on.has_root and not recomputed.is_empty:
        problems.append("no root is on chain for this epoch (not proposed yet, or vetoed)")
    elif on.has_root and on.root != recomputed.root:
        problems.append(f"the root on chain {on.root} is not the recomputed root {recomputed.root}")
    elif on.has_root and on.root_total != recomputed.total:
        problems.append(f"the total on chain {on.root_total} is not the recomputed total {recomputed.total}")
    elif on.has_root and on.manifest_hash != recomputed.content_hash:
        problems.append(
            f"the manifest hash on chain {on.manifest_hash} is not the recomputed {recomputed.content_hash}"
        )
    if published is not None:
        problems += _published_problems(published, recomputed, on.manifest_hash)
    return VerifyReport(epoch, recomputed, on.root, on.root_total, on.manifest_hash, tuple(problems))
