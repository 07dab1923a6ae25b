"""INTERACTION_CREATE payloads: slash commands checked against the synced schema, clicks, modal submits.

What a member may send is what Discord's own client would let them send: a slash command
must exist (guild commands first, then global), options must be declared, required ones present
and choices respected; a button must exist on the message and not be disabled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bot.sandbox.errors import SandboxError
from bot.sandbox.payloads import channel_payload, member_payload, message_payload, role_payload, user_payload
from bot.sandbox.state import CommandRecord, InteractionRecord, SandboxState

__all__ = [
    "find_command",
    "find_component",
    "interaction_payload",
    "modal_submit_data",
    "slash_data",
    "walk_components",
]

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


def find_command(state: SandboxState, name: str, guild_id: int | None) -> CommandRecord:
    """The chat-input command named ``name`` visible in ``guild_id`` (guild commands win)."""
    candidates = [c for c in state.commands.values() if c.name == name and c.type == 1]
    for command in sorted(candidates, key=lambda c: c.guild_id is None):
        if command.guild_id in (None, guild_id):
            return command
    raise SandboxError(f"no slash command /{name} is synced for this guild")


def slash_data(
    state: SandboxState, command: CommandRecord, path: Sequence[str], values: Mapping[str, Any]
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(command.id), "name": command.name, "type": 1}
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    resolved: dict[str, dict[str, Any]] = {}
    schema: list[dict[str, Any]] = command.payload.get("options") or []
    holder = data
    for name in path:
        declared = _declared(schema, name, (SUBCOMMAND, GROUP), f"/{command.name}")
        nested: dict[str, Any] = {"name": name, "type": declared["type"]}
        holder["options"] = [nested]
        holder, schema = nested, declared.get("options") or []
    holder["options"] = _leaf_options(state, schema, values, resolved)
    if resolved:
        data["resolved"] = resolved
    return data


def _declared(schema: list[dict[str, Any]], name: str, types: tuple[int, ...], where: str) -> dict[str, Any]:
    for option in schema:
        if option["name"] == name and int(option["type"]) in types:
            return option
    raise SandboxError(f"{where} has no subcommand or option {name!r}")


def _leaf_options(
    state: SandboxState, schema: list[dict[str, Any]], values: Mapping[str, Any], resolved: dict[str, Any]
) -> list[dict[str, Any]]:
    if any(int(o["type"]) in (SUBCOMMAND, GROUP) for o in schema):
        raise SandboxError("this command needs a subcommand")
    by_name = {o["name"]: o for o in schema}
    unknown = set(values) - set(by_name)
    if unknown:
        raise SandboxError(f"unknown option(s): {', '.join(sorted(unknown))}")
    missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
    if missing:
        raise SandboxError(f"missing required option(s): {', '.join(missing)}")
    return [_option(state, by_name[name], value, resolved) for name, value in values.items()]


def _option(state: SandboxState, schema: dict[str, Any], raw: Any, resolved: dict[str, Any]) -> dict[str, Any]:
    kind = int(schema["type"])
    value = _convert(state, kind, raw, schema["name"], resolved)
    choices = schema.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise SandboxError(f"{value!r} is not a choice of option {schema['name']!r}")
    return {"name": schema["name"], "type": kind, "value": value}


def _convert(state: SandboxState, kind: int, raw: Any, name: str, resolved: dict[str, Any]) -> Any:
    try:
        if kind == STRING:
            return str(raw)
        if kind == INTEGER:
            return int(raw)
        if kind == NUMBER:
            return float(raw)
        if kind == BOOLEAN:
            return raw if isinstance(raw, bool) else str(raw).lower() in {"true", "yes", "1", "on"}
    except ValueError:
        raise SandboxError(f"option {name!r} does not accept {raw!r}") from None
    if kind in (USER, MENTIONABLE):
        return _resolve_user(state, raw, resolved)
    if kind == ROLE:
        return _resolve_role(state, raw, resolved)
    if kind == CHANNEL:
        return _resolve_channel(state, raw, resolved)
    raise SandboxError(f"option {name!r} has a type the sandbox does not emulate ({kind})")


def _resolve_user(state: SandboxState, raw: Any, resolved: dict[str, Any]) -> str:
    raw = getattr(raw, "id", raw)
    user = state.user_named(raw) if isinstance(raw, str) and not raw.isdigit() else state.user(int(raw))
    resolved.setdefault("users", {})[str(user.id)] = user_payload(user)
    for guild in state.guilds.values():
        if user.id in guild.members:
            member = member_payload(state, guild.members[user.id], with_permissions=True)
            member.pop("user")
            resolved.setdefault("members", {})[str(user.id)] = member
    return str(user.id)


def _resolve_role(state: SandboxState, raw: Any, resolved: dict[str, Any]) -> str:
    raw = getattr(raw, "id", raw)
    for guild in state.guilds.values():
        for role in guild.roles.values():
            if str(raw) in (role.name, str(role.id)):
                resolved.setdefault("roles", {})[str(role.id)] = role_payload(role)
                return str(role.id)
    raise SandboxError(f"no role {raw!r}")


def _resolve_channel(state: SandboxState, raw: Any, resolved: dict[str, Any]) -> str:
    raw = getattr(raw, "id", raw)
    for channel in state.channels.values():
        if str(raw) in (channel.name, str(channel.id)) and channel.guild_id is not None:
            payload = channel_payload(state, channel)
            payload["permissions"] = str((1 << 53) - 1)
            resolved.setdefault("channels", {})[str(channel.id)] = payload
            return str(channel.id)
    raise SandboxError(f"no channel {raw!r}")


def walk_components(components: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first (action rows, sections, containers, labels and their children)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


def find_component(components: Sequence[dict[str, Any]], custom_id: str) -> dict[str, Any]:
    for component in walk_components(components):
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise SandboxError(f"component {custom_id!r} is disabled")
            return component
    raise SandboxError(f"no component with custom_id {custom_id!r}")


def modal_submit_data(modal: dict[str, Any], values: Mapping[str, str | Sequence[str]]) -> dict[str, Any]:
    """The MODAL_SUBMIT data for ``modal`` (as the bot sent it), filled with ``values`` by custom_id."""
    inputs = [c for c in walk_components(modal.get("components") or []) if "custom_id" in c]
    declared = {str(c["custom_id"]) for c in inputs}
    unknown = set(values) - declared
    if unknown:
        raise SandboxError(f"the modal has no field(s) {', '.join(sorted(unknown))}")
    missing = [str(c["custom_id"]) for c in inputs if c.get("required", True) and c["custom_id"] not in values]
    if missing:
        raise SandboxError(f"the modal requires field(s) {', '.join(missing)}")
    rows = []
    for component in inputs:
        value = values.get(str(component["custom_id"]), "")
        submitted: dict[str, Any] = {"type": component["type"], "custom_id": component["custom_id"]}
        if isinstance(value, str):
            submitted["value"] = value
        else:
            submitted["values"] = list(value)
        rows.append({"type": 1, "components": [submitted]})
    return {"custom_id": modal["custom_id"], "components": rows}


def interaction_payload(state: SandboxState, record: InteractionRecord, application_id: int) -> dict[str, Any]:
    channel = state.channel(record.channel_id)
    payload: dict[str, Any] = {
        "id": str(record.id),
        "application_id": str(application_id),
        "type": record.type,
        "data": record.data,
        "token": record.token,
        "version": 1,
        "channel_id": str(channel.id),
        "channel": {**channel_payload(state, channel), "permissions": str((1 << 53) - 1)},
        "app_permissions": str((1 << 53) - 1),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "context": 0 if record.guild_id is not None else 1,
    }
    if record.guild_id is not None:
        member = state.member(record.guild_id, record.user_id)
        payload.update(guild_id=str(record.guild_id), guild_locale="en-US")
        payload["member"] = member_payload(state, member, with_permissions=True)
        payload["authorizing_integration_owners"] = {"0": str(record.guild_id)}
    else:
        payload["user"] = user_payload(state.user(record.user_id))
    if record.source_message_id is not None:
        payload["message"] = message_payload(state, state.messages[record.source_message_id])
    return payload
