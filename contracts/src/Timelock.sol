// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

// The DAO's timelock is OpenZeppelin's TimelockController, unmodified; importing it here makes the
// compile script emit its artifact. It owns every privileged function of the suite.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
