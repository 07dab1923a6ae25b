"""``LiveTreasury``: the ``TreasuryReader`` port on the deployed Treasury's views.

Revenue history comes from ``epochRevenue(epoch)`` for ended epochs only (the current epoch is still
filling up); the treasury balance the advisor sees is ``reserveBalance()``, the funds that stay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from governance.adapters.chain.live import LiveChain
from governance.domain.addresses import parse_address
from governance.domain.allocation import TreasuryFigures
from governance.domain.proposals import ProposalAction
from governance.domain.treasury import TreasuryHoldings

__all__ = ["LiveTreasury"]

_BALANCE_OF = [{"type": "function", "name": "balanceOf", "stateMutability": "view",
                "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "uint256"}]}]


class LiveTreasury:
    def __init__(self, chain: LiveChain) -> None:
        self._chain = chain
        self._address = parse_address(chain.deployment.address_of("Treasury"))

    async def figures(self, history_epochs: int, op_cost_per_epoch: int) -> TreasuryFigures:
        views = self._chain.contract("Treasury").functions
        current, length, reserve, split, floor = await asyncio.gather(
            views.currentEpoch().call(), views.epochLength().call(), views.reserveBalance().call(),
            views.allocation().call(), views.reserveFloorBps().call(),
        )
        ended = range(max(0, int(current) - history_epochs), int(current))
        history = await asyncio.gather(*(views.epochRevenue(epoch).call() for epoch in ended))
        return TreasuryFigures(
            reserve_balance=int(reserve),
            revenue_history=tuple(int(r) for r in history),
            current_split=tuple(int(b) for b in split),
            reserve_floor_bps=int(floor),
            epoch_seconds=int(length),
            current_epoch=int(current),
            op_cost_per_epoch=op_cost_per_epoch,
        )

    def allocation_action(self, split: Sequence[int]) -> ProposalAction:
        data = self._chain.calldata("Treasury", "setAllocation", (tuple(split),))
        return ProposalAction(self._address, 0, data)

    async def holdings(self) -> TreasuryHoldings:
        """The Treasury's revenue-token balance, what open epochs are owed, and the current epoch's revenue."""
        treasury = self._chain.contract("Treasury").functions
        token_address, open_revenue, current = await asyncio.gather(
            treasury.revenueToken().call(), treasury.openRevenue().call(), treasury.currentEpoch().call(),
        )
        token = self._chain.w3.eth.contract(address=token_address, abi=_BALANCE_OF)
        balance, revenue = await asyncio.gather(
            token.functions.balanceOf(self._address).call(), treasury.epochRevenue(current).call(),
        )
        return TreasuryHoldings(int(balance), int(open_revenue), int(revenue))
