"""Classifiers in the registry, and the listing and delisting proposals admins make from Discord."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from governance.domain.addresses import Address, parse_address
from governance.domain.errors import InvalidInput, NotFound, WrongState

__all__ = [
    "Classifier",
    "ClassifierStatus",
    "Listing",
    "delisting_description",
    "ensure_delistable",
    "listing_description",
    "parse_listing",
    "parse_model_hash",
]

_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
MAX_SHARES = 10**30


class ClassifierStatus(IntEnum):
    """``ClassifierRegistry.Status``."""

    NONE = 0
    LISTED = 1
    DELISTED = 2

    @property
    def word(self) -> str:
        return {0: "unknown", 1: "listed", 2: "delisted"}[self.value]


@dataclass(frozen=True)
class Classifier:
    classifier_id: int
    name: str
    owner: Address
    model_hash: str
    uri: str
    status: ClassifierStatus
    share_supply: int


@dataclass(frozen=True)
class Listing:
    name: str
    owner: Address
    model_hash: str
    uri: str
    shares: int


def parse_model_hash(text: str) -> str:
    """A model hash as the registry commits it: 32 bytes, ``0x`` and 64 hex digits."""
    value = (text or "").strip()
    if not _HASH.match(value):
        raise InvalidInput("A model hash is 32 bytes in hex: 0x followed by 64 hex digits (`daobot classifiers hash`).")
    return value.lower()


def parse_listing(name: str, owner: str, model_hash: str, shares: int, uri: str = "") -> Listing:
    clean = (name or "").strip()
    if not 0 < len(clean) <= 64:
        raise InvalidInput("A classifier name is 1 to 64 characters.")
    if not 0 < shares <= MAX_SHARES:
        raise InvalidInput("The share supply must be a positive whole number.")
    if len(uri) > 300:
        raise InvalidInput("The URI is at most 300 characters.")
    return Listing(clean, parse_address(owner, what="owner address"), parse_model_hash(model_hash), uri.strip(), shares)


def ensure_delistable(classifier_id: int, found: Classifier | None) -> Classifier:
    if found is None:
        raise NotFound(f"There is no classifier {classifier_id} in the registry. See /classifiers.")
    if found.status is not ClassifierStatus.LISTED:
        raise WrongState(f"Classifier {classifier_id} ({found.name}) is already {found.status.word}.")
    return found


def _reason(reason: str) -> str:
    clean = " ".join((reason or "").split())
    if not 3 <= len(clean) <= 500:
        raise InvalidInput("Give a reason of 3 to 500 characters; members read it before they vote.")
    return clean


def delisting_description(admin: str, classifier: Classifier, reason: str) -> str:
    return (
        f"# Delist classifier {classifier.classifier_id}: {classifier.name}\n\n"
        f"Proposed from Discord by admin {admin}.\n\nReason: {_reason(reason)}\n\n"
        f"Owner {classifier.owner}, model hash {classifier.model_hash}. Shareholders keep what was already "
        "distributed; the classifier earns no further revenue."
    )


def listing_description(admin: str, listing: Listing) -> str:
    return (
        f"# List classifier: {listing.name}\n\nProposed from Discord by admin {admin}.\n\n"
        f"Owner {listing.owner} receives {listing.shares} shares. Model hash {listing.model_hash}."
        + (f" URI {listing.uri}." if listing.uri else "")
    )
