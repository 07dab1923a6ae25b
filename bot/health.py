"""``GET /healthz`` and ``GET /metrics``: what an operator's monitoring asks the running bot.

/healthz answers 200 when every check passes and 503 otherwise, with one line per check:
database, RPC, Discord gateway, scheduler leadership, and whatever features add (indexer lag...).
/metrics is the Prometheus text format, from a registry owned by the runtime (never the global one).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text

__all__ = ["HealthChecks", "Metrics", "health_routes"]

Check = Callable[[], Awaitable[str | None]]  # None when healthy, else a short reason
HealthChecks = dict[str, Check]


class Metrics:
    """The bot's gauges; features set them, /metrics reads them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.indexer_lag = Gauge("daobot_indexer_lag_blocks", "Blocks between the chain head and the indexed cursor",
                                 registry=self.registry)
        self.outbox_depth = Gauge("daobot_outbox_depth", "Notifications waiting for delivery", registry=self.registry)
        self.relay_queue = Gauge("daobot_relay_queue", "Member-signed transactions journaled but not settled",
                                 registry=self.registry)
        self.payout_state = Gauge("daobot_payout_epoch_step", "Step reached by the latest epoch payout pipeline",
                                  ["epoch"], registry=self.registry)
        self.scheduler_leader = Gauge("daobot_scheduler_leader", "1 when this instance runs scheduled jobs",
                                      registry=self.registry)
        self.up_since = Gauge("daobot_start_time_seconds", "Unix time the bot started", registry=self.registry)
        self.up_since.set(time.time())

    def render(self) -> bytes:
        return generate_latest(self.registry)


async def database_check(session_factory: Callable[[], Any]) -> str | None:
    try:
        async with session_factory() as uow:
            await uow.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure is unhealthy; the reason is its type
        return type(exc).__name__
    return None


def health_routes(checks: HealthChecks, metrics: Metrics, refresh: Callable[[], Awaitable[None]]) -> list[web.RouteDef]:
    async def healthz(_: web.Request) -> web.Response:
        results = {name: await check() for name, check in sorted(checks.items())}
        healthy = all(reason is None for reason in results.values())
        body = {"status": "ok" if healthy else "degraded",
                "checks": {name: reason or "ok" for name, reason in results.items()}}
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_view(_: web.Request) -> web.Response:
        await refresh()
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    return [web.get("/healthz", healthz), web.get("/metrics", metrics_view)]
