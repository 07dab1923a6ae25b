"""How features plug into the runtime: services, notification renderers, web routes, jobs, loops.

Each feature module exposes ``wire(ctx, wiring)``; the runtime calls them in order at start.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.notifier import Renderer

__all__ = ["JobSpec", "Wiring"]


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: ``func`` is a textual reference (``"bot.jobs:close_epochs"``) for the job store."""

    id: str
    func: str
    trigger: str
    trigger_args: dict[str, Any]


@dataclass
class Wiring:
    renderers: dict[str, Renderer] = field(default_factory=dict)
    web_routes: list[web.RouteDef] = field(default_factory=list)
    web_subapps: list[tuple[str, web.Application]] = field(default_factory=list)
    jobs: list[JobSpec] = field(default_factory=list)
    loops: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    cogs: list[str] = field(default_factory=list)
    health_checks: dict[str, Callable[[], Awaitable[str | None]]] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)  # run at shutdown
