"""A local Snapshot hub and sequencer for tests and the demo (never for production)."""

from governance.adapters.snapshot.testing.hub import LocalSnapshotHub
from governance.adapters.snapshot.testing.sequencer import KNOWN_TYPES, Refused, ingest
from governance.adapters.snapshot.testing.state import HubState, LocalProposal, LocalSpace, StoredVote

__all__ = [
    "KNOWN_TYPES",
    "HubState",
    "LocalProposal",
    "LocalSnapshotHub",
    "LocalSpace",
    "Refused",
    "StoredVote",
    "ingest",
]
