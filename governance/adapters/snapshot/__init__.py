"""Snapshot (off-chain voting) adapter: the hub/sequencer client and eth_account signing.

``testing`` holds a local hub and sequencer for tests and the demo; import it explicitly.
"""

from governance.adapters.snapshot.client import (
    DEFAULT_HUB_URL,
    DEFAULT_SEQUENCER_URL,
    RetryPolicy,
    SnapshotHubClient,
)
from governance.adapters.snapshot.signing import (
    EthAccountSignatures,
    message_id,
    recover_signer,
    recover_signer_from_data,
    sign_typed_data,
)

__all__ = [
    "DEFAULT_HUB_URL",
    "DEFAULT_SEQUENCER_URL",
    "EthAccountSignatures",
    "RetryPolicy",
    "SnapshotHubClient",
    "message_id",
    "recover_signer",
    "recover_signer_from_data",
    "sign_typed_data",
]
