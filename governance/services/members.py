"""What a member sees about themself (``/me``), and their notification preferences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from governance.domain.addresses import Address
from governance.domain.errors import NotAuthorized
from governance.domain.members import Member
from governance.ports import ClaimableReader, MemberChainReader, UnitOfWork

__all__ = ["MemberOverview", "member_overview", "set_notifications", "unlink_wallet"]


@dataclass(frozen=True)
class MemberOverview:
    wallet: Address
    token_balance: int
    voting_power: int
    delegate: Address | None
    claimable: int | None
    notify_reminders: bool
    notify_receipts: bool

    @property
    def needs_delegation(self) -> bool:
        """ERC20Votes counts nothing until a holder delegates (to themself or someone else)."""
        return self.token_balance > 0 and self.delegate is None


async def _member(uow_factory: Callable[[], UnitOfWork], member_id: int) -> Member:
    async with uow_factory() as uow:
        member = await uow.members.get(member_id)
    if member is None or member.wallet is None:
        raise NotAuthorized("You have not linked a wallet yet. Use /link first.")
    return member


async def member_overview(
    uow_factory: Callable[[], UnitOfWork],
    chain: MemberChainReader,
    member_id: int,
    claims: ClaimableReader | None = None,
) -> MemberOverview:
    member = await _member(uow_factory, member_id)
    wallet = member.wallet
    assert wallet is not None
    return MemberOverview(
        wallet=wallet,
        token_balance=await chain.token_balance(wallet),
        voting_power=await chain.voting_power(wallet),
        delegate=await chain.delegate_of(wallet),
        claimable=await claims.claimable(wallet) if claims else None,
        notify_reminders=member.notify_reminders,
        notify_receipts=member.notify_receipts,
    )


async def unlink_wallet(uow_factory: Callable[[], UnitOfWork], member_id: int) -> Address:
    member = await _member(uow_factory, member_id)
    async with uow_factory() as uow:
        await uow.members.save(replace(member, wallet=None, linked_at=None))
        await uow.commit()
    assert member.wallet is not None
    return member.wallet


async def set_notifications(
    uow_factory: Callable[[], UnitOfWork], member_id: int, *, reminders: bool | None, receipts: bool | None
) -> Member:
    """Opt in or out of reminder DMs and payout receipt DMs (unlinked members may set them too)."""
    async with uow_factory() as uow:
        member = await uow.members.get(member_id) or Member(discord_id=member_id)
        updated = replace(
            member,
            notify_reminders=member.notify_reminders if reminders is None else reminders,
            notify_receipts=member.notify_receipts if receipts is None else receipts,
        )
        await uow.members.save(updated)
        await uow.commit()
    return updated
