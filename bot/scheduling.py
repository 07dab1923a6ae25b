"""APScheduler wiring: a database job store, and only one bot instance running jobs at a time.

Every instance builds the same scheduler, but only the holder of the ``scheduler`` lease (a row in
the database, renewed every ``renew_every`` seconds) runs it. Another instance stays passive and
takes over once the lease expires, i.e. when the leader died or lost the database. Jobs only call
services, and services make every run idempotent, so even a takeover mid-job repeats nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from governance.ports import Clock, UnitOfWork

__all__ = ["LeaderElection", "build_scheduler", "sync_database_url"]

log = logging.getLogger(__name__)
LEASE = "scheduler"


def sync_database_url(url: str) -> str:
    """APScheduler 3's job store is synchronous: the same database through a sync driver.

    On SQLite the jobs live in a sibling file (``daobot.jobs.sqlite`` beside ``daobot.sqlite``):
    the store's synchronous writes run on the event loop's thread, and SQLite locks the whole file,
    so sharing the file with the async sessions could block the loop on a lock that only the loop
    can release.
    """
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1]
        stem, dot, suffix = path.rpartition(".")
        return "sqlite:///" + (f"{stem}.jobs.{suffix}" if dot else f"{path}.jobs")
    return url.replace("postgresql+asyncpg", "postgresql+psycopg")


def build_scheduler(database_url: str, *, misfire_grace_seconds: int = 300) -> AsyncIOScheduler:
    url = sync_database_url(database_url)
    options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    store = SQLAlchemyJobStore(url=url, tablename="scheduler_jobs", engine_options=options)
    return AsyncIOScheduler(
        jobstores={"default": store},
        executors={"default": AsyncIOExecutor()},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": misfire_grace_seconds},
        timezone="UTC",
    )


class LeaderElection:
    """Holds the scheduler lease while alive; starts the scheduler when leading, pauses it when not."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        scheduler: AsyncIOScheduler,
        *,
        ttl: int = 30,
        renew_every: float = 10.0,
        holder: str | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._scheduler = scheduler
        self._ttl = ttl
        self._renew_every = renew_every
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.is_leader = False
        self._task: asyncio.Task[None] | None = None

    @property
    def scheduler(self) -> AsyncIOScheduler:
        return self._scheduler

    async def _try_acquire(self) -> bool:
        try:
            async with self._uow_factory() as uow:
                won = await uow.leases.acquire(LEASE, self.holder, self._clock.now(), self._ttl)
                await uow.commit()
            return won
        except Exception as exc:  # noqa: BLE001 - losing the database means losing the lead
            log.warning("scheduler lease check failed: %s", type(exc).__name__)
            return False

    def _lead(self, leading: bool) -> None:
        if leading and not self.is_leader:
            log.info("this instance (%s) now runs scheduled jobs", self.holder)
            if self._scheduler.running:
                self._scheduler.resume()
            else:
                self._scheduler.start()
        elif not leading and self.is_leader:
            log.warning("this instance (%s) lost the scheduler lease; jobs paused", self.holder)
            self._scheduler.pause()
        self.is_leader = leading

    async def step(self) -> bool:
        """One round of the election; returns whether this instance leads now."""
        self._lead(await self._try_acquire())
        return self.is_leader

    async def _loop(self) -> None:
        while True:
            await self.step()
            await asyncio.sleep(self._renew_every)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="scheduler-leader")

    async def _drain(self, timeout: float) -> None:
        """Wait for jobs already running; cancel what is still running after ``timeout`` and wait for that."""
        executor = self._scheduler._lookup_executor("default")  # its running jobs are known only there
        running = [f for f in getattr(executor, "_pending_futures", ()) if not f.done()]
        if not running:
            return
        _done, late = await asyncio.wait(running, timeout=timeout)
        for future in late:
            future.cancel()
        if late:
            await asyncio.wait(late, timeout=5.0)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._scheduler.running:
            self._scheduler.pause()  # no new runs; let the ones under way finish (a job is one service call)
            await self._drain(timeout=15.0)
            self._scheduler.shutdown(wait=False)
        if self.is_leader:
            try:
                async with self._uow_factory() as uow:
                    await uow.leases.release(LEASE, self.holder)
                    await uow.commit()
            except Exception as exc:  # noqa: BLE001 - the lease expires by itself; shutdown must go on
                log.warning("could not release the scheduler lease (%s); it expires in %d s", type(exc).__name__,
                            self._ttl)
        self.is_leader = False
