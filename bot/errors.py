"""The one place that turns exceptions into replies: project errors become their own message,
anything else a short apology with a reference that matches a log line."""

from __future__ import annotations

import logging
import uuid

import discord
from discord import app_commands

from governance.domain.errors import DaobotError

__all__ = ["message_for", "reply_error"]

log = logging.getLogger(__name__)


def message_for(error: BaseException) -> str:
    """What the member reads. Never the exception's text unless it is a project error."""
    original = getattr(error, "original", None) or getattr(error, "__cause__", None)
    if isinstance(error, DaobotError):
        return error.message
    if isinstance(original, DaobotError):
        return original.message
    if isinstance(error, app_commands.CheckFailure):
        return "You are not allowed to use that command."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"`{error.value}` is not a valid value for that option."
    reference = uuid.uuid4().hex[:8]
    log.error("unexpected error (ref %s)", reference, exc_info=error)
    return f"Something went wrong on our side (reference `{reference}`). Nothing was changed."


async def reply_error(interaction: discord.Interaction, error: BaseException) -> None:
    text = message_for(error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply for interaction %s", interaction.id)
