// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Pays each epoch's dividend and bounty budget against one StandardMerkleTree root of (account, amount).
/// @notice The treasury funds an epoch at close. A DISTRIBUTOR proposes the root (its declared total bounded by
///         the budget) with the manifest's content hash; during the challenge period the GUARDIAN (the timelock)
///         may veto it. Afterwards anyone may claim for anyone: a claim always pays the leaf's account. When the
///         claim window ends, anyone may sweep what is left back to the treasury.
contract DividendDistributor is AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant DISTRIBUTOR_ROLE = keccak256("DISTRIBUTOR_ROLE");
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    struct Epoch {
        bytes32 root;
        uint96 claimed;
        uint96 rootTotal;
        uint64 claimableAt;
        uint96 budget;
        uint64 fundedAt;
        bool swept;
        uint96 memberBudget;
        uint96 classifierBudget;
        bytes32 manifestHash;
    }

    IERC20 public immutable token;
    address public immutable treasury;
    uint64 public immutable challengePeriod;
    uint64 public immutable claimWindow;

    mapping(uint256 epoch => Epoch) private _epochs;
    /// @dev account => (epoch >> 8) => bit (epoch & 255): one warm word per 256 epochs of an account.
    mapping(address account => mapping(uint256 word => uint256)) private _claimedBits;

    event EpochFunded(uint256 indexed epoch, uint256 memberBudget, uint256 classifierBudget, uint256 bountyBudget);
    event RootProposed(
        uint256 indexed epoch, bytes32 root, uint256 total, bytes32 manifestHash, string manifestUri, uint64 claimableAt
    );
    event RootVetoed(uint256 indexed epoch, bytes32 root);
    event Claimed(uint256 indexed epoch, address indexed account, uint256 amount);
    event Swept(uint256 indexed epoch, uint256 amount);

    error OnlyTreasury();
    error AlreadyFunded(uint256 epoch);
    error NotFunded(uint256 epoch);
    error RootPending(uint256 epoch);
    error EmptyRoot();
    error OverBudget(uint256 total, uint256 budget);
    error NoRoot(uint256 epoch);
    error ChallengeOver(uint256 epoch);
    error ChallengePeriod(uint256 epoch, uint256 claimableAt);
    error ClaimWindowOver(uint256 epoch);
    error AlreadyClaimed(uint256 epoch, address account);
    error InvalidProof();
    error OverRootTotal();
    error LengthMismatch();
    error AlreadySwept(uint256 epoch);
    error NotSweepable(uint256 epoch, uint256 sweepableAt);

    constructor(
        IERC20 token_,
        address treasury_,
        address admin,
        address guardian,
        address[] memory distributors,
        uint64 challengePeriod_,
        uint64 claimWindow_
    ) {
        token = token_;
        treasury = treasury_;
        challengePeriod = challengePeriod_;
        claimWindow = claimWindow_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, guardian);
        for (uint256 i = 0; i < distributors.length; ++i) {
            _grantRole(DISTRIBUTOR_ROLE, distributors[i]);
        }
    }

    /// @notice Called by the treasury in `closeEpoch`, after it transferred the sum of the three budgets.
    function fundEpoch(uint256 epoch, uint256 memberBudget, uint256 classifierBudget, uint256 bountyBudget)
        external
    {
        if (msg.sender != treasury) revert OnlyTreasury();
        Epoch storage e = _epochs[epoch];
        if (e.fundedAt != 0) revert AlreadyFunded(epoch);
        e.budget = SafeCast.toUint96(memberBudget + classifierBudget + bountyBudget);
        e.fundedAt = uint64(block.timestamp);
        e.memberBudget = uint96(memberBudget);
        e.classifierBudget = uint96(classifierBudget);
        emit EpochFunded(epoch, memberBudget, classifierBudget, bountyBudget);
    }

    function proposeRoot(uint256 epoch, bytes32 root, uint256 total, bytes32 manifestHash, string calldata uri)
        external
        onlyRole(DISTRIBUTOR_ROLE)
    {
        Epoch storage e = _epochs[epoch];
        if (e.fundedAt == 0) revert NotFunded(epoch);
        if (e.swept) revert AlreadySwept(epoch);
        if (e.root != bytes32(0)) revert RootPending(epoch);
        if (root == bytes32(0)) revert EmptyRoot();
        if (total > e.budget) revert OverBudget(total, e.budget);
        uint64 claimableAt = uint64(block.timestamp) + challengePeriod;
        e.root = root;
        e.rootTotal = uint96(total);
        e.claimableAt = claimableAt;
        e.manifestHash = manifestHash;
        emit RootProposed(epoch, root, total, manifestHash, uri, claimableAt);
    }

    function veto(uint256 epoch) external onlyRole(GUARDIAN_ROLE) {
        Epoch storage e = _epochs[epoch];
        bytes32 root = e.root;
        if (root == bytes32(0)) revert NoRoot(epoch);
        if (block.timestamp >= e.claimableAt) revert ChallengeOver(epoch);
        e.root = bytes32(0);
        e.rootTotal = 0;
        e.claimableAt = 0;
        e.manifestHash = bytes32(0);
        emit RootVetoed(epoch, root);
    }

    function claim(uint256 epoch, address account, uint256 amount, bytes32[] calldata proof) external {
        Epoch storage e = _epochs[epoch];
        bytes32 root = _openRoot(e, epoch);
        _markClaimed(epoch, root, account, amount, proof);
        _addClaimed(e, amount);
        token.safeTransfer(account, amount);
    }

    function claimMany(
        uint256 epoch,
        address[] calldata accounts,
        uint256[] calldata amounts,
        bytes32[][] calldata proofs
    ) external {
        if (accounts.length != amounts.length || accounts.length != proofs.length) revert LengthMismatch();
        Epoch storage e = _epochs[epoch];
        bytes32 root = _openRoot(e, epoch);
        uint256 total = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            _markClaimed(epoch, root, accounts[i], amounts[i], proofs[i]);
            total += amounts[i];
        }
        _addClaimed(e, total);
        for (uint256 i = 0; i < accounts.length; ++i) {
            token.safeTransfer(accounts[i], amounts[i]);
        }
    }

    /// @notice Return what was not claimed to the treasury, once the claim window is over.
    function sweep(uint256 epoch) external {
        Epoch storage e = _epochs[epoch];
        if (e.fundedAt == 0) revert NotFunded(epoch);
        if (e.swept) revert AlreadySwept(epoch);
        uint256 when = sweepableAt(epoch);
        if (block.timestamp < when) revert NotSweepable(epoch, when);
        e.swept = true;
        uint256 rest = uint256(e.budget) - e.claimed;
        emit Swept(epoch, rest);
        if (rest > 0) token.safeTransfer(treasury, rest);
    }

    // ---- views ---------------------------------------------------------------------------------------------

    function epochInfo(uint256 epoch) external view returns (Epoch memory) {
        return _epochs[epoch];
    }

    function epochBudgets(uint256 epoch)
        external
        view
        returns (uint256 memberBudget, uint256 classifierBudget, uint256 bountyBudget, uint256 total)
    {
        Epoch storage e = _epochs[epoch];
        total = e.budget;
        memberBudget = e.memberBudget;
        classifierBudget = e.classifierBudget;
        bountyBudget = total - memberBudget - classifierBudget;
    }

    function isClaimed(uint256 epoch, address account) public view returns (bool) {
        return (_claimedBits[account][epoch >> 8] >> (epoch & 255)) & 1 == 1;
    }

    /// @notice The raw claimed bitmap of `account`: bit `epoch & 255` of word `epoch >> 8`.
    function claimedWord(address account, uint256 word) external view returns (uint256) {
        return _claimedBits[account][word];
    }

    function sweepableAt(uint256 epoch) public view returns (uint256) {
        Epoch storage e = _epochs[epoch];
        if (e.root != bytes32(0)) return uint256(e.claimableAt) + claimWindow;
        return uint256(e.fundedAt) + challengePeriod + claimWindow;
    }

    function leafHash(address account, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, amount))));
    }

    // ---- internals -----------------------------------------------------------------------------------------

    function _openRoot(Epoch storage e, uint256 epoch) private view returns (bytes32 root) {
        root = e.root;
        if (root == bytes32(0)) revert NoRoot(epoch);
        uint256 claimableAt = e.claimableAt;
        if (block.timestamp < claimableAt) revert ChallengePeriod(epoch, claimableAt);
        if (block.timestamp >= claimableAt + claimWindow) revert ClaimWindowOver(epoch);
    }

    function _markClaimed(uint256 epoch, bytes32 root, address account, uint256 amount, bytes32[] calldata proof)
        private
    {
        if (!MerkleProof.verifyCalldata(proof, root, leafHash(account, amount))) revert InvalidProof();
        uint256 word = _claimedBits[account][epoch >> 8];
        uint256 bit = 1 << (epoch & 255);
        if (word & bit != 0) revert AlreadyClaimed(epoch, account);
        _claimedBits[account][epoch >> 8] = word | bit;
        emit Claimed(epoch, account, amount);
    }

    function _addClaimed(Epoch storage e, uint256 amount) private {
        uint256 claimed = uint256(e.claimed) + amount;
        if (claimed > e.rootTotal) revert OverRootTotal();
        e.claimed = uint96(claimed);
    }
}
