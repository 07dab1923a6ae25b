// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Anchors each closed de-rank round: the Merkle root of its decisions and ballots, and where to fetch them.
/// @notice A round is anchored once and never rewritten; an appeal is a new round.
contract ModerationLedger is AccessControl {
    bytes32 public constant MODERATOR_ROLE = keccak256("MODERATOR_ROLE");

    struct Round {
        bytes32 root;
        uint64 anchoredAt;
        address anchoredBy;
        string uri;
    }

    mapping(uint256 roundId => Round) private _rounds;
    uint256 public roundCount;

    event RoundAnchored(uint256 indexed roundId, bytes32 root, string uri, address indexed moderator);

    error RoundAlreadyAnchored(uint256 roundId);
    error EmptyRoot();

    constructor(address admin, address[] memory moderators) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i = 0; i < moderators.length; ++i) {
            _grantRole(MODERATOR_ROLE, moderators[i]);
        }
    }

    function anchor(uint256 roundId, bytes32 root, string calldata uri) external onlyRole(MODERATOR_ROLE) {
        if (root == bytes32(0)) revert EmptyRoot();
        if (_rounds[roundId].anchoredAt != 0) revert RoundAlreadyAnchored(roundId);
        _rounds[roundId] = Round(root, uint64(block.timestamp), msg.sender, uri);
        ++roundCount;
        emit RoundAnchored(roundId, root, uri, msg.sender);
    }

    function round(uint256 roundId) external view returns (Round memory) {
        return _rounds[roundId];
    }

    function isAnchored(uint256 roundId) external view returns (bool) {
        return _rounds[roundId].anchoredAt != 0;
    }
}
