"""State changes that Discord would announce on the gateway: each mutates the state, then dispatches."""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.errors import empty_message, invalid_form
from bot.sandbox.gateway import GatewayHub
from bot.sandbox.ids import utcnow
from bot.sandbox.interactions import interaction_payload
from bot.sandbox.message_input import MessageInput, UploadedFile
from bot.sandbox.payloads import member_payload, message_payload
from bot.sandbox.state import Attachment, InteractionRecord, MessageRecord, SandboxState

__all__ = ["SandboxCore"]

_FLAG_MASK_ON_CREATE = (1 << 2) | (1 << 6) | (1 << 12) | (1 << 15)  # suppress embeds, ephemeral, silent, v2


class SandboxCore:
    def __init__(
        self,
        state: SandboxState,
        hub: GatewayHub,
        origin: Callable[[], str],
        *,
        ack_deadline: float | None = 3.0,
        reaction_time: float = 0.05,
    ) -> None:
        self.state = state
        self.hub = hub
        self._origin = origin
        self.ack_deadline = ack_deadline
        self.reaction_time = reaction_time

    @property
    def bot_user_id(self) -> int:
        return self.hub.config.bot_user_id

    @property
    def application_id(self) -> int:
        return self.hub.config.application_id

    async def create_interaction(self, record: InteractionRecord) -> InteractionRecord:
        """Record the interaction (its creation time is now) and dispatch INTERACTION_CREATE."""
        record.created_at = time.monotonic()
        self.state.interactions[record.id] = record
        self.state.touch()
        await self.hub.dispatch("INTERACTION_CREATE", interaction_payload(self.state, record, self.application_id))
        return record

    async def post_message(
        self,
        channel_id: int,
        author_id: int,
        body: MessageInput,
        *,
        interaction: InteractionRecord | None = None,
        extra_flags: int = 0,
    ) -> MessageRecord:
        self.state.channel(channel_id)
        flags = (int(body.get("flags") or 0) & _FLAG_MASK_ON_CREATE) | extra_flags
        message = MessageRecord(self.state.ids.next(), channel_id, author_id, flags=flags)
        _apply_fields(message, body, self._attachments(channel_id, body.files, body.get("attachments")))
        if not (message.content or message.embeds or message.attachments or message.components or message.loading):
            raise empty_message()
        if interaction is not None:
            message.interaction_id = interaction.id
            message.webhook_id = self.application_id
            message.visible_to = interaction.user_id if message.ephemeral else None
        self.state.add_message(message)
        if not message.ephemeral:
            await self.hub.dispatch("MESSAGE_CREATE", message_payload(self.state, message))
        return message

    async def edit_message(self, message: MessageRecord, body: MessageInput) -> MessageRecord:
        message.history.append(message.snapshot())
        kept = message.attachments
        if body.has("attachments"):
            wanted = {str(item.get("id")) for item in body.get("attachments") or []}
            kept = [a for a in message.attachments if str(a.id) in wanted]
        new = self._attachments(message.channel_id, body.files, body.get("attachments"))
        _apply_fields(message, body, kept + new)
        message.flags &= ~(1 << 7)  # an edit ends the "thinking…" state
        message.edited_at = utcnow()
        message.changed_at = time.monotonic()
        self.state.touch()
        if not message.ephemeral:
            await self.hub.dispatch("MESSAGE_UPDATE", message_payload(self.state, message))
        return message

    async def delete_message(self, message: MessageRecord) -> None:
        message.deleted = True
        self.state.touch()
        if not message.ephemeral:
            payload: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            guild_id = self.state.channel(message.channel_id).guild_id
            if guild_id is not None:
                payload["guild_id"] = str(guild_id)
            await self.hub.dispatch("MESSAGE_DELETE", payload)

    async def set_member_role(self, guild_id: int, user_id: int, role_id: int, *, present: bool) -> None:
        member = self.state.member(guild_id, user_id)
        self.state.role(guild_id, role_id)
        if present and role_id not in member.role_ids:
            member.role_ids.append(role_id)
        elif not present and role_id in member.role_ids:
            member.role_ids.remove(role_id)
        else:
            return
        self.state.touch()
        payload = member_payload(self.state, member)
        payload["guild_id"] = str(guild_id)
        await self.hub.dispatch("GUILD_MEMBER_UPDATE", payload)

    def _attachments(self, channel_id: int, files: tuple[UploadedFile, ...], described: Any) -> list[Attachment]:
        by_index = {str(item.get("id")): item for item in described or [] if isinstance(item, dict)}
        result: list[Attachment] = []
        for upload in files:
            meta = by_index.get(str(upload.index), {})
            filename = str(meta.get("filename") or upload.filename)
            attachment_id = self.state.ids.next()
            content_type = upload.content_type
            if content_type == "application/octet-stream":
                content_type = mimetypes.guess_type(filename)[0] or content_type
            url = f"{self._origin()}/attachments/{channel_id}/{attachment_id}/{filename}"
            result.append(Attachment(attachment_id, filename, content_type, upload.data, url))
        return result


def _apply_fields(message: MessageRecord, body: MessageInput, attachments: list[Attachment]) -> None:
    if len(str(body.get("content") or "")) > 2000:
        raise invalid_form("content", "Must be 2000 or fewer in length.")
    if body.has("content"):
        message.content = str(body.get("content") or "")
    if body.has("embeds"):
        message.embeds = _list_of_objects(body.get("embeds"), "embeds")
    elif body.has("embed"):
        message.embeds = _list_of_objects([body.get("embed")] if body.get("embed") else [], "embed")
    if body.has("components"):
        message.components = _list_of_objects(body.get("components"), "components")
    message.attachments = attachments


def _list_of_objects(value: Any, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise invalid_form(field, "Expected a list of objects.")
    return list(value)
