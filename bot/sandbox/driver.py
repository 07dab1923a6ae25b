"""Scripted members: run slash commands, click components, submit modals, read DMs, await replies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from bot.sandbox.core import SandboxCore
from bot.sandbox.errors import SandboxError
from bot.sandbox.ids import new_token
from bot.sandbox.interactions import find_command, find_component, modal_submit_data, slash_data
from bot.sandbox.message_input import MessageInput
from bot.sandbox.state import ChannelKind, InteractionRecord, MessageRecord, UserRecord

__all__ = ["InteractionResult", "Member", "MessageFilter"]

T = TypeVar("T")
MessageFilter = Callable[[MessageRecord], bool]
APPLICATION_COMMAND, COMPONENT, MODAL_SUBMIT = 2, 3, 5


class InteractionResult:
    """One interaction a member started; await what the bot answers."""

    def __init__(self, core: SandboxCore, record: InteractionRecord) -> None:
        self._core = core
        self.record = record

    @property
    def acknowledged(self) -> bool:
        return self.record.acknowledged_at is not None

    @property
    def ack_latency(self) -> float | None:
        return self.record.ack_latency

    async def acknowledgement(self, timeout: float = 5.0) -> int:
        """Wait for the callback; return its type (4 message, 5 deferred, 6, 7, 9 modal...)."""
        record = self.record
        await self._wait(lambda: record.response_type, timeout, "no acknowledgement")
        assert record.response_type is not None
        return record.response_type

    async def response(self, timeout: float = 5.0) -> MessageRecord:
        """The reply message, once it is final (a deferred reply waits for its edit or first followup)."""
        record = self.record
        messages = self._core.state.messages

        def ready() -> MessageRecord | None:
            message = messages.get(record.original_message_id or 0)
            return message if message is not None and not message.loading else None

        return await self._wait(ready, timeout, "no response")

    async def followup(self, index: int = 0, timeout: float = 5.0) -> MessageRecord:
        """The ``index``-th followup message (0 = the first)."""
        record = self.record
        messages = self._core.state.messages
        found = await self._wait(lambda: len(record.followup_ids) > index, timeout, f"no followup #{index}")
        assert found
        return messages[record.followup_ids[index]]

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        """The modal the bot opened in answer (callback type 9)."""
        record = self.record
        return await self._wait(lambda: record.modal, timeout, "no modal")

    async def _wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        try:
            return await self._core.state.wait_for(predicate, timeout)
        except TimeoutError:
            raise TimeoutError(f"{what} to interaction {self.record.id} within {timeout}s") from None


class Member:
    """A guild member the test or demo acts as."""

    def __init__(self, core: SandboxCore, user: UserRecord, guild_id: int, default_channel_id: int) -> None:
        self._core = core
        self.user = user
        self.guild_id = guild_id
        self._default_channel_id = default_channel_id

    def __repr__(self) -> str:
        return f"<Member {self.name} id={self.id}>"

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role_names(self) -> list[str]:
        guild = self._core.state.guild(self.guild_id)
        return [guild.roles[r].name for r in guild.members[self.id].role_ids]

    async def slash(
        self,
        command: str | Sequence[str],
        options: Mapping[str, Any] | None = None,
        /,
        *,
        in_channel: str | int | None = None,
        in_dm: bool = False,
        **named: Any,
    ) -> InteractionResult:
        """Run ``/command`` with options given as keywords (or as a mapping, for any name).

        Subcommands: ``"classifier delist"`` or ``("classifier", "delist")``. The command runs in
        the first guild channel unless ``in_channel`` names another, or in the DM with the bot.
        """
        path = command.split() if isinstance(command, str) else list(command)
        guild_id = None if in_dm else self.guild_id
        found = find_command(self._core.state, path[0], guild_id)
        data = slash_data(self._core.state, found, path[1:], {**(options or {}), **named})
        return await self._interact(APPLICATION_COMMAND, data, self._channel_id(in_channel, in_dm), None)

    async def click(self, message: MessageRecord, custom_id: str) -> InteractionResult:
        """Press the button ``custom_id`` on ``message``."""
        component = await self._component(message, custom_id)
        if component.get("type") != 2:
            raise SandboxError(f"{custom_id!r} is not a button")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(COMPONENT, data, message.channel_id, message)

    async def select(self, message: MessageRecord, custom_id: str, values: Sequence[str]) -> InteractionResult:
        """Choose ``values`` in the select menu ``custom_id`` on ``message``."""
        component = await self._component(message, custom_id)
        if component.get("type") not in (3, 5, 6, 7, 8):
            raise SandboxError(f"{custom_id!r} is not a select menu")
        allowed = {str(o["value"]) for o in component.get("options") or []}
        if allowed and not set(values) <= allowed:
            raise SandboxError(f"{sorted(set(values) - allowed)} are not options of {custom_id!r}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": list(values)}
        return await self._interact(COMPONENT, data, message.channel_id, message)

    async def submit_modal(
        self, shown: InteractionResult, values: Mapping[str, str | Sequence[str]] | None = None, **fields: str
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened in answer to ``shown``."""
        modal = await shown.modal()
        data = modal_submit_data(modal, {**(values or {}), **fields})
        source = shown.record.source_message_id
        message = self._core.state.messages.get(source) if source is not None else None
        return await self._interact(MODAL_SUBMIT, data, shown.record.channel_id, message)

    async def send(self, content: str, *, channel: str | int | None = None, dm: bool = False) -> MessageRecord:
        """Post a plain message as this member (dispatched as MESSAGE_CREATE)."""
        channel_id = self._channel_id(channel, dm)
        return await self._core.post_message(channel_id, self.id, MessageInput({"content": content}))

    def dms(self) -> list[MessageRecord]:
        """Every live message in this member's DM channel with the bot, oldest first."""
        channel, _ = self._core.state.dm_channel(self.id)
        return [m for m in channel.messages if not m.deleted]

    async def wait_for_dm(self, predicate: MessageFilter | None = None, timeout: float = 5.0) -> MessageRecord:
        check = predicate or (lambda _: True)
        return await self._core.state.wait_for(lambda: next((m for m in self.dms() if check(m)), None), timeout)

    async def add_role(self, name: str) -> None:
        await self._core.set_member_role(self.guild_id, self.id, self._role_id(name), present=True)

    async def remove_role(self, name: str) -> None:
        await self._core.set_member_role(self.guild_id, self.id, self._role_id(name), present=False)

    def _role_id(self, name: str) -> int:
        guild = self._core.state.guild(self.guild_id)
        for role in guild.roles.values():
            if role.name == name:
                return role.id
        raise SandboxError(f"no role {name!r}")

    def _channel_id(self, channel: str | int | None, dm: bool) -> int:
        state = self._core.state
        if dm:
            return state.dm_channel(self.id)[0].id
        if channel is None:
            return self._default_channel_id
        for record in state.channels.values():
            if channel in (record.id, record.name) and record.kind is ChannelKind.TEXT:
                return record.id
        raise SandboxError(f"no channel {channel!r}")

    async def _component(self, message: MessageRecord, custom_id: str) -> dict[str, Any]:
        current = self._core.state.messages.get(message.id)
        if current is None or current.deleted:
            raise SandboxError("the message is gone")
        if current.visible_to not in (None, self.id):
            raise SandboxError(f"{self.name} cannot see that ephemeral message")
        component = find_component(current.components, custom_id)
        await asyncio.sleep(max(0.0, current.changed_at + self._core.reaction_time - time.monotonic()))
        return component

    async def _interact(
        self, kind: int, data: dict[str, Any], channel_id: int, message: MessageRecord | None
    ) -> InteractionResult:
        core = self._core
        in_guild = core.state.channel(channel_id).guild_id is not None
        record = InteractionRecord(
            id=core.state.ids.next(),
            token=new_token("interaction"),
            type=kind,
            user_id=self.id,
            channel_id=channel_id,
            guild_id=self.guild_id if in_guild else None,
            data=data,
            source_message_id=None if message is None else message.id,
        )
        await core.create_interaction(record)
        return InteractionResult(core, record)
