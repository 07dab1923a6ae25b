// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title The market of classifiers: one ERC-1155 share id per classifier.
/// @notice Only the timelock (DEFAULT_ADMIN_ROLE) lists and delists. At listing, the owner receives the whole
///         share supply named in the proposal; shares trade freely afterwards. A delisted classifier earns no
///         further revenue; its shares and what was already distributed stay with their holders.
contract ClassifierRegistry is ERC1155, AccessControl {
    enum Status {
        None,
        Listed,
        Delisted
    }

    struct Classifier {
        string name;
        address owner;
        bytes32 modelHash;
        string uri;
        Status status;
        uint64 listedAt;
        uint64 delistedAt;
        uint256 shareSupply;
    }

    mapping(uint256 id => Classifier) private _classifiers;
    uint256 public classifierCount;

    event ClassifierListed(
        uint256 indexed id, string name, address indexed owner, bytes32 modelHash, string uri, uint256 shareSupply
    );
    event ClassifierDelisted(uint256 indexed id);

    error UnknownClassifier(uint256 id);
    error NotListed(uint256 id);
    error InvalidListing();

    constructor(address admin) ERC1155("") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    function list(string calldata name, address owner, bytes32 modelHash, string calldata uri_, uint256 shareSupply)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        returns (uint256 id)
    {
        if (owner == address(0) || shareSupply == 0 || bytes(name).length == 0) revert InvalidListing();
        id = ++classifierCount;
        _classifiers[id] =
            Classifier(name, owner, modelHash, uri_, Status.Listed, uint64(block.timestamp), 0, shareSupply);
        emit ClassifierListed(id, name, owner, modelHash, uri_, shareSupply);
        _mint(owner, id, shareSupply, "");
    }

    function delist(uint256 id) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Classifier storage c = _classifiers[id];
        if (c.status != Status.Listed) revert NotListed(id);
        c.status = Status.Delisted;
        c.delistedAt = uint64(block.timestamp);
        emit ClassifierDelisted(id);
    }

    function classifier(uint256 id) external view returns (Classifier memory) {
        if (_classifiers[id].status == Status.None) revert UnknownClassifier(id);
        return _classifiers[id];
    }

    function isListed(uint256 id) external view returns (bool) {
        return _classifiers[id].status == Status.Listed;
    }

    function uri(uint256 id) public view override returns (string memory) {
        return _classifiers[id].uri;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }
}
