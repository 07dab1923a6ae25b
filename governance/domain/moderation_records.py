"""What the bot keeps about rounds and queued posts between steps (stored values, no rules)."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.domain.moderation import RoundSpec

__all__ = ["ItemBrief", "RoundRecord"]


@dataclass(frozen=True, slots=True)
class RoundRecord:
    """A round as stored: its fixed spec, and what happened to it since it opened."""

    spec: RoundSpec
    opened_at: int
    closed_at: int | None = None
    root: bytes | None = None
    anchor_tx: str | None = None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True, slots=True)
class ItemBrief:
    """What voters see about one post: its text, the classifiers' scores, the reporters' reasons."""

    post_id: str
    author: str
    text: str
    scores: dict[str, float] = field(default_factory=dict)  # classifier name -> score
    reports: tuple[str, ...] = ()
