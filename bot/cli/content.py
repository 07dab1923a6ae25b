"""``daobot content import`` and ``daobot ranking export``: content intake and penalties from a shell."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.cli.app import app
from bot.cli.common import fail, run_async, settings_or_exit
from governance.adapters.chain.moderation import Web3ModerationChain
from governance.adapters.clock import SystemClock
from governance.adapters.db import migrate
from governance.bootstrap import build_chain, build_database
from governance.domain.content import parse_posts_jsonl
from governance.domain.errors import DaobotError
from governance.services import content as content_service
from governance.services import moderation as moderation_service
from policies.classifiers.artifacts import REFERENCE_DIR
from policies.classifiers.market import ArtifactDirectory

__all__ = ["content_app", "ranking_app"]

content_app = typer.Typer(help="Platform content: import posts for scoring and moderation.", no_args_is_help=True)
ranking_app = typer.Typer(help="Feed ranking: the penalties moderation decided.", no_args_is_help=True)
app.add_typer(content_app, name="content")
app.add_typer(ranking_app, name="ranking")


@content_app.command("import")
def import_posts(file: Path = typer.Argument(..., help="Posts as JSON Lines: id, author, text, created.")) -> None:
    """Import posts (idempotent by post id); listed classifiers score them and flagged ones are queued."""
    try:
        lines = file.read_text("utf-8").splitlines()
    except OSError as exc:
        fail(f"Cannot read {file}: {exc.strerror}.")
        return
    settings = settings_or_exit()
    clock = SystemClock()
    try:
        posts = parse_posts_jsonl(lines, now=datetime.fromtimestamp(clock.now(), tz=UTC))
    except DaobotError as exc:
        fail(exc.message)
        return

    async def main() -> content_service.IntakeReport:
        await migrate.upgrade(settings.database_url)
        engine, uow_factory = build_database(settings)
        try:
            access = build_chain(settings, uow_factory, clock)
            chain = Web3ModerationChain(access.chain, access.sender)
            loader = ArtifactDirectory(settings.classifier_artifacts_dir or REFERENCE_DIR)
            deps = content_service.IntakeDeps(uow_factory, chain, loader, clock, settings.moderation_score_threshold)
            return await content_service.ingest_posts(deps, posts)
        finally:
            await engine.dispose()

    report = run_async(main)
    typer.echo(
        f"{report.received} post(s): {report.new} new, {report.already_known} already known; "
        f"{len(report.queued)} queued for moderation."
    )
    if report.classifiers_skipped:
        typer.echo(f"skipped classifiers (admins alerted): {', '.join(report.classifiers_skipped)}", err=True)


@ranking_app.command("export")
def export(out: Path | None = typer.Option(None, help="Write the JSON here instead of standard output.")) -> None:
    """Export every current ranking penalty (post id, multiplier in basis points, round, reason) as JSON."""
    settings = settings_or_exit()

    async def main() -> list[dict[str, object]]:
        await migrate.upgrade(settings.database_url)
        engine, uow_factory = build_database(settings)
        try:
            found = await moderation_service.ranking_penalties(uow_factory)
        finally:
            await engine.dispose()
        return [{**asdict(p), "decided_at": p.decided_at.isoformat()} for p in found]

    text = json.dumps({"penalties": run_async(main)}, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, "utf-8")
        typer.echo(f"wrote {out}")
