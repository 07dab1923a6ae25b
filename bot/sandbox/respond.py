"""JSON responses as Discord sends them: ``Content-Type: application/json`` exactly.

discord.py decodes a body only when the header is exactly ``application/json`` (no charset),
so ``aiohttp.web.json_response`` (which appends ``; charset=utf-8``) will not do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

__all__ = ["json_response"]


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    merged = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=merged)
