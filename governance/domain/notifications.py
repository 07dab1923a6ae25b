"""Notifications waiting in the outbox: what to tell members, delivered at least once, shown once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Notification", "PendingNotification"]


@dataclass(frozen=True)
class Notification:
    """A message to deliver. ``dedupe_key`` makes enqueueing the same fact twice a no-op."""

    kind: str
    dedupe_key: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingNotification:
    id: int
    notification: Notification
    attempts: int
