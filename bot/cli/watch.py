"""``daobot watch``, ``daobot proposals``, ``daobot treasury``, ``daobot shares``: the chain watcher and its views."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot.cli.app import app
from bot.cli.common import fail, run_async, settings_or_exit
from governance.adapters.chain.indexer import ChainIndexer, StepResult
from governance.adapters.chain.span import AdaptiveSpan
from governance.adapters.chain.watcher_setup import build_watcher
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.amounts import format_units
from governance.domain.chain_records import ProposalView
from governance.domain.errors import InvalidInput, NotFound

__all__ = ["proposals", "shares", "treasury", "watch"]

Opt = typer.Option
TOKEN_DECIMALS = 18
USD_DECIMALS = 6
console = Console()


async def _catch_up_with_progress(indexer: ChainIndexer) -> int:
    await indexer.register()
    target = await indexer.target()
    cursor = await indexer.cursor()
    start = cursor.block_number if cursor else indexer.start_block - 1
    if target <= start:
        return start
    columns = (TextColumn("catching up"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[logs]} logs"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("blocks", total=target - start, logs=0)

        def advance(result: StepResult) -> None:
            done = (result.cursor if result.cursor is not None else start) - start
            progress.update(task, completed=max(0, done), logs=indexer.stats.logs_applied)

        return await indexer.catch_up(target, on_step=advance)


def _live(result: StepResult) -> None:
    if result.kind == "applied" and result.logs:
        console.print(f"block {result.cursor}: {result.logs} logs")
    elif result.kind == "reorg":
        console.print(f"[yellow]reorg: rolled back to block {result.cursor}[/yellow]")


async def _watch(governor: str | None, from_block: int | None, once: bool, max_span: int | None) -> None:
    settings = settings_or_exit()
    watcher = await build_watcher(settings, governor=governor, from_block=from_block)
    indexer = watcher.indexer
    if max_span is not None:
        indexer.span = AdaptiveSpan(size=max_span, maximum=max_span)
    try:
        if watcher.discovery.missing:
            console.print(f"[yellow]not found, not watched: {', '.join(watcher.discovery.missing)}[/yellow]")
        reached = await _catch_up_with_progress(indexer)
        console.print(f"indexed to block {reached}; {indexer.stats.logs_applied} logs, rpc: "
                      f"{indexer.source.client.stats.summary()}")
        if once:
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await indexer.run(stop, settings.indexer_poll_seconds, on_step=_live)
    finally:
        await watcher.close()


@app.command()
def watch(
    governor: Annotated[str | None, Opt(help="Watch this OpenZeppelin Governor instead of the deployed suite.")] = None,
    from_block: Annotated[int | None, Opt(help="First block to read (default: the deployment's).")] = None,
    once: Annotated[bool, Opt(help="Catch up to the confirmed head, then exit.")] = False,
    max_span: Annotated[int | None, Opt(help="At most this many blocks per log query.", min=1)] = None,
) -> None:
    """Follow the chain: mirror proposals, votes, balances and treasury events, and queue notifications."""
    level = getattr(logging, settings_or_exit().log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_async(lambda: _watch(governor, from_block, once, max_span))


async def _with_uow(action):  # type: ignore[no-untyped-def]
    settings = settings_or_exit()
    engine = make_engine(settings.database_url)
    try:
        async with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            return await action(uow, settings.chain_id)
    finally:
        await engine.dispose()


def _votes(value: int) -> str:
    return format_units(value, TOKEN_DECIMALS, 2)


def _proposal_table(views: list[ProposalView]) -> Table:
    table = Table("id", "title", "state", "for", "against", "abstain", "deadline")
    for view in views:
        pid = str(view.proposal_id)
        short = pid if len(pid) <= 14 else f"{pid[:6]}…{pid[-6:]}"
        table.add_row(short, view.title, view.state.label, _votes(view.tally.votes_for),
                      _votes(view.tally.votes_against), _votes(view.tally.votes_abstain), str(view.vote_end))
    return table


def _show_proposal(view: ProposalView, votes: list) -> None:  # type: ignore[type-arg]
    console.print(f"[bold]{view.title}[/bold]  ({view.state.label})")
    console.print(f"id {view.proposal_id}\nproposer {view.proposer}\nvoting {view.vote_start} → {view.vote_end}")
    quorum = _votes(view.quorum) if view.quorum is not None else "not read yet"
    console.print(f"for {_votes(view.tally.votes_for)}  against {_votes(view.tally.votes_against)}  "
                  f"abstain {_votes(view.tally.votes_abstain)}  quorum {quorum}")
    if view.eta is not None:
        console.print(f"executable after {view.eta} (unix time)")
    table = Table("voter", "support", "weight", "reason")
    for vote in votes:
        table.add_row(vote.voter, ("against", "for", "abstain")[vote.support], _votes(vote.weight), vote.reason)
    console.print(table)


@app.command()
def proposals(
    proposal_id: Annotated[str | None, typer.Argument(help="Show one proposal with its votes.")] = None,
    limit: Annotated[int, Opt(help="How many of the newest proposals to list.")] = 20,
) -> None:
    """List proposals (newest first) with state and tallies, or show one with its votes."""

    async def show(uow: SqlAlchemyUnitOfWork, chain_id: int) -> None:
        if proposal_id is None:
            console.print(_proposal_table(await uow.chain.proposals(chain_id, limit)))
            return
        pid = int(proposal_id, 0) if proposal_id.isdigit() or proposal_id.startswith("0x") else None
        if pid is None:
            raise InvalidInput("A proposal id is a number (decimal or 0x-hex).")
        view = await uow.chain.proposal(chain_id, pid)
        if view is None:
            raise NotFound(f"No proposal {proposal_id} has been indexed.")
        _show_proposal(view, await uow.chain.votes(chain_id, pid))

    run_async(lambda: _with_uow(show))


@app.command()
def treasury() -> None:
    """Revenue per epoch and classifier, closed epochs' splits, dividends and the current allocation."""

    async def show(uow: SqlAlchemyUnitOfWork, chain_id: int) -> None:
        summary = await uow.chain_ledger.treasury_summary(chain_id)
        usd = lambda units: format_units(units, USD_DECIMALS, 2)  # noqa: E731
        console.print(f"revenue {usd(summary.total_revenue)} (open epochs {usd(summary.open_revenue)}), "
                      f"epochs closed {summary.epochs_closed}")
        console.print(f"reserve added {usd(summary.reserve_added)}, spent {usd(summary.reserve_spent)}; dividends "
                      f"budgeted {usd(summary.dividends_budgeted)}, claimed {usd(summary.dividends_claimed)}, "
                      f"swept {usd(summary.dividends_swept)}")
        if summary.allocation_bps is not None:
            parts = zip(("members", "classifiers", "bounties", "reserve", "operations"), summary.allocation_bps,
                        strict=True)
            console.print("allocation " + ", ".join(f"{name} {bps / 100:g}%" for name, bps in parts))
        table = Table("epoch", "revenue", "by classifier", "closed")
        for epoch in await uow.chain_ledger.revenue(chain_id):
            by = ", ".join(f"#{r.classifier_id} {usd(r.amount)}" for r in epoch.by_classifier)
            table.add_row(str(epoch.epoch), usd(epoch.revenue), by, "yes" if epoch.closed else "no")
        console.print(table)

    run_async(lambda: _with_uow(show))


@app.command()
def shares(
    classifier: Annotated[int, typer.Argument(help="Classifier id (its ERC-1155 share id).")],
    at_block: Annotated[int | None, Opt(help="Balances after this block (default: the indexed head).")] = None,
) -> None:
    """Shareholders of a classifier at a block."""

    async def show(uow: SqlAlchemyUnitOfWork, chain_id: int) -> None:
        status = await uow.chain_ledger.status(chain_id)
        block = at_block if at_block is not None else status.indexed_block
        if block is None:
            fail("nothing indexed yet: run `daobot watch` first")
            return
        holders = await uow.chain.share_holders(chain_id, classifier, block)
        table = Table("holder", "shares", title=f"classifier #{classifier} at block {block}")
        for holding in holders:
            table.add_row(holding.account, str(holding.balance))
        console.print(table)

    run_async(lambda: _with_uow(show))
