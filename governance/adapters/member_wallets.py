"""``MemberWalletLinks``: the ``WalletLinkStore`` port on the members repository.

Each call is its own unit of work. The members table's unique wallet column keeps "one member per
wallet" even when two links race; the repository turns that into ``WrongState``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from governance.domain.addresses import Address
from governance.domain.members import Member
from governance.ports import UnitOfWork

__all__ = ["MemberWalletLinks"]


class MemberWalletLinks:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    async def wallet_of(self, member_id: int) -> Address | None:
        async with self._uow_factory() as uow:
            member = await uow.members.get(member_id)
        return member.wallet if member else None

    async def member_of(self, wallet: Address) -> int | None:
        async with self._uow_factory() as uow:
            member = await uow.members.by_wallet(wallet)
        return member.discord_id if member else None

    async def link(self, member_id: int, wallet: Address, at: int) -> None:
        async with self._uow_factory() as uow:
            member = await uow.members.get(member_id) or Member(discord_id=member_id)
            await uow.members.save(replace(member, wallet=wallet, linked_at=at))
            await uow.commit()
