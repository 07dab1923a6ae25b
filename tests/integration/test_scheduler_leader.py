"""Two bot instances on one database: scheduled jobs run in one of them only, and the other
takes over when the first dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import select

from governance.adapters.db.engine import make_engine
from governance.adapters.db.tables.core import outbox

PROBE = textwrap.dedent(
    """
    import asyncio, sys, time
    from governance.adapters.clock import SystemClock
    from governance.adapters.db.engine import make_engine, make_session_factory
    from governance.adapters.db.uow import SqlAlchemyUnitOfWork
    from governance.domain.notifications import Notification
    from bot.scheduling import LeaderElection, build_scheduler

    URL, NAME = sys.argv[1], sys.argv[2]
    _factories = []

    def factory():
        if not _factories:
            _factories.append(make_session_factory(make_engine(URL)))
        return _factories[0]

    async def tick() -> None:
        async with SqlAlchemyUnitOfWork(factory()) as uow:
            now = time.time()
            await uow.outbox.add(Notification("tick", f"tick:{NAME}:{now:.6f}", {"at": now}), int(now))
            await uow.commit()

    async def main() -> None:
        scheduler = build_scheduler(URL)
        scheduler.add_job("scheduler_probe:tick", "interval", seconds=0.3, id="tick", replace_existing=True)
        election = LeaderElection(lambda: SqlAlchemyUnitOfWork(factory()), SystemClock(), scheduler,
                                  ttl=2, renew_every=0.5, holder=NAME)
        election.start()
        print("started", flush=True)
        await asyncio.sleep(60)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def _spawn(tmp_path: Path, url: str, name: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.Popen(
        [sys.executable, "-c", "import runpy; runpy.run_module('scheduler_probe', run_name='__main__')", url, name],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


async def _ticks(url: str) -> list[tuple[float, str]]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.dedupe_key).where(outbox.c.kind == "tick"))).all()
    await engine.dispose()
    return sorted((float(key.split(":")[2]), key.split(":")[1]) for (key,) in rows)


async def test_jobs_run_in_one_instance_and_fail_over(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "scheduler_probe.py").write_text(PROBE)
    first = _spawn(tmp_path, database_url, "alpha")
    await asyncio.sleep(1.5)  # alpha wins the lease
    second = _spawn(tmp_path, database_url, "beta")
    try:
        await asyncio.sleep(4.0)
        overlap = await _ticks(database_url)
        killed_at = time.time()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        await asyncio.sleep(5.0)
        after = await _ticks(database_url)
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)
    assert overlap and {who for _, who in overlap} == {"alpha"}, "only the leader runs jobs"
    later = [who for at, who in after if at > killed_at]
    assert later and set(later) == {"beta"}, "the passive instance takes over after the leader dies"
    takeover = min(at for at, who in after if who == "beta")
    assert takeover - killed_at < 4.0  # lease ttl 2 s + renew interval
    stamps = [at for at, _ in after]
    assert len(stamps) == len(set(stamps))
