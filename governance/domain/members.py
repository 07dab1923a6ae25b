"""Members: a Discord account and, once linked, exactly one wallet."""

from __future__ import annotations

from dataclasses import dataclass

from governance.domain.addresses import Address

__all__ = ["Member"]


@dataclass(frozen=True)
class Member:
    discord_id: int
    display_name: str = ""
    wallet: Address | None = None
    linked_at: int | None = None
    notify_reminders: bool = True
    notify_receipts: bool = True

    @property
    def is_linked(self) -> bool:
        return self.wallet is not None
