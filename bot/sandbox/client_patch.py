"""Point discord.py 2.7 at another Discord-compatible server (the sandbox), process-wide.

discord.py has two hard-coded endpoints, both class attributes:

- ``discord.http.Route.BASE`` (``https://discord.com/api/v10``): every REST call, including the
  interaction callbacks and followup webhooks, builds its URL from it when the request is made;
- ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (``wss://gateway.discord.gg/``): a
  non-sharded client connects there first (it never asks ``/gateway/bot``), and goes back there
  after an INVALID_SESSION. Later connections use READY's ``resume_gateway_url``, which the
  sandbox sets to itself.

The bot's entrypoint calls :func:`point_discord_at` only when ``DAOBOT_DISCORD_API_BASE``
(``Settings.discord_api_base``) is set; nothing is patched on import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

__all__ = ["DiscordEndpoints", "current_endpoints", "gateway_url_for", "point_discord_at", "pointed_at"]


@dataclass(frozen=True, slots=True)
class DiscordEndpoints:
    api_base: str
    gateway_url: str


def gateway_url_for(api_base: str) -> str:
    """The sandbox's gateway for a REST base: same host and port, path ``/gateway``, ws scheme."""
    url = yarl.URL(api_base)
    scheme = "wss" if url.scheme == "https" else "ws"
    return str(url.with_scheme(scheme).with_path("/gateway").with_query(None))


def current_endpoints() -> DiscordEndpoints:
    return DiscordEndpoints(Route.BASE, str(DiscordWebSocket.DEFAULT_GATEWAY))


def point_discord_at(api_base: str, gateway_url: str | None = None) -> DiscordEndpoints:
    """Send discord.py's REST calls to ``api_base`` and its gateway to ``gateway_url``.

    ``api_base`` includes the version, e.g. ``http://127.0.0.1:8765/api/v10``; the gateway
    defaults to :func:`gateway_url_for` (what the sandbox's ``GET /gateway/bot`` also returns).
    Returns the endpoints in use before, so a caller can restore them.
    """
    previous = current_endpoints()
    Route.BASE = api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or gateway_url_for(api_base))
    return previous


@contextmanager
def pointed_at(api_base: str, gateway_url: str | None = None) -> Iterator[DiscordEndpoints]:
    """:func:`point_discord_at` for the duration of a ``with`` block (tests), then restore."""
    previous = point_discord_at(api_base, gateway_url)
    try:
        yield current_endpoints()
    finally:
        point_discord_at(previous.api_base, previous.gateway_url)
