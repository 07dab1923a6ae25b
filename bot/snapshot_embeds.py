"""How Snapshot proposals look in Discord: choices by name, state, time left, scores, votes."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import discord

from governance.domain.snapshot import Proposal
from governance.services.snapshot_bridge import format_decimal

__all__ = ["proposal_embed", "score_lines", "short_id", "snapshot_url", "time_left"]

PUBLIC_HUBS = {"hub.snapshot.org": "https://snapshot.org", "testnet.hub.snapshot.org": "https://testnet.snapshot.box"}
_COLOURS = {"active": 0x2F9E44, "pending": 0xF59F00, "closed": 0x868E96}
_MAX_LINES = 20


def short_id(proposal_id: str) -> str:
    """Enough of an id to name a proposal in ``/snapshot vote`` (any unique start works)."""
    return proposal_id[:10]


def snapshot_url(hub_url: str, proposal: Proposal) -> str | None:
    """The proposal's page on snapshot.org when the bot reads Snapshot's own hub."""
    site = PUBLIC_HUBS.get(urlsplit(hub_url).hostname or "")
    return f"{site}/#/{proposal.space}/proposal/{proposal.id}" if site else None


def time_left(seconds: int) -> str:
    """``2 d 4 h``, ``3 h 12 min``, ``5 min``, or ``under a minute``."""
    if seconds < 60:
        return "under a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def _percent(score: Decimal, total: Decimal) -> str:
    if total <= 0:
        return "0%"
    return f"{(score * 100 / total).quantize(Decimal('0.1'))}%"


def score_lines(proposal: Proposal) -> list[str]:
    """One line per choice: number, name, score and share, as the hub reports them."""
    lines = []
    for position, name in enumerate(proposal.choices[:_MAX_LINES], start=1):
        score = proposal.scores[position - 1] if position <= len(proposal.scores) else Decimal(0)
        lines.append(f"**{position}. {name}**: {format_decimal(score)} ({_percent(score, proposal.scores_total)})")
    if len(proposal.choices) > _MAX_LINES:
        lines.append(f"… and {len(proposal.choices) - _MAX_LINES} more choices")
    return lines


def _leaders(proposal: Proposal) -> str:
    if not proposal.scores or proposal.scores_total <= 0:
        return "no votes counted"
    best = max(proposal.scores)
    names = [proposal.choices[i] for i, s in enumerate(proposal.scores) if s == best and i < len(proposal.choices)]
    return " and ".join(f"“{n}”" for n in names) + (" tie" if len(names) > 1 else " wins")


def _state_line(proposal: Proposal, now: int | None) -> str:
    if proposal.state == "active":
        left = f" ({time_left(proposal.end - now)} left)" if now is not None and proposal.end > now else ""
        return f"**Open**: voting ends <t:{proposal.end}:R>{left}"
    if proposal.state == "pending":
        starts = f" (in {time_left(proposal.start - now)})" if now is not None and proposal.start > now else ""
        return f"**Pending**: voting starts <t:{proposal.start}:R>{starts}"
    return f"**Closed** <t:{proposal.end}:R>: {_leaders(proposal)}"


def proposal_embed(proposal: Proposal, *, now: int | None = None, hub_url: str = "") -> discord.Embed:
    """The embed of one proposal; ``now`` adds the time left in words (announcements rely on
    Discord's live relative timestamps instead, so an old message never shows a stale count)."""
    votes = f"{proposal.votes:,} vote" + ("" if proposal.votes == 1 else "s")
    description = "\n".join([
        _state_line(proposal, now),
        f"{proposal.type} · {votes} · total {format_decimal(proposal.scores_total)} · id `{short_id(proposal.id)}`",
        "",
        *score_lines(proposal),
    ])
    embed = discord.Embed(
        title=proposal.title[:256], description=description[:4096], colour=_COLOURS.get(proposal.state, 0x868E96),
        url=snapshot_url(hub_url, proposal),
    )
    if proposal.state != "closed":
        embed.set_footer(text=f"Vote: /snapshot vote proposal:{short_id(proposal.id)} choice:<name or number>")
    return embed
