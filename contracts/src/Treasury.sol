// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

interface IClassifierListing {
    function isListed(uint256 id) external view returns (bool);
}

interface IEpochFunding {
    function fundEpoch(uint256 epoch, uint256 memberBudget, uint256 classifierBudget, uint256 bountyBudget) external;
}

/// @title The DAO's treasury: platform revenue in, per-epoch budgets out.
/// @notice Revenue is recorded per epoch and per listed classifier. When an epoch has ended anyone may close it
///         (once): the dividend and bounty pools go to the distributor, operations to the operations address, and
///         the reserve (plus rounding dust) stays here. Only the timelock (DEFAULT_ADMIN_ROLE) changes the
///         allocation, the wiring, or spends the reserve.
contract Treasury is AccessControl {
    using SafeERC20 for IERC20;

    uint256 public constant BPS = 10_000;

    struct Allocation {
        uint16 memberDividends;
        uint16 classifierDividends;
        uint16 bounties;
        uint16 reserve;
        uint16 operations;
    }

    IERC20 public immutable revenueToken;
    IClassifierListing public immutable registry;
    uint64 public immutable genesis;
    uint64 public immutable epochLength;

    IEpochFunding public distributor;
    address public operations;
    uint16 public reserveFloorBps;
    Allocation private _allocation;

    /// @notice Revenue recorded for epochs not closed yet; the rest of the balance is the reserve.
    uint256 public openRevenue;
    mapping(uint256 epoch => uint256) public epochRevenue;
    mapping(uint256 epoch => mapping(uint256 classifierId => uint256)) public classifierRevenue;
    mapping(uint256 epoch => uint256[]) private _earningClassifiers;
    mapping(uint256 epoch => bool) public epochClosed;

    event RevenuePaid(uint256 indexed epoch, uint256 indexed classifierId, address indexed payer, uint256 amount);
    event EpochClosed(
        uint256 indexed epoch,
        uint256 revenue,
        uint256 memberDividends,
        uint256 classifierDividends,
        uint256 bounties,
        uint256 reserve,
        uint256 operations
    );
    event AllocationChanged(Allocation allocation);
    event ReserveFloorChanged(uint16 reserveFloorBps);
    event DistributorChanged(address distributor);
    event OperationsChanged(address operations);
    event ReserveSpent(address indexed to, uint256 amount);

    error ClassifierNotListed(uint256 classifierId);
    error ZeroAmount();
    error BeforeGenesis();
    error EpochNotEnded(uint256 epoch);
    error EpochAlreadyClosed(uint256 epoch);
    error AllocationSumInvalid(uint256 sum);
    error ReserveBelowFloor(uint16 reserveBps, uint16 floorBps);
    error ZeroAddress();
    error ExceedsReserve(uint256 amount, uint256 reserve);
    error InvalidEpochLength();

    constructor(
        address[] memory admins,
        IERC20 revenueToken_,
        IClassifierListing registry_,
        uint64 genesis_,
        uint64 epochLength_,
        Allocation memory allocation_,
        uint16 reserveFloorBps_,
        address operations_
    ) {
        if (epochLength_ == 0) revert InvalidEpochLength();
        if (address(revenueToken_) == address(0) || address(registry_) == address(0)) revert ZeroAddress();
        for (uint256 i = 0; i < admins.length; ++i) {
            _grantRole(DEFAULT_ADMIN_ROLE, admins[i]);
        }
        revenueToken = revenueToken_;
        registry = registry_;
        genesis = genesis_;
        epochLength = epochLength_;
        _setOperations(operations_);
        reserveFloorBps = reserveFloorBps_;
        _setAllocation(allocation_);
    }

    // ---- revenue -------------------------------------------------------------------------------------------

    /// @notice Pull `amount` of the revenue token from the caller, attributed to a listed classifier.
    function payRevenue(uint256 classifierId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        if (!registry.isListed(classifierId)) revert ClassifierNotListed(classifierId);
        uint256 epoch = epochOf(block.timestamp);
        if (classifierRevenue[epoch][classifierId] == 0) _earningClassifiers[epoch].push(classifierId);
        classifierRevenue[epoch][classifierId] += amount;
        epochRevenue[epoch] += amount;
        openRevenue += amount;
        emit RevenuePaid(epoch, classifierId, msg.sender, amount);
        revenueToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Close an ended epoch: constant work whatever the number of holders or classifiers.
    function closeEpoch(uint256 epoch) external {
        if (block.timestamp < epochEnd(epoch)) revert EpochNotEnded(epoch);
        if (epochClosed[epoch]) revert EpochAlreadyClosed(epoch);
        epochClosed[epoch] = true;
        uint256 revenue = epochRevenue[epoch];
        openRevenue -= revenue;
        (uint256 member, uint256 cls, uint256 bounty, uint256 reserve, uint256 ops) = split(revenue);
        emit EpochClosed(epoch, revenue, member, cls, bounty, reserve, ops);
        IEpochFunding d = distributor;
        if (member + cls + bounty > 0) revenueToken.safeTransfer(address(d), member + cls + bounty);
        d.fundEpoch(epoch, member, cls, bounty);
        if (ops > 0) revenueToken.safeTransfer(operations, ops);
    }

    // ---- timelock ------------------------------------------------------------------------------------------

    function setAllocation(Allocation calldata allocation_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAllocation(allocation_);
    }

    function setReserveFloor(uint16 floorBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_allocation.reserve < floorBps) revert ReserveBelowFloor(_allocation.reserve, floorBps);
        reserveFloorBps = floorBps;
        emit ReserveFloorChanged(floorBps);
    }

    function setDistributor(IEpochFunding distributor_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(distributor_) == address(0)) revert ZeroAddress();
        distributor = distributor_;
        emit DistributorChanged(address(distributor_));
    }

    function setOperations(address operations_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setOperations(operations_);
    }

    /// @notice Spend from the reserve (never from revenue of epochs still open).
    function spendReserve(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert ZeroAddress();
        uint256 reserve = reserveBalance();
        if (amount > reserve) revert ExceedsReserve(amount, reserve);
        emit ReserveSpent(to, amount);
        revenueToken.safeTransfer(to, amount);
    }

    // ---- views ---------------------------------------------------------------------------------------------

    function allocation() external view returns (Allocation memory) {
        return _allocation;
    }

    /// @notice Pool amounts for `revenue` under the current allocation; the reserve takes the rounding dust.
    function split(uint256 revenue)
        public
        view
        returns (uint256 member, uint256 cls, uint256 bounty, uint256 reserve, uint256 ops)
    {
        Allocation memory a = _allocation;
        member = (revenue * a.memberDividends) / BPS;
        cls = (revenue * a.classifierDividends) / BPS;
        bounty = (revenue * a.bounties) / BPS;
        ops = (revenue * a.operations) / BPS;
        reserve = revenue - member - cls - bounty - ops;
    }

    function epochOf(uint256 timestamp) public view returns (uint256) {
        if (timestamp < genesis) revert BeforeGenesis();
        return (timestamp - genesis) / epochLength;
    }

    function currentEpoch() external view returns (uint256) {
        return epochOf(block.timestamp);
    }

    function epochStart(uint256 epoch) public view returns (uint256) {
        return uint256(genesis) + epoch * epochLength;
    }

    function epochEnd(uint256 epoch) public view returns (uint256) {
        return epochStart(epoch) + epochLength;
    }

    function earningClassifiers(uint256 epoch) external view returns (uint256[] memory) {
        return _earningClassifiers[epoch];
    }

    function reserveBalance() public view returns (uint256) {
        return revenueToken.balanceOf(address(this)) - openRevenue;
    }

    // ---- internals -----------------------------------------------------------------------------------------

    function _setAllocation(Allocation memory a) private {
        uint256 sum = uint256(a.memberDividends) + a.classifierDividends + a.bounties + a.reserve + a.operations;
        if (sum != BPS) revert AllocationSumInvalid(sum);
        if (a.reserve < reserveFloorBps) revert ReserveBelowFloor(a.reserve, reserveFloorBps);
        _allocation = a;
        emit AllocationChanged(a);
    }

    function _setOperations(address operations_) private {
        if (operations_ == address(0)) revert ZeroAddress();
        operations = operations_;
        emit OperationsChanged(operations_);
    }
}
