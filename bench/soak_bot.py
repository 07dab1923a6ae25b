"""One incarnation of the bot for bench/soak.py: ``python bench/soak_bot.py SETTINGS.json``.

It runs the real ``Runtime`` (every feature the soak exercises) until the soak kills it with SIGKILL; the next
incarnation starts on the same database. Two leases are shortened so that a successor takes over within
seconds instead of minutes (a dead instance cannot release them): the scheduler lease and the payouts lease.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.context import BotContext  # noqa: E402
from bot.wiring import Wiring  # noqa: E402

#: Seconds a dead instance keeps the scheduler and payouts leases (production: 30 and 300).
LEASE_SECONDS = 4
FEATURES = (
    "bot.features.chain",
    "bot.features.members",
    "bot.features.moderation",
    "bot.features.snapshot",
    "bot.features.payouts",
    "bot.features.watcher",
    "bot.features.proposals",
    "soak_bot",
)


def wire(ctx: BotContext, wiring: Wiring) -> None:
    """A feature wired after payouts: the payout runs' lease, shortened."""
    deps = ctx.services["payouts"]
    ctx.services["payouts"] = replace(deps, settings=replace(deps.settings, lease_seconds=LEASE_SECONDS))


async def _run(values: dict[str, Any]) -> None:
    from bot.logging_setup import configure_logging
    from bot.runtime import Runtime
    from governance.config import load_settings

    settings = load_settings(**values)
    configure_logging(settings)
    runtime = Runtime(settings, features=FEATURES, outbox_interval=0.2, scheduler_renew_every=0.5)
    async with runtime:
        runtime.election._ttl = LEASE_SECONDS  # the election has not run its first round yet
        await asyncio.Event().wait()


def main() -> None:
    values = json.loads(Path(sys.argv[1]).read_text())
    asyncio.run(_run(values))


if __name__ == "__main__":
    main()
