"""Who should hold the member role: linked members whose wallet has voting power at the indexed head.

The watcher's voting-power register moves with every delegation and transfer on chain, so the role
follows them; the bot adds and removes the Discord role to match this set.
"""

from __future__ import annotations

from collections.abc import Callable

from governance.ports import ProposalBook, UnitOfWork

__all__ = ["members_with_votes"]


async def members_with_votes(uow_factory: Callable[[], UnitOfWork], book: ProposalBook) -> tuple[set[int], set[int]]:
    """(linked members with voting power, linked members without): the members the bot can judge."""
    async with uow_factory() as uow:
        linked = [m for m in await uow.members.linked() if m.wallet is not None]
    holding: set[int] = set()
    for member in linked:
        assert member.wallet is not None
        if await book.voting_power(member.wallet) > 0:
            holding.add(member.discord_id)
    return holding, {m.discord_id for m in linked} - holding
