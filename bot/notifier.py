"""``DiscordNotifier``: turns outbox notifications into Discord posts, edits and DMs.

Each notification kind has a renderer (registered by the feature that emits it) that says where
the message goes and what it says. The message id is remembered under the notification's key, so
a repeat delivery (after a crash, or a later update of the same fact) edits the message instead of
posting a second one.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.context import BotContext
from governance.domain.notifications import Notification

__all__ = ["DiscordNotifier", "Post", "Renderer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Post:
    """Where and what. Exactly one of ``channel_id`` and ``dm_user_id``; ``edit_key`` groups updates."""

    content: str = ""
    channel_id: int | None = None
    dm_user_id: int | None = None
    embeds: tuple[discord.Embed, ...] = ()
    image: tuple[str, bytes] | None = None
    view: discord.ui.View | None = None
    edit_key: str | None = None
    extra: tuple[Post, ...] = field(default_factory=tuple)


Renderer = Callable[[BotContext, Notification], Awaitable[Post | None]]


class DiscordNotifier:
    def __init__(self, client: discord.Client, ctx: BotContext, renderers: dict[str, Renderer]) -> None:
        self._client = client
        self._ctx = ctx
        self._renderers = renderers

    async def deliver(self, notification: Notification) -> None:
        renderer = self._renderers.get(notification.kind)
        if renderer is None:
            log.debug("no renderer for %s; dropped", notification.kind)
            return
        post = await renderer(self._ctx, notification)
        while post is not None:
            await self._publish(post, post.edit_key or notification.dedupe_key)
            post = post.extra[0] if post.extra else None

    async def _publish(self, post: Post, key: str) -> None:
        async with self._ctx.uow_factory() as uow:
            known = await uow.discord_posts.get(key)
        if known is not None and await self._edit(known, post):
            return
        channel = await self._target(post)
        kwargs = _payload(post)
        if known is None:
            # A crash between this send and the record below re-delivers the notification: Discord (enforce_nonce)
            # answers the repeat with the first message instead of posting it twice.
            kwargs["nonce"] = _nonce(key)
        message = await channel.send(**kwargs)
        async with self._ctx.uow_factory() as uow:
            await uow.discord_posts.put(key, message.channel.id, message.id)
            await uow.commit()

    async def _edit(self, known: tuple[int, int], post: Post) -> bool:
        channel_id, message_id = known
        channel = self._client.get_channel(channel_id) or await self._client.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return False
        try:
            message = await channel.fetch_message(message_id)
        except discord.NotFound:
            return False
        kwargs = _payload(post)
        files = kwargs.pop("files", None)
        await message.edit(attachments=files or [], **kwargs)
        return True

    async def _target(self, post: Post) -> discord.abc.Messageable:
        if post.dm_user_id is not None:
            user = self._client.get_user(post.dm_user_id) or await self._client.fetch_user(post.dm_user_id)
            return user.dm_channel or await user.create_dm()
        assert post.channel_id is not None, "a post needs a channel or a DM recipient"
        channel = self._client.get_channel(post.channel_id) or await self._client.fetch_channel(post.channel_id)
        assert isinstance(channel, discord.abc.Messageable)
        return channel


def _nonce(key: str) -> str:
    """A message nonce for a post key (Discord allows 25 characters)."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


def _payload(post: Post) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"content": post.content or None, "embeds": list(post.embeds)}
    if post.view is not None:
        kwargs["view"] = post.view
    if post.image is not None:
        name, data = post.image
        kwargs["files"] = [discord.File(io.BytesIO(data), filename=name)]
    return kwargs
