"""A typed console to act as sandbox members: ``/as alice /vote 3 for`` and the bot's replies.

Positional arguments fill the command's options in the order the bot declared them;
``name=value`` sets one by name; leading words that name subcommands select them
(``/as carol /classifier delist 7``).
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
from collections.abc import Awaitable, Callable
from typing import Any

from bot.sandbox.driver import InteractionResult, Member
from bot.sandbox.errors import SandboxError
from bot.sandbox.interactions import GROUP, STRING, SUBCOMMAND, find_command, walk_components
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import CommandRecord, MessageRecord

__all__ = ["HELP", "SandboxConsole", "render_message", "run_console", "split_arguments"]

HELP = """\
/as NAME /COMMAND [SUB...] [VALUE...] [name=value...]   run a slash command as member NAME
/click NAME MESSAGE_ID CUSTOM_ID                       press a button
/select NAME MESSAGE_ID CUSTOM_ID VALUE...             choose in a select menu
/modal NAME field=value...                             submit the last modal shown to NAME
/say NAME CHANNEL TEXT...                              post a plain message
/role NAME +ROLE|-ROLE                                 add or remove a role
/messages CHANNEL | /dms NAME | /commands | /members   look around
/drop                                                  force a (resumable) gateway disconnect
/help | /quit"""


def split_arguments(command: CommandRecord, tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    """Subcommand path and options of ``command`` from console words."""
    path: list[str] = []
    schema: list[dict[str, Any]] = command.payload.get("options") or []
    while tokens and any(o["name"] == tokens[0] and o["type"] in (SUBCOMMAND, GROUP) for o in schema):
        chosen = next(o for o in schema if o["name"] == tokens[0])
        path.append(tokens.pop(0))
        schema = chosen.get("options") or []
    named = dict(token.split("=", 1) for token in tokens if "=" in token)
    positional = [token for token in tokens if "=" not in token]
    free = [o for o in schema if o["name"] not in named]
    if len(positional) > len(free) and free and free[-1]["type"] == STRING:
        # the last free text option takes the rest of the line, as a person would type it
        positional[len(free) - 1 :] = [" ".join(positional[len(free) - 1 :])]
    if len(positional) > len(free):
        raise SandboxError(f"too many values; options left: {', '.join(o['name'] for o in free) or 'none'}")
    return path, {**dict(zip((o["name"] for o in free), positional, strict=False)), **named}


def render_message(message: MessageRecord, where: str, author: str) -> str:
    parts = [f"[{where}] {author} (message {message.id})"]
    if message.loading:
        parts.append("is thinking…")
    if message.content:
        parts.append(message.content)
    for embed in message.embeds:
        parts.append(f"[embed] {embed.get('title', '')} {embed.get('description', '')}".rstrip())
    for component in walk_components(message.components):
        if "custom_id" in component:
            parts.append(f"[{component.get('label') or component.get('placeholder') or ''} → {component['custom_id']}]")
    parts.extend(f"[file] {a.filename} ({a.size} bytes)" for a in message.attachments)
    if message.history:
        parts.append(f"(edited {len(message.history)}x)")
    return " ".join(parts)


class SandboxConsole:
    """Runs console lines against a started sandbox; writes every new or edited message."""

    def __init__(self, sandbox: SandboxServer, write: Callable[[str], None]) -> None:
        self.sandbox = sandbox
        self.write = write
        self._printed: dict[int, int] = {}
        self._modals: dict[str, InteractionResult] = {}

    def flush(self) -> None:
        """Write messages that are new or changed since the last flush."""
        state = self.sandbox.state
        for message in sorted(state.messages.values(), key=lambda m: m.id):
            version = -1 if message.deleted else len(message.history) * 2 + int(message.loading)
            if self._printed.get(message.id) == version:
                continue
            self._printed[message.id] = version
            channel = state.channels[message.channel_id]
            where = f"#{channel.name}" if channel.guild_id else f"DM {channel.name}"
            if message.visible_to is not None:
                where += f", only {state.users[message.visible_to].name} sees it"
            text = "deleted" if message.deleted else render_message(message, where, state.users[message.author_id].name)
            self.write(text if not message.deleted else f"[{where}] message {message.id} deleted")

    async def handle(self, line: str) -> bool:
        """Run one line; False when the console should stop."""
        words = shlex.split(line)
        if not words:
            return True
        verb, args = words[0], words[1:]
        if verb in ("/quit", "/exit"):
            return False
        try:
            await self._dispatch(verb, args)
        except (SandboxError, KeyError, ValueError, TimeoutError) as error:
            self.write(f"! {error}")
        return True

    async def _dispatch(self, verb: str, args: list[str]) -> None:
        handlers = {
            "/as": self._slash,
            "/click": self._click,
            "/select": self._select,
            "/modal": self._modal,
            "/say": self._say,
            "/role": self._role,
        }
        if verb in handlers:
            await handlers[verb](args)
        elif verb == "/drop":
            self.write(f"closed {await self.sandbox.disconnect_gateway()} websocket(s)")
        else:
            self._look(verb, args)

    def _look(self, verb: str, args: list[str]) -> None:
        state = self.sandbox.state
        if verb == "/messages" and args:
            lines = [
                render_message(m, f"#{args[0]}", state.users[m.author_id].name) for m in self.sandbox.messages(args[0])
            ]
        elif verb == "/dms" and args:
            lines = [render_message(m, "DM", state.users[m.author_id].name) for m in self.sandbox.member(args[0]).dms()]
        elif verb == "/commands":
            lines = sorted(f"/{c.name} {_describe_options(c)}" for c in state.commands.values())
        elif verb == "/members":
            lines = [f"{m.name}: {', '.join(m.role_names) or '-'}" for m in self._members()]
        else:
            lines = [HELP]
        for text in lines or ["(nothing)"]:
            self.write(text)

    def _members(self) -> list[Member]:
        users = self.sandbox.state.users
        return [self.sandbox.member(users[uid].name) for uid in self.sandbox.guild.members if not users[uid].bot]

    async def _slash(self, args: list[str]) -> None:
        if len(args) < 2 or not args[1].startswith("/"):
            raise SandboxError("usage: /as NAME /COMMAND [VALUES...]")
        member = self.sandbox.member(args[0])
        command = find_command(self.sandbox.state, args[1][1:], member.guild_id)
        path, options = split_arguments(command, args[2:])
        await self._await_reply(args[0], await member.slash([command.name, *path], options))

    async def _click(self, args: list[str]) -> None:
        name, message_id, custom_id = args
        message = self.sandbox.state.messages[int(message_id)]
        await self._await_reply(name, await self.sandbox.member(name).click(message, custom_id))

    async def _select(self, args: list[str]) -> None:
        name, message_id, custom_id, *values = args
        message = self.sandbox.state.messages[int(message_id)]
        await self._await_reply(name, await self.sandbox.member(name).select(message, custom_id, values))

    async def _modal(self, args: list[str]) -> None:
        name, *fields = args
        shown = self._modals.pop(name, None)
        if shown is None:
            raise SandboxError(f"no modal is open for {name}")
        values = dict(field.split("=", 1) for field in fields)
        await self._await_reply(name, await self.sandbox.member(name).submit_modal(shown, values))

    async def _say(self, args: list[str]) -> None:
        name, channel, *text = args
        await self.sandbox.member(name).send(" ".join(text), channel=channel)

    async def _role(self, args: list[str]) -> None:
        name, change = args
        member = self.sandbox.member(name)
        await (member.add_role(change[1:]) if change.startswith("+") else member.remove_role(change.lstrip("-")))

    async def _await_reply(self, name: str, result: InteractionResult) -> None:
        kind = await result.acknowledgement(timeout=5.0)
        if kind == 9:
            modal = await result.modal()
            self._modals[name] = result
            fields = [str(c["custom_id"]) for c in walk_components(modal.get("components") or []) if "custom_id" in c]
            self.write(
                f"[modal for {name}] {modal.get('title', '')}: /modal {name} " + " ".join(f"{f}=…" for f in fields)
            )
        elif kind in (4, 5, 7):
            await result.response(timeout=15.0)
        self.write(f"(acknowledged in {1000 * (result.ack_latency or 0):.0f} ms, type {kind})")


def _describe_options(command: CommandRecord) -> str:
    def walk(options: list[dict[str, Any]]) -> str:
        words = []
        for option in options:
            if option["type"] in (SUBCOMMAND, GROUP):
                words.append(f"{option['name']} {walk(option.get('options') or [])}".strip())
            else:
                words.append(f"<{option['name']}>" if option.get("required") else f"[{option['name']}]")
        return " | ".join(words) if any(o["type"] in (SUBCOMMAND, GROUP) for o in options) else " ".join(words)

    scope = "" if command.guild_id is None else " (guild)"
    return walk(command.payload.get("options") or []) + scope


async def run_console(
    sandbox: SandboxServer, read_line: Callable[[], Awaitable[str]], write: Callable[[str], None]
) -> None:
    """Read lines until ``/quit`` or end of input, printing the bot's messages as they come."""
    console = SandboxConsole(sandbox, write)
    printer = asyncio.create_task(_print_changes(console))
    try:
        while line := await read_line():
            console.flush()
            if not await console.handle(line.strip()):
                break
            console.flush()
    finally:
        printer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await printer


async def _print_changes(console: SandboxConsole) -> None:
    while True:
        console.flush()
        await console.sandbox.state.next_change()
