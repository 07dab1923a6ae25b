"""What the cogs, views, jobs and web pages share: the services wired once by the runtime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.config import Settings
from governance.ports import Clock

__all__ = ["BotContext"]


@dataclass
class BotContext:
    """Built by ``bot.runtime``; features add what they need to ``services`` under their own name."""

    settings: Settings
    clock: Clock
    uow_factory: Callable[[], SqlAlchemyUnitOfWork]
    services: dict[str, Any] = field(default_factory=dict)

    def service(self, name: str) -> Any:
        try:
            return self.services[name]
        except KeyError:
            raise RuntimeError(f"service {name!r} is not wired in this runtime") from None
