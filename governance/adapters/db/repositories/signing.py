"""SQL implementations of the signing-request and wallet-link ports (each call its own transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from governance.adapters.db.tables.signing import signing_requests
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import Address
from governance.domain.errors import WrongState
from governance.domain.members import Member
from governance.domain.signing import SigningKind, SigningRequest

__all__ = ["SqlSigningRequestStore", "SqlWalletLinkStore"]

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def _request(row: Any) -> SigningRequest:
    return SigningRequest(
        token=row.token, member_id=row.member_id, kind=SigningKind(row.kind), payload=row.payload,
        nonce=row.nonce, created=row.created, expires=row.expires, used_at=row.used_at,
    )


class SqlSigningRequestStore:
    def __init__(self, uow_factory: UowFactory) -> None:
        self._uow_factory = uow_factory

    async def add(self, request: SigningRequest) -> None:
        values = {
            "token": request.token, "member_id": request.member_id, "kind": request.kind.value,
            "payload": request.payload, "nonce": request.nonce, "created": request.created,
            "expires": request.expires, "used_at": request.used_at,
        }
        async with self._uow_factory() as uow:
            try:
                await uow.session.execute(insert(signing_requests).values(**values))
            except SqlIntegrityError as exc:
                raise WrongState("That signing token already exists.") from exc
            await uow.commit()

    async def get(self, token: str) -> SigningRequest | None:
        async with self._uow_factory() as uow:
            row = (await uow.session.execute(select(signing_requests).where(signing_requests.c.token == token))).first()
        return _request(row) if row else None

    async def mark_used(self, token: str, at: int) -> bool:
        async with self._uow_factory() as uow:
            result = await uow.session.execute(
                update(signing_requests)
                .where(signing_requests.c.token == token, signing_requests.c.used_at.is_(None))
                .values(used_at=at)
            )
            await uow.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count_since(self, member_id: int, since: int) -> int:
        query = select(func.count()).where(
            signing_requests.c.member_id == member_id, signing_requests.c.created >= since
        )
        async with self._uow_factory() as uow:
            return int((await uow.session.execute(query)).scalar_one())


class SqlWalletLinkStore:
    """Links live on the members table (its wallet column is unique)."""

    def __init__(self, uow_factory: UowFactory) -> None:
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
            holder = await uow.members.by_wallet(wallet)
            if holder is not None and holder.discord_id != member_id:
                raise WrongState("That wallet is already linked to another member.")
            member = await uow.members.get(member_id) or Member(discord_id=member_id)
            await uow.members.save(replace(member, wallet=wallet, linked_at=at))
            await uow.commit()

    async def unlink(self, member_id: int) -> Address | None:
        async with self._uow_factory() as uow:
            member = await uow.members.get(member_id)
            if member is None or member.wallet is None:
                return None
            await uow.members.save(replace(member, wallet=None, linked_at=None))
            await uow.commit()
        return member.wallet
