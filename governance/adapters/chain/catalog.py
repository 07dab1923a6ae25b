"""The events the watcher follows, per contract role of the suite.

Declarations mirror the OpenZeppelin v5 interfaces and ``contracts/src``; a test checks them against the
compiled ABIs in ``contracts/build`` so a renamed or retyped event cannot slip by.
"""

from __future__ import annotations

from enum import StrEnum

from governance.adapters.chain.abi import EventSpec

__all__ = ["ROLE_EVENTS", "Role", "all_specs"]


class Role(StrEnum):
    GOVERNOR = "governor"
    TIMELOCK = "timelock"
    TOKEN = "token"  # noqa: S105 (a contract role, not a secret)
    REGISTRY = "registry"
    TREASURY = "treasury"
    DISTRIBUTOR = "distributor"
    LEDGER = "ledger"


_DECLARATIONS: dict[Role, tuple[str, ...]] = {
    Role.GOVERNOR: (
        "ProposalCreated(uint256 proposalId,address proposer,address[] targets,uint256[] values,"
        "string[] signatures,bytes[] calldatas,uint256 voteStart,uint256 voteEnd,string description)",
        "ProposalQueued(uint256 proposalId,uint256 etaSeconds)",
        "ProposalExecuted(uint256 proposalId)",
        "ProposalCanceled(uint256 proposalId)",
        "VoteCast(address indexed voter,uint256 proposalId,uint8 support,uint256 weight,string reason)",
        "VoteCastWithParams(address indexed voter,uint256 proposalId,uint8 support,uint256 weight,"
        "string reason,bytes params)",
    ),
    Role.TIMELOCK: (
        "CallScheduled(bytes32 indexed id,uint256 indexed index,address target,uint256 value,bytes data,"
        "bytes32 predecessor,uint256 delay)",
        "CallExecuted(bytes32 indexed id,uint256 indexed index,address target,uint256 value,bytes data)",
        "Cancelled(bytes32 indexed id)",
    ),
    Role.TOKEN: (
        "Transfer(address indexed from,address indexed to,uint256 value)",
        "DelegateChanged(address indexed delegator,address indexed fromDelegate,address indexed toDelegate)",
        "DelegateVotesChanged(address indexed delegate,uint256 previousVotes,uint256 newVotes)",
    ),
    Role.REGISTRY: (
        "TransferSingle(address indexed operator,address indexed from,address indexed to,uint256 id,"
        "uint256 value)",
        "TransferBatch(address indexed operator,address indexed from,address indexed to,uint256[] ids,"
        "uint256[] values)",
        "ClassifierListed(uint256 indexed id,string name,address indexed owner,bytes32 modelHash,string uri,"
        "uint256 shareSupply)",
        "ClassifierDelisted(uint256 indexed id)",
    ),
    Role.TREASURY: (
        "RevenuePaid(uint256 indexed epoch,uint256 indexed classifierId,address indexed payer,uint256 amount)",
        "EpochClosed(uint256 indexed epoch,uint256 revenue,uint256 memberDividends,uint256 classifierDividends,"
        "uint256 bounties,uint256 reserve,uint256 operations)",
        "AllocationChanged((uint16,uint16,uint16,uint16,uint16) allocation)",
        "ReserveSpent(address indexed to,uint256 amount)",
    ),
    Role.DISTRIBUTOR: (
        "EpochFunded(uint256 indexed epoch,uint256 memberBudget,uint256 classifierBudget,uint256 bountyBudget)",
        "RootProposed(uint256 indexed epoch,bytes32 root,uint256 total,bytes32 manifestHash,string manifestUri,"
        "uint64 claimableAt)",
        "RootVetoed(uint256 indexed epoch,bytes32 root)",
        "Claimed(uint256 indexed epoch,address indexed account,uint256 amount)",
        "Swept(uint256 indexed epoch,uint256 amount)",
    ),
    Role.LEDGER: ("RoundAnchored(uint256 indexed roundId,bytes32 root,string uri,address indexed moderator)",),
}

ROLE_EVENTS: dict[Role, tuple[EventSpec, ...]] = {
    role: tuple(EventSpec.parse(text) for text in texts) for role, texts in _DECLARATIONS.items()
}


def all_specs() -> list[EventSpec]:
    return [spec for specs in ROLE_EVENTS.values() for spec in specs]
