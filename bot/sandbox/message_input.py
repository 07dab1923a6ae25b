"""Reading a message body the way Discord does: JSON, or multipart with ``payload_json`` and files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.errors import invalid_form

__all__ = ["MessageInput", "UploadedFile", "read_json_body", "read_message_input"]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    index: int
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class MessageInput:
    """The fields of a create/edit message request; absent fields are left unchanged by an edit."""

    fields: dict[str, Any]
    files: tuple[UploadedFile, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.fields

    @classmethod
    def from_fields(cls, fields: dict[str, Any] | None) -> MessageInput:
        return cls(dict(fields or {}))


async def read_json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise invalid_form("body", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid_form("body", "Expected an object.")
    return body


async def read_message_input(request: web.Request) -> MessageInput:
    """Parse a JSON body, or a multipart body (``payload_json`` + ``files[n]``)."""
    if not request.content_type.startswith("multipart/"):
        return MessageInput.from_fields(await read_json_body(request))
    reader = await request.multipart()
    fields: dict[str, Any] = {}
    files: list[UploadedFile] = []
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        name = part.name or ""
        if name == "payload_json":
            fields = json.loads(await part.text())
        elif name.startswith("files[") or part.filename:
            files.append(await _read_file(part, len(files)))
    return MessageInput(fields, tuple(files))


async def _read_file(part: BodyPartReader, position: int) -> UploadedFile:
    name = part.name or ""
    index = position
    if name.startswith("files[") and name.endswith("]") and name[6:-1].isdigit():
        index = int(name[6:-1])
    content_type = part.headers.get("Content-Type", "application/octet-stream")
    return UploadedFile(index, part.filename or f"file{index}", content_type, bytes(await part.read()))
