// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @notice Test helper: emits arbitrary logs from calldata, many per transaction.
///         Calldata is a sequence of records: uint256 topicCount, uint256 dataLength, topics, data (padded).
contract LogEmitter {
    fallback() external {
        assembly {
            let p := 0
            let end := calldatasize()
            for {} lt(p, end) {} {
                let n := calldataload(p)
                let len := calldataload(add(p, 32))
                let t := add(p, 64)
                let d := add(t, mul(n, 32))
                calldatacopy(0, d, len)
                switch n
                case 0 { log0(0, len) }
                case 1 { log1(0, len, calldataload(t)) }
                case 2 { log2(0, len, calldataload(t), calldataload(add(t, 32))) }
                case 3 { log3(0, len, calldataload(t), calldataload(add(t, 32)), calldataload(add(t, 64))) }
                default {
                    log4(0, len, calldataload(t), calldataload(add(t, 32)), calldataload(add(t, 64)), calldataload(add(t, 96)))
                }
                p := add(d, mul(div(add(len, 31), 32), 32))
            }
        }
    }
}
