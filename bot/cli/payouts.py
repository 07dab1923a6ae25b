"""``daobot payouts``: show a run, verify an epoch against the chain, run the pipeline, acknowledge a veto."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import typer

from bot.cli.app import app
from bot.cli.common import fail, run_async, settings_or_exit
from governance.domain.errors import DaobotError

__all__ = ["payouts"]

payouts = typer.Typer(help="Dividend payouts: show, verify, run by hand, acknowledge a veto.")
app.add_typer(payouts, name="payouts")


def _read(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - a URL the user gave
            return bytes(response.read())
    return Path(source).read_bytes()


async def _verify(rpc_url: str, deployment_file: Path, epoch: int, manifest: str | None) -> Any:
    from web3 import AsyncHTTPProvider, AsyncWeb3

    from governance.adapters.chain.deployment import Deployment
    from governance.adapters.chain.payouts import Web3PayoutChain
    from governance.services.payout_verify import verify_epoch, weights_for

    deployment = Deployment.read(deployment_file)
    w3: AsyncWeb3[Any] = AsyncWeb3(AsyncHTTPProvider(rpc_url, request_kwargs={"timeout": 60}))
    if await w3.eth.chain_id != deployment.chain_id:
        raise DaobotError(f"The RPC is not on chain {deployment.chain_id}, the deployment's chain.")
    published = _read(manifest) if manifest else None
    return await verify_epoch(Web3PayoutChain(w3, deployment), weights_for(published), epoch, published)


@payouts.command("verify")
def verify(
    epoch: int = typer.Argument(..., min=0),
    rpc_url: str | None = typer.Option(None, help="JSON-RPC endpoint (default: DAOBOT_RPC_URL)."),
    deployment: Path | None = typer.Option(None, help="Deployment file (default: DAOBOT_DEPLOYMENT_FILE)."),
    manifest: str | None = typer.Option(None, help="A published manifest (file or URL) to check as well."),
) -> None:
    """Recompute EPOCH's manifest from chain data and compare it with the root on chain (exit 0 match, 1 not)."""
    if rpc_url is None or deployment is None:
        settings = settings_or_exit()
        rpc_url, deployment = rpc_url or settings.rpc_url, deployment or settings.deployment_file
    try:
        report = run_async(lambda: _verify(rpc_url, deployment, epoch, manifest))
    except OSError as exc:
        fail(f"Cannot read {manifest or deployment}: {exc}")
        return
    typer.echo(f"epoch {epoch}: recomputed root {report.recomputed.root}, total {report.recomputed.total}, "
               f"{len(report.recomputed.leaves)} leaves, manifest hash {report.recomputed.content_hash}")
    typer.echo(f"on chain:  root {report.chain_root}, total {report.chain_total}, "
               f"manifest hash {report.chain_manifest_hash}")
    if report.ok:
        typer.echo("MATCH: the root on chain is the one the chain data gives.")
        return
    for problem in report.problems:
        typer.echo(f"MISMATCH: {problem}", err=True)
    raise typer.Exit(1)


def _runtime_deps() -> tuple[Any, Any]:
    from bot.context import BotContext
    from bot.features.payouts import build_payout_deps
    from governance.adapters.clock import SystemClock
    from governance.bootstrap import build_chain, build_database

    settings = settings_or_exit()
    engine, uow_factory = build_database(settings)
    ctx = BotContext(settings, SystemClock(), uow_factory)
    access = build_chain(settings, uow_factory, ctx.clock)
    ctx.services.update(w3=access.w3, deployment=access.deployment, sender=access.sender)
    return build_payout_deps(ctx), engine


@payouts.command("run")
def run() -> None:
    """Advance every ended epoch's payout now (idempotent: safe to repeat, and alongside the bot)."""
    from governance.services.payouts import run_payouts

    async def go() -> Any:
        deps, engine = _runtime_deps()
        try:
            return await run_payouts(deps)
        finally:
            await engine.dispose()

    runs = run_async(go)
    if runs is None:
        fail("another process is advancing payouts right now; try again in a moment", code=1)
        return
    for r in runs:
        typer.echo(f"epoch {r.epoch}: {r.stage.value}" + (f" ({r.note})" if r.note else ""))
    if not runs:
        typer.echo("no ended epoch waits for a payout")


@payouts.command("show")
def show(epoch: int = typer.Argument(..., min=0),
         manifest: bool = typer.Option(False, "--manifest", help="Print the published manifest JSON.")) -> None:
    """Show where EPOCH's payout stands (from the bot's database)."""
    from governance.bootstrap import build_database
    from governance.services.payout_queries import payout_run

    settings = settings_or_exit()

    async def go() -> tuple[Any, bytes | None]:
        engine, uow_factory = build_database(settings)
        try:
            found = await payout_run(uow_factory, settings.chain_id, epoch)
            async with uow_factory() as uow:
                content = await uow.payouts.manifest(settings.chain_id, epoch)
            return found, content
        finally:
            await engine.dispose()

    r, content = run_async(go)
    if manifest and content is not None:
        typer.echo(content.decode("utf-8"))
        return
    typer.echo(f"epoch {r.epoch}: {r.stage.value} (round {r.round}){' - ' + r.note if r.note else ''}\n"
               f"  end block {r.end_block}, root {r.root}, manifest hash {r.manifest_hash}\n"
               f"  budget {r.budget}, manifest total {r.total}, {r.leaf_count} leaves, paid {r.paid}, "
               f"swept {r.swept if r.swept is not None else '-'}\n"
               f"  claim batches {r.next_batch}, claimable at {r.claimable_at or '-'}")


@payouts.command("acknowledge")
def acknowledge(epoch: int = typer.Argument(..., min=0)) -> None:
    """Let a vetoed payout be proposed again unchanged (the cause of the veto was fixed elsewhere)."""
    from governance.bootstrap import build_database
    from governance.services.payouts import acknowledge_veto

    settings = settings_or_exit()

    async def go() -> Any:
        engine, uow_factory = build_database(settings)
        try:
            return await acknowledge_veto(uow_factory, settings.chain_id, epoch)
        finally:
            await engine.dispose()

    run_async(go)
    typer.echo(f"epoch {epoch}: acknowledged; the next run proposes it again")


