"""From round results to feed ranking penalties, and the one appeal each item gets.

An item's history is the list of its closed round results (at most one FIRST and one APPEAL).
Its final decision is the appeal's when there was an appeal, otherwise the first round's.
A final DERANK becomes a ``RankingPenalty``: the feed multiplies the item's ranking score by
``multiplier_bps / 10,000``. Nothing is deleted; a KEEP (or an overturned de-rank) has no penalty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from governance.domain.errors import InvalidInput, WrongState
from governance.domain.moderation import Decision, ItemResult, RoundKind

__all__ = [
    "APPEAL_WINDOW",
    "DERANK_MULTIPLIER_BPS",
    "RankingPenalty",
    "check_appeal",
    "final_result",
    "penalties",
    "penalty_for",
]

DERANK_MULTIPLIER_BPS = 1_000  # a de-ranked item keeps 10% of its ranking score
APPEAL_WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class RankingPenalty:
    """A public ranking penalty: what the feed applies, and the reason shown next to the item."""

    item_id: str
    multiplier_bps: int
    round_id: int
    decided_at: datetime
    reason: str


def _by_kind(item_id: str, history: Sequence[ItemResult], kind: RoundKind) -> ItemResult | None:
    found = [r for r in history if r.kind is kind]
    if any(r.item_id != item_id for r in history) or len(found) > 1:
        raise InvalidInput(f"The history of item {item_id!r} is inconsistent.")
    return found[0] if found else None


def check_appeal(item_id: str, history: Sequence[ItemResult], *, pending: bool, now: datetime) -> None:
    """Refuse an appeal unless the item's first round closed within ``APPEAL_WINDOW`` and no
    appeal has been opened for it yet (``pending``: the item is in an open round right now)."""
    if pending:
        raise WrongState(f"Item {item_id!r} is being voted on right now; wait for that round to close.")
    first = _by_kind(item_id, history, RoundKind.FIRST)
    if first is None:
        raise WrongState(f"Item {item_id!r} has no closed moderation round to appeal.")
    if _by_kind(item_id, history, RoundKind.APPEAL) is not None:
        raise WrongState(f"Item {item_id!r} was already appealed; each item gets one appeal.")
    if now > first.closed_at + APPEAL_WINDOW:
        raise WrongState(f"The appeal window for item {item_id!r} ({APPEAL_WINDOW.days} days) has passed.")


def final_result(item_id: str, history: Sequence[ItemResult]) -> ItemResult | None:
    appeal = _by_kind(item_id, history, RoundKind.APPEAL)
    return appeal if appeal is not None else _by_kind(item_id, history, RoundKind.FIRST)


def _percent(part: int, whole: int) -> str:
    tenths = (part * 1000 + whole // 2) // whole if whole else 0
    return f"{tenths // 10}.{tenths % 10}%"


def _reason(result: ItemResult, first: ItemResult | None) -> str:
    tally = result.tally
    counted = tally.derank_weight + tally.keep_weight
    where = ("appeal round " if result.kind is RoundKind.APPEAL else "round ") + str(result.round_id)
    share = _percent(tally.derank_weight, counted)
    turnout = _percent(tally.cast_weight, tally.total_power)
    text = (
        f"De-ranked by member vote ({where}): {share} of the counted weight chose de-rank; "
        f"{turnout} of all voting power took part."
    )
    if first is not None and result.kind is RoundKind.APPEAL:
        upheld = first.decision is Decision.DERANK
        text += f" Round {first.round_id}'s decision was {'upheld' if upheld else 'overturned'} on appeal."
    if result.brigading is not None:
        text += " Flagged: recently delegated wallets decided this result."
    return text


def penalty_for(item_id: str, history: Sequence[ItemResult]) -> RankingPenalty | None:
    """The item's penalty from its final decision, or None when the item stays ranked as usual."""
    result = final_result(item_id, history)
    if result is None or result.decision is not Decision.DERANK:
        return None
    first = _by_kind(item_id, history, RoundKind.FIRST)
    reason = _reason(result, first)
    return RankingPenalty(item_id, DERANK_MULTIPLIER_BPS, result.round_id, result.closed_at, reason)


def penalties(histories: Mapping[str, Sequence[ItemResult]]) -> list[RankingPenalty]:
    """All current penalties, sorted by item id (the export order)."""
    found = (penalty_for(item_id, histories[item_id]) for item_id in sorted(histories))
    return [penalty for penalty in found if penalty is not None]
