"""The bot process: database, chain, HTTP server, Discord client, scheduler and outbox, started
and stopped together. ``run_forever`` is ``daobot run``; tests and the demo use ``Runtime``."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.client import DaoBot
from bot.context import BotContext
from bot.health import HealthChecks, Metrics, database_check, health_routes
from bot.logging_setup import configure_logging
from bot.notifier import DiscordNotifier
from bot.scheduling import LEASE, LeaderElection, build_scheduler
from bot.wiring import Wiring
from governance.adapters.chain.keccak_backend import install_fast_keccak
from governance.adapters.clock import SystemClock
from governance.adapters.db import migrate
from governance.bootstrap import build_database
from governance.config import Settings
from governance.ports import Clock
from governance.services.notifications import deliver_pending

__all__ = ["DEFAULT_FEATURES", "Runtime", "current", "run_forever"]

log = logging.getLogger(__name__)

#: Feature modules, each with ``wire(ctx, wiring)``; order matters where one uses another's services.
DEFAULT_FEATURES: tuple[str, ...] = (
    "bot.features.chain",
    "bot.features.watcher",
    "bot.features.members",
    "bot.features.proposals",
    "bot.features.advisor",
    "bot.features.moderation",
    "bot.features.snapshot",
    "bot.features.payouts",
    "bot.features.treasury",
)

_current: Runtime | None = None


def current() -> Runtime:
    """The running runtime, for scheduled jobs (the job store keeps only textual references)."""
    if _current is None:
        raise RuntimeError("no daobot runtime is running in this process")
    return _current


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        features: Sequence[str] = DEFAULT_FEATURES,
        outbox_interval: float = 1.0,
        scheduler_renew_every: float = 10.0,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self._features = tuple(dict.fromkeys(features))  # a feature named twice is wired once
        self._outbox_interval = outbox_interval
        self._renew_every = scheduler_renew_every
        self._tasks: list[asyncio.Task[Any]] = []
        self._web: web.AppRunner | None = None
        self.wiring = Wiring()
        self.ctx: BotContext
        self.bot: DaoBot
        self.election: LeaderElection
        self.http_port: int | None = None

    async def start(self) -> Self:
        global _current
        install_fast_keccak()
        await migrate.upgrade(self.settings.database_url)
        self._engine, uow_factory = build_database(self.settings)
        self.ctx = BotContext(self.settings, self.clock, uow_factory)
        self.metrics = Metrics()
        self.ctx.services["metrics"] = self.metrics
        for name in self._features:
            await _maybe_await(importlib.import_module(name).wire(self.ctx, self.wiring))
        _current = self
        await self._start_web()
        self._start_discord()
        self._start_scheduler()
        self._spawn(self._outbox_loop(), "outbox")
        for loop in self.wiring.loops:
            self._spawn(loop(), getattr(loop, "__name__", "loop"))
        return self

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        task.add_done_callback(_report_failure)
        self._tasks.append(task)

    def _start_discord(self) -> None:
        if self.settings.discord_api_base:
            from bot.sandbox.client_patch import point_discord_at

            point_discord_at(self.settings.discord_api_base)
        self.bot = DaoBot(self.ctx, cogs=self.wiring.cogs)
        self.notifier = DiscordNotifier(self.bot, self.ctx, self.wiring.renderers)
        token = self.settings.require_discord_token().get_secret_value()
        self._spawn(self.bot.start(token), "discord")

    def _start_scheduler(self) -> None:
        scheduler = build_scheduler(self.settings.database_url)
        for job in self.wiring.jobs:
            scheduler.add_job(job.func, job.trigger, id=job.id, replace_existing=True, **job.trigger_args)
        self.election = LeaderElection(self.ctx.uow_factory, self.clock, scheduler, renew_every=self._renew_every)
        self.election.start()

    def _health_checks(self) -> HealthChecks:
        async def database() -> str | None:
            return await database_check(self.ctx.uow_factory)

        async def gateway() -> str | None:
            bot = getattr(self, "bot", None)
            if bot is None or bot.is_closed() or not bot.is_ready():
                return "not connected"
            return None

        async def scheduler() -> str | None:
            async with self.ctx.uow_factory() as uow:
                holder = await uow.leases.holder(LEASE, self.clock.now())
            return None if holder else "no instance holds the scheduler lease"

        return {"database": database, "gateway": gateway, "scheduler": scheduler, **self.wiring.health_checks}

    async def _refresh_metrics(self) -> None:
        async with self.ctx.uow_factory() as uow:
            self.metrics.outbox_depth.set(await uow.outbox.depth())
            sender = self.ctx.services.get("sender")
            if sender is not None:
                pending = await uow.transactions.in_flight(self.settings.chain_id, sender.address)
                self.metrics.relay_queue.set(len(pending))
        election = getattr(self, "election", None)
        self.metrics.scheduler_leader.set(1 if election is not None and election.is_leader else 0)

    async def _start_web(self) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        app.add_routes(health_routes(self._health_checks(), self.metrics, self._refresh_metrics))
        app.add_routes(self.wiring.web_routes)
        for prefix, sub in self.wiring.web_subapps:
            app.add_subapp(prefix, sub)
        self._web = web.AppRunner(app, access_log=None)
        await self._web.setup()
        site = web.TCPSite(self._web, self.settings.http_host, self.settings.http_port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.http_port = sockets[0].getsockname()[1] if sockets else self.settings.http_port

    async def _outbox_loop(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                await deliver_pending(self.ctx.uow_factory, self.notifier, self.clock)
            except Exception:
                log.exception("outbox delivery round failed")
            await asyncio.sleep(self._outbox_interval)

    async def stop(self) -> None:
        global _current
        for task in reversed(self._tasks):
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if hasattr(self, "bot") and not self.bot.is_closed():
            await self.bot.close()
        if hasattr(self, "election"):
            await self.election.stop()
        if self._web is not None:
            await self._web.cleanup()
        for close in reversed(self.wiring.closers):
            with contextlib.suppress(Exception):
                await close()
        if hasattr(self, "_engine"):
            await self._engine.dispose()
        _current = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def _report_failure(task: asyncio.Task[Any]) -> None:
    """A background part of the bot that dies says so in the log (its exception would otherwise vanish)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("the bot's %s task stopped", task.get_name(), exc_info=task.exception())


async def _maybe_await(value: Any) -> None:
    if asyncio.iscoroutine(value):
        await value


def run_forever(settings: Settings, *, runtime_factory: Callable[[Settings], Runtime] = Runtime) -> None:
    configure_logging(settings)

    async def main() -> None:
        async with runtime_factory(settings) as runtime:
            log.info("daobot running; signing pages on port %s", runtime.http_port)
            await asyncio.Event().wait()

    asyncio.run(main())
