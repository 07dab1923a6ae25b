"""The demo: what daobot can do on this machine, shown step by step."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from rich.console import Console

from governance.adapters.db import migrate
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.config import load_settings
from governance.domain.addresses import parse_address
from governance.domain.amounts import format_units, parse_units
from governance.domain.members import Member
from governance.domain.notifications import Notification

__all__ = ["run_demo"]


async def _persistence_step(console: Console, workdir: Path) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'demo.sqlite'}"
    await migrate.upgrade(url)
    console.print(f"[bold]database[/] migrated to {await migrate.current_revision(url)} ({url})")
    engine = make_engine(url)
    uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
    async with uow:
        wallet = parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        await uow.members.save(Member(discord_id=1001, display_name="alice", wallet=wallet, linked_at=0))
        await uow.outbox.add(Notification("welcome", "member:1001:welcome", {"name": "alice"}), now=0)
        await uow.commit()
    async with uow:
        member = await uow.members.get(1001)
        console.print(f"[bold]member[/] {member}")
        console.print(f"[bold]outbox[/] {await uow.outbox.depth()} notification waiting")
    await engine.dispose()


def run_demo() -> int:
    console = Console()
    settings = load_settings()
    console.rule("daobot demo")
    console.print(f"chain: {settings.chain_name} via {settings.rpc_url}")
    amount = parse_units("1234.5", 6)
    console.print(f"[bold]money[/] '1234.5' TestUSD = {amount} base units = {format_units(amount, 6)}")
    with tempfile.TemporaryDirectory(prefix="daobot-demo-") as tmp:
        asyncio.run(_persistence_step(console, Path(tmp)))
    console.rule("end of demo")
    return 0
