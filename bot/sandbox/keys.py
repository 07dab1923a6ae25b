"""Typed aiohttp application keys shared by the sandbox's route modules."""

from __future__ import annotations

from aiohttp import web

from bot.sandbox.core import SandboxCore

__all__ = ["CORE_KEY"]

CORE_KEY: web.AppKey[SandboxCore] = web.AppKey("sandbox_core", SandboxCore)
