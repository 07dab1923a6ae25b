"""How moderation notifications look in Discord: one message per post in a round (with the
De-rank / Keep buttons until it closes, then the result in place), and admin alerts."""

from __future__ import annotations

from typing import Any

import discord

from bot.context import BotContext
from bot.notifier import Post
from governance.domain.notifications import Notification
from governance.services.moderation import item_key

__all__ = ["render_admin_alert", "render_item", "render_result", "vote_custom_id"]

EXCERPT = 400


def vote_custom_id(round_id: int, position: int, choice: str) -> str:
    """``mod:<round>:<position of the post in the round>:<d|k>``; post ids can exceed Discord's 100 chars."""
    return f"mod:{round_id}:{position}:{choice}"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _header(p: dict[str, Any]) -> str:
    kind = "Appeal round" if p.get("kind") == "appeal" else "Round"
    return f"**{kind} {p['round_id']}** · post `{p['post_id']}`"


def _buttons(round_id: int, position: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="De-rank", style=discord.ButtonStyle.danger, custom_id=vote_custom_id(round_id, position, "d")
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Keep", style=discord.ButtonStyle.secondary, custom_id=vote_custom_id(round_id, position, "k")
        )
    )
    view.stop()  # clicks are handled by the cog's dynamic item, not by this instance
    return view


async def render_item(ctx: BotContext, note: Notification) -> Post | None:
    p = note.payload
    if ctx.settings.moderation_channel_id is None:
        return None
    scores = ", ".join(f"{name} {value:.2f}" for name, value in p["scores"].items()) or "not scored"
    reports = "\n".join(f"• {reason}" for reason in p["reports"]) or "none"
    content = (
        f"{_header(p)} by `{p['author']}` — voting closes <t:{p['closes_at']}:R>\n"
        f"> {_excerpt(p['text'])}\n"
        f"**Classifiers:** {scores}\n**Reports:**\n{reports}\n"
        f"One vote per linked wallet, weighted by voting power at block {p['snapshot_block']}. "
        "Tallies stay hidden until the round closes."
    )
    return Post(
        content=content,
        channel_id=ctx.settings.moderation_channel_id,
        view=_buttons(p["round_id"], p.get("position", 0)),
    )


async def render_result(ctx: BotContext, note: Notification) -> Post | None:
    p = note.payload
    if ctx.settings.moderation_channel_id is None:
        return None
    if p["decision"] == "derank":
        outcome = "**de-ranked**"
    elif p["quorum_met"]:
        outcome = "**kept**"
    else:
        outcome = "**kept** (quorum not reached)"
    lines = [f"{_header(p)} — closed: {outcome} after {p['ballots']} ballot(s)."]
    if p.get("reason"):
        lines.append(f"Reason shown in the feed: {p['reason']}")
    if p.get("flagged"):
        lines.append("⚠ Flagged for brigading: recently delegated wallets decided this result. It can be appealed.")
    lines.append(f"Verify: {ctx.settings.public_base_url}/moderation/rounds/{p['round_id']}.json")
    view = discord.ui.View(timeout=None)
    view.stop()
    return Post(
        content="\n".join(lines),
        channel_id=ctx.settings.moderation_channel_id,
        edit_key=item_key(p["round_id"], p["post_id"]),
        view=view,
    )


async def render_admin_alert(ctx: BotContext, note: Notification) -> Post | None:
    channel = ctx.settings.admin_alerts_channel_id
    if channel is None:
        return None
    return Post(content=f"**Moderation alert**\n{note.payload['text']}", channel_id=channel)
