"""The checks a plan passes before anything is signed: chain id, simulation, gas, fees, balance.

Each failure raises ``TransactionRefused`` (a ``ChainError``) with a member-readable reason, and
nothing has been journaled or sent at that point. An unreachable node raises ``ChainError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_typing import ChecksumAddress, HexAddress, HexStr
from eth_utils.crypto import keccak
from web3 import AsyncWeb3
from web3.exceptions import ContractCustomError, ContractLogicError, Web3Exception, Web3RPCError

from governance.domain.addresses import Address
from governance.domain.errors import ChainError, TransactionRefused
from governance.domain.transactions import TxPlan

__all__ = [
    "Fees",
    "call_params",
    "check_balance",
    "check_chain_id",
    "estimate_gas",
    "is_harmless_refusal",
    "quote_fees",
    "simulate",
]

_GAS_HEADROOM_PCT = 20


@dataclass(frozen=True)
class Fees:
    """EIP-1559 fees in wei."""

    max_fee_per_gas: int
    max_priority_fee_per_gas: int


def call_params(plan: TxPlan, sender: Address) -> dict[str, Any]:
    return {"from": sender, "to": plan.to, "data": plan.data, "value": plan.value}


#: Custom errors of OpenZeppelin v5 that daobot's keys can run into, named for the refusal message.
_KNOWN_ERRORS = (
    "OwnableUnauthorizedAccount(address)",
    "AccessControlUnauthorizedAccount(address,bytes32)",
    "ERC20InsufficientBalance(address,uint256,uint256)",
    "ERC20InsufficientAllowance(address,uint256,uint256)",
    "GovernorUnexpectedProposalState(uint256,uint8,bytes32)",
    "GovernorAlreadyCastVote(address)",
    "GovernorInvalidSignature(address)",
    "GovernorInsufficientProposerVotes(address,uint256,uint256)",
    "InvalidAccountNonce(address,uint256)",
    "VotesExpiredSignature(uint256)",
    "EnforcedPause()",
)
_SELECTORS = {"0x" + keccak(text=sig)[:4].hex(): sig.split("(")[0] for sig in _KNOWN_ERRORS}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ContractCustomError) and isinstance(exc.data, str):
        selector = exc.data[:10].lower()
        return f"the contract refused it: {_SELECTORS.get(selector, 'custom error ' + selector)}"
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(message)[:300]


async def check_chain_id(w3: AsyncWeb3[Any], expected: int) -> None:
    try:
        actual = await w3.eth.chain_id
    except (Web3Exception, OSError) as exc:
        raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc
    if actual != expected:
        raise TransactionRefused(
            f"The node is on chain {actual}, but daobot is configured for chain {expected}; nothing was sent."
        )


async def simulate(w3: AsyncWeb3[Any], plan: TxPlan, sender: Address) -> None:
    """``eth_call`` the plan at the pending block; a revert refuses it with the chain's reason."""
    try:
        await w3.eth.call(call_params(plan, sender), "pending")  # type: ignore[arg-type]
    except (ContractLogicError, Web3RPCError) as exc:
        raise TransactionRefused(
            f"The transaction for {plan.purpose} would fail ({_reason(exc)}), so it was not sent."
        ) from exc
    except (Web3Exception, OSError) as exc:
        raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc


async def estimate_gas(w3: AsyncWeb3[Any], plan: TxPlan, sender: Address) -> int:
    """The plan's own gas limit, or the node's estimate plus headroom. Failure to estimate refuses."""
    if plan.gas_limit is not None:
        return plan.gas_limit
    try:
        estimate = await w3.eth.estimate_gas(call_params(plan, sender), "pending")  # type: ignore[arg-type]
    except (ContractLogicError, Web3RPCError) as exc:
        raise TransactionRefused(
            f"The gas for {plan.purpose} could not be estimated ({_reason(exc)}), so it was not sent."
        ) from exc
    except (Web3Exception, OSError) as exc:
        raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc
    if estimate <= 21_000:
        return int(estimate)
    return int(estimate) * (100 + _GAS_HEADROOM_PCT) // 100


async def quote_fees(w3: AsyncWeb3[Any], max_fee_wei: int) -> Fees:
    """Twice the latest base fee plus the node's suggested tip, capped at ``max_fee_wei``.

    Refuses when even the base fee plus tip is above the cap: the bot does not pay more than allowed.
    """
    try:
        block = await w3.eth.get_block("latest")
        tip = int(await w3.eth.max_priority_fee)
    except (Web3Exception, OSError) as exc:
        raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc
    base = int(block.get("baseFeePerGas", 0) or 0)
    if base + tip > max_fee_wei:
        raise TransactionRefused(
            f"Gas costs {base + tip} wei per unit right now, above the configured cap of {max_fee_wei}; "
            "nothing was sent."
        )
    return Fees(max_fee_per_gas=min(2 * base + tip, max_fee_wei), max_priority_fee_per_gas=tip)


async def check_balance(w3: AsyncWeb3[Any], plan: TxPlan, sender: Address, gas: int, fees: Fees) -> None:
    needed = gas * fees.max_fee_per_gas + plan.value
    try:
        balance = int(await w3.eth.get_balance(ChecksumAddress(HexAddress(HexStr(sender))), "pending"))
    except (Web3Exception, OSError) as exc:
        raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc
    if balance < needed:
        raise TransactionRefused(
            f"The {plan.role} account {sender} holds {balance} wei but {plan.purpose} may cost up to "
            f"{needed} wei; top it up. Nothing was sent."
        )


def is_harmless_refusal(exc: Web3RPCError) -> bool:
    """Refusals meaning the node already has this transaction, or already mined its nonce."""
    text = str(exc.message).lower()
    return any(s in text for s in ("already known", "already imported", "nonce too low", "known transaction"))
